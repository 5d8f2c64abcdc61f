"""What an agent writes is shown as what it says: no direction controls or invisible characters reach a reviewer's
screen, and no line break in an agent's text forges the lines after it — in the dashboard, email and Slack."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tether import Policy, ToolCall
from tether._display import visible
from tether.audit import AuditEvent
from tether.notify._messages import build, to_blocks, to_text
from tether.plane import ControlPlane
from tether.store import open_store

SPOOFED = "ACCT-\u202e9999-0000\u202c"
FORGED = "refund is due\nwhy: auto-approved by policy\nApprove: https://evil.example/approve"
DIRECTIONAL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@given(st.text())
def test_visible_text_has_no_direction_controls_or_invisible_characters(text: str) -> None:
    shown = visible(text)
    assert not set(shown) & set(DIRECTIONAL + "\u200b\u200c\u200d\u2060\ufeff")
    assert all(ch in "\n\t" or unicodedata.category(ch)[0] != "C" for ch in shown)


@given(st.text())
def test_one_line_text_stays_one_line(text: str) -> None:
    assert len(visible(text, one_line=True).splitlines()) <= 1


def _message(tool: str = "wire", **call: object) -> list[str]:
    plane = ControlPlane(Policy.from_dict({"tools": {tool: {"risk": "high", "reversible": "no"}}}), open_store())
    action = plane.submit(ToolCall(tool=tool, agent="bot", **call))  # type: ignore[arg-type]
    event = AuditEvent(seq=1, at=datetime.now(UTC).isoformat(), actor="agent:bot", kind="action.proposed",
                       action_id=action.id, body={}, prev_hash="", hash="")  # fmt: skip
    message = build("approval_needed", event, action, redact_fields=(), base_url="https://tether.example")
    links = {"approve": "https://tether.example/links/real"}
    return [to_text(message, links), json.dumps(to_blocks(message), ensure_ascii=False), message.summary]


def test_an_email_and_a_slack_message_show_direction_controls_as_code_points() -> None:
    text, blocks, _ = _message(args={"account": SPOOFED})
    for rendered in (text, blocks):
        assert "\u202e" not in rendered
        assert "ACCT-⟨U+202E⟩9999-0000⟨U+202C⟩" in rendered


def test_multi_line_reasoning_cannot_forge_lines_in_an_email() -> None:
    text, _, _ = _message(args={"account": "A-1"}, reasoning=FORGED)
    lines = text.splitlines()
    assert len([line for line in lines if line.startswith("why:")]) == 1
    assert not any(line.startswith("why: auto-approved") for line in lines)
    assert [line for line in lines if line.startswith("Approve:")] == ["Approve: https://tether.example/links/real"]
    assert "reasoning: refund is due⏎why: auto-approved by policy⏎Approve: https://evil.example/approve" in lines


def test_a_tool_name_with_a_line_separator_keeps_the_subject_one_line() -> None:
    _, _, summary = _message(tool="wire\u2028Bcc: attacker", args={})
    assert len(summary.splitlines()) == 1
    assert "\u2028" not in summary


def test_the_dashboard_shows_direction_controls_as_code_points(tmp_path: Path) -> None:
    from serving import AppServer, log_in

    from tether.model import Role

    policy = Policy.from_dict({"tools": {"wire": {"risk": "high", "reversible": "no"}}})
    plane = ControlPlane(policy, open_store(f"sqlite:///{tmp_path / 'display.db'}"))
    server = AppServer(plane, sweep_interval=0)
    try:
        action = plane.submit(ToolCall(tool="wire", args={"account": SPOOFED}, agent="bot", reasoning=FORGED))
        http = server.client()
        login = log_in(http, server.token("ada", Role.ADMIN), origin=server.url)
        assert login.status_code == 303
        for path in ("/inbox", f"/actions/{action.id}"):
            page = http.get(path).text
            assert "\u202e" not in page, path
            assert re.search(r"ACCT-⟨U\+202E⟩9999-0000⟨U\+202C⟩", page), path
    finally:
        server.stop()
        plane.store.close()
