"""The pure half of the audit log: canonical JSON, redaction, hashing, verification of an intact chain, anchors."""

from __future__ import annotations

from typing import Any

import pytest

from tether.audit import GENESIS, REDACTED, Anchor, AuditEvent, canonical_json, chain, event_hash, redact, verify

SECRETS = ("password", "secret", "token", "api_key")


def build(count: int) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for n in range(1, count + 1):
        events.append(
            chain(
                seq=n,
                at=f"2026-01-01T00:00:{n:02d}+00:00",
                actor="human:alice" if n % 2 else "agent:support-bot",
                kind="test.event",
                action_id=f"a{n % 3}" if n % 4 else None,
                body={"n": n, "note": "Zoë ☃"},
                prev_hash=events[-1].hash if events else GENESIS,
            )
        )
    return events


# -- canonical JSON -----------------------------------------------------------------------------------------------


def test_canonical_json_does_not_depend_on_key_order() -> None:
    assert canonical_json({"b": 1, "a": {"d": 2, "c": 3}}) == canonical_json({"a": {"c": 3, "d": 2}, "b": 1})


def test_canonical_json_sorts_keys_and_has_no_spaces() -> None:
    assert canonical_json({"b": [1, 2], "a": {"c": None, "b": True}}) == '{"a":{"b":true,"c":null},"b":[1,2]}'


def test_canonical_json_keeps_unicode_as_is() -> None:
    assert canonical_json({"name": "Zoë ☃ 日本"}) == '{"name":"Zoë ☃ 日本"}'


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_canonical_json_rejects_numbers_json_cannot_hold(number: float) -> None:
    with pytest.raises(ValueError, match="JSON"):
        canonical_json({"amount": number})


# -- redaction ----------------------------------------------------------------------------------------------------


def test_redact_replaces_a_secret_key() -> None:
    assert redact({"password": "hunter2", "user": "zoë"}, SECRETS) == {"password": REDACTED, "user": "zoë"}


@pytest.mark.parametrize("key", ["Password", "API_KEY", "access_token", "ClientSecretValue", "x-api_key-2"])
def test_redact_matches_a_case_insensitive_substring(key: str) -> None:
    assert redact({key: "s3cr3t"}, SECRETS) == {key: REDACTED}


def test_redact_reaches_any_depth() -> None:
    args = {"auth": {"inner": {"Token": "t"}}, "items": [{"secret": "s", "id": 1}, [{"api_key": "k"}]]}
    assert redact(args, SECRETS) == {
        "auth": {"inner": {"Token": REDACTED}},
        "items": [{"secret": REDACTED, "id": 1}, [{"api_key": REDACTED}]],
    }


def test_redact_replaces_a_secret_keys_whole_value() -> None:
    assert redact({"secrets": {"a": 1, "b": [2]}}, SECRETS) == {"secrets": REDACTED}


def test_redact_leaves_other_keys_and_values_alone() -> None:
    args: dict[str, Any] = {"account": "A-1", "amount": 50.25, "note": "my password is hunter2", "tags": ["token"]}
    assert redact(args, SECRETS) == args


def test_redact_does_not_change_its_input() -> None:
    args = {"password": "hunter2", "nested": {"token": "t"}}
    redact(args, SECRETS)
    assert args == {"password": "hunter2", "nested": {"token": "t"}}


def test_redact_with_no_fields_changes_nothing() -> None:
    args = {"password": "hunter2"}
    assert redact(args, ()) == args


# -- hashing and verification ------------------------------------------------------------------------------------


def test_chain_links_each_event_to_the_previous_hash() -> None:
    events = build(4)
    assert [e.prev_hash for e in events] == [GENESIS] + [e.hash for e in events[:-1]]


def test_event_hash_is_the_same_for_the_same_event() -> None:
    fields: dict[str, Any] = {
        "seq": 1,
        "at": "2026-01-01T00:00:00+00:00",
        "actor": "system",
        "kind": "k",
        "action_id": None,
        "body": {"b": 1, "a": 2},
        "prev_hash": GENESIS,
    }
    reordered = {**fields, "body": {"a": 2, "b": 1}}
    assert event_hash(**fields) == event_hash(**reordered)


@pytest.mark.parametrize(
    ("field", "other"),
    [
        ("seq", 2),
        ("at", "2026-01-01T00:00:01+00:00"),
        ("actor", "human:mallory"),
        ("kind", "k2"),
        ("action_id", "a1"),
        ("body", {"amount": 5000}),
        ("prev_hash", "f" * 64),
    ],
)
def test_event_hash_covers_every_field(field: str, other: object) -> None:
    fields: dict[str, Any] = {
        "seq": 1,
        "at": "2026-01-01T00:00:00+00:00",
        "actor": "system",
        "kind": "k",
        "action_id": None,
        "body": {"amount": 50},
        "prev_hash": GENESIS,
    }
    assert event_hash(**fields) != event_hash(**{**fields, field: other})


def test_verify_accepts_an_intact_chain() -> None:
    events = build(6)
    report = verify(events)
    assert (report.ok, report.checked, report.head, report.bad_seq, report.problem) == (
        True,
        6,
        Anchor(6, events[-1].hash),
        None,
        None,
    )


def test_verify_accepts_an_empty_log() -> None:
    report = verify([])
    assert (report.ok, report.checked, report.head) == (True, 0, Anchor(0, GENESIS))


def test_verify_accepts_an_intact_chain_that_matches_its_anchor() -> None:
    events = build(6)
    assert verify(events, Anchor(4, events[3].hash)).ok
    assert verify(events, Anchor(6, events[5].hash)).ok


def test_verify_accepts_the_genesis_anchor() -> None:
    assert verify([], Anchor(0, GENESIS)).ok


def test_verify_says_an_intact_chain_is_intact() -> None:
    events = build(2)
    assert str(verify(events)) == f"audit log intact: 2 events, head 2 {events[-1].hash}"


# -- anchors ------------------------------------------------------------------------------------------------------


def test_anchor_round_trips_through_json() -> None:
    anchor = Anchor(42, "ab" * 32)
    assert Anchor.from_json(anchor.to_json()) == anchor


def test_anchor_json_is_canonical() -> None:
    assert Anchor(7, "0" * 64).to_json() == '{"hash":"' + "0" * 64 + '","seq":7}'


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "not json",
        "null",
        "42",
        '"anchor"',
        "[7]",
        "{}",
        '{"seq": 7}',
        '{"hash": "' + "a" * 64 + '"}',
        '{"seq": "7", "hash": "' + "a" * 64 + '"}',
        '{"seq": 7.5, "hash": "' + "a" * 64 + '"}',
        '{"seq": -1, "hash": "' + "a" * 64 + '"}',
        '{"seq": true, "hash": "' + "a" * 64 + '"}',
        '{"seq": 7, "hash": "abc"}',
        '{"seq": 7, "hash": 7}',
        '{"seq": 7, "hash": "' + "z" * 64 + '"}',
    ],
    ids=[
        "empty",
        "not-json",
        "null",
        "number",
        "string",
        "list",
        "empty-object",
        "no-hash",
        "no-seq",
        "seq-text",
        "seq-fraction",
        "seq-negative",
        "seq-boolean",
        "hash-short",
        "hash-number",
        "hash-not-hex",
    ],
)
def test_anchor_from_junk_is_a_clear_value_error(junk: str) -> None:
    with pytest.raises(ValueError, match=r'an anchor is JSON like \{"seq": 42'):
        Anchor.from_json(junk)
