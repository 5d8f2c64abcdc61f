"""The live demo over repeated and long runs: its logins stay the same from one run to the next while the store
accepts them (no browser logged out, no pile of tokens with the same names), and its inbox keeps a steady size."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

from databases import sqlite_url
from rich.console import Console

from tether import Pending, Policy, ToolCall
from tether.demo.live import AGENT, DESK, INBOX_CAP, PEOPLE, ScriptedAgent, demo_policy_text, extra_tools, make_logins
from tether.demo.scenario import build_gate
from tether.model import Reject, Status
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.store import ActionFilter, open_store


def test_a_second_run_reuses_the_logins_and_a_revoked_one_is_replaced(tmp_path: Path) -> None:
    plane = ControlPlane(Policy.default(), open_store(sqlite_url(tmp_path / "demo.db")))
    saved = tmp_path / "logins.json"
    try:
        first = make_logins(plane, saved)
        assert [(x.name, x.role, x.groups) for x in first] == PEOPLE
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600  # the secrets are the owner's alone
        assert make_logins(plane, saved) == first
        assert len(plane.store.list_tokens()) == len(PEOPLE)  # no new tokens for the same people

        Tokens(plane.store, plane.clock).revoke("alice", by="test")
        third = make_logins(plane, saved)
        assert third != first
        assert all(Tokens(plane.store, plane.clock).authenticate(x.token) for x in third)
        assert json.loads(saved.read_text(encoding="utf-8"))[0]["token"] == third[0].token

        saved.write_text("not json", encoding="utf-8")  # a damaged file: new logins, no traceback
        assert make_logins(plane, saved) != third
    finally:
        plane.store.close()


def test_a_long_demo_keeps_the_inbox_to_a_steady_size_and_leaves_the_opening_act(tmp_path: Path) -> None:
    gate = build_gate(Policy.from_toml(demo_policy_text()), sqlite_url(tmp_path / "demo.db"))
    extra_tools(gate)
    agent = ScriptedAgent(gate, Console(file=io.StringIO()))

    def unsure(n: int) -> str:
        args = {"ticket": f"T-{n}", "category": "legal"}
        out = gate.call(ToolCall(tool="classify_ticket", args=args, agent=AGENT, confidence=0.5))
        assert isinstance(out, Pending)
        return out.action_id

    opening = unsure(0)
    agent.opening = {opening}
    later = [unsure(n) for n in range(1, INBOX_CAP + 6)]
    agent.tidy_inbox()
    agent.tidy_inbox()  # nothing more to do

    waiting = {a.id for a in gate.plane.actions(ActionFilter(status={Status.PENDING}, agent=AGENT))}
    assert waiting == {opening, *later[-INBOX_CAP:]}  # the newest later calls, and the opening act's
    turned_down = gate.plane.actions(ActionFilter(status={Status.REJECTED}, agent=AGENT, oldest_first=True))
    assert [a.id for a in turned_down] == later[:5]
    assert all(isinstance(a.decision, Reject) and a.decision.by == DESK and a.decision.note for a in turned_down)
    assert gate.plane.verify().ok
    gate.close()
