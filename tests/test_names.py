"""Names that read alike are one identity: separation of duties and quorums compare people, not code points."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tether import AlreadyDecided, Approve, Policy, SeparationOfDuties, Status, ToolCall, UsageError
from tether._names import identity_key, same_identity
from tether.plane import ControlPlane
from tether.store import open_store

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202c", "\u00ad", " ", "\t"]
NAMES = st.text(alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=12)


@given(NAMES, st.lists(st.sampled_from(INVISIBLE), max_size=4), st.data())
def test_a_name_with_invisible_characters_or_another_case_is_the_same_identity(
    name: str, invisible: list[str], data: st.DataObject
) -> None:
    decorated = list(name.upper() if data.draw(st.booleans()) else name)
    for char in invisible:
        decorated.insert(data.draw(st.integers(0, len(decorated))), char)
    assert same_identity(name, "".join(decorated))


@given(NAMES)
def test_a_fullwidth_name_is_the_same_identity(name: str) -> None:
    fullwidth = "".join(chr(ord(ch) - ord("a") + ord("ａ")) for ch in name)
    assert same_identity(name, fullwidth)


@pytest.mark.parametrize(
    ("name", "lookalike"),
    [("bot", "bоt"), ("alice", "аlice"), ("paypal-bot", "раураl-bot"), ("ops", "οps"), ("bot", "ｂｏｔ")],
)
def test_letters_from_other_scripts_that_look_latin_are_the_same_identity(name: str, lookalike: str) -> None:
    assert name != lookalike
    assert same_identity(name, lookalike)


@given(NAMES, NAMES)
def test_different_plain_names_stay_different(a: str, b: str) -> None:
    assert same_identity(a, b) is (identity_key(a) == identity_key(b))
    if a.replace("0", "o").replace("1", "l") != b.replace("0", "o").replace("1", "l"):
        assert not same_identity(a, b)


@pytest.fixture
def plane() -> ControlPlane:
    policy = {"tools": {"wire": {"risk": "critical", "reversible": "no", "quorum": 2}}}
    return ControlPlane(Policy.from_dict(policy), open_store("memory://"))


def test_alice_and_Alice_do_not_make_a_quorum_of_two(plane: ControlPlane) -> None:
    action = plane.submit(ToolCall(tool="wire", args={"amount": 900}, agent="bot"))
    plane.decide(action.id, Approve(by="alice"))
    for same_person in ("Alice", "alice\u200b", "ａｌｉｃｅ", "аlice"):
        with pytest.raises(AlreadyDecided, match="has already approved"):
            plane.decide(action.id, Approve(by=same_person))
    assert plane.decide(action.id, Approve(by="bob")).status is Status.APPROVED


@pytest.mark.parametrize("lookalike", ["bot\u200b", "bоt", "ｂｏｔ", "BOT", " bot"])
def test_a_lookalike_of_the_agent_may_not_approve_its_call(plane: ControlPlane, lookalike: str) -> None:
    action = plane.submit(ToolCall(tool="wire", args={"amount": 900}, agent="bot"))
    with pytest.raises(SeparationOfDuties):
        plane.decide(action.id, Approve(by=lookalike))


def test_a_name_of_only_invisible_characters_decides_nothing(plane: ControlPlane) -> None:
    action = plane.submit(ToolCall(tool="wire", args={"amount": 900}, agent="bot"))
    with pytest.raises(UsageError, match="must say who made it"):
        plane.decide(action.id, Approve(by="\u200b\u202e"))
