"""Tampering with a real audit log is caught, and verify names where.

Each test writes a real SQLite file through the Gate and the control plane, closes it, changes the file behind
Tether's back with Python's own sqlite3 module (as an attacker with file access would), then verifies through a
freshly opened gate so that no cached head can hide anything.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tether import Anchor, Approve, Edit, Gate, Policy, Reject, Status, ToolCall, Verification
from tether.audit import GENESIS, event_hash
from tether.store import ActionFilter

POLICY = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "refund": {"risk": "medium", "reversible": "partial", "window": "10m"},
        "transfer_funds": {"risk": "critical", "reversible": "no"},
    },
}
AGENT = "support-bot"


def make_gate(url: str) -> Gate:
    gate = Gate(Policy.from_dict(POLICY), url)

    @gate.tool
    def classify_ticket(ticket: str) -> str:
        return "billing"

    def reverse_refund(order: str, result: str) -> str:
        return f"reversed {result}"

    @gate.tool(undo=reverse_refund)
    def refund(order: str, amount: float) -> str:
        return f"refunded {amount} on {order}"

    @gate.tool
    def transfer_funds(account: str, amount: float) -> str:
        return f"sent {amount} to {account}"

    return gate


def workload(gate: Gate, *, calls: int = 20) -> None:
    """Auto, override and approval calls in turn; approvals are decided (approve, edit, reject) and resumed."""
    for n in range(calls):
        match n % 4:
            case 0 | 1:
                gate.call(ToolCall(tool="classify_ticket", args={"ticket": f"T-{n}"}, agent=AGENT))
            case 2:
                gate.call(ToolCall(tool="refund", args={"order": f"O-{n}", "amount": 10 + n}, agent=AGENT))
            case _:
                out = gate.call(
                    ToolCall(tool="transfer_funds", args={"account": f"A-{n}", "amount": 100 * n}, agent=AGENT)
                )
                assert out.kind == "pending"
                match n % 3:
                    case 0:
                        gate.decide(out.action_id, Approve(by="alice", note="checked"))
                    case 1:
                        gate.decide(out.action_id, Edit(by="alice", args={"account": f"A-{n}", "amount": 1.0}))
                    case _:
                        gate.decide(out.action_id, Reject(by="bob", note="not this one"))
                gate.resume(out.action_id)


@dataclass(frozen=True)
class Written:
    path: Path
    url: str
    anchor: Anchor  # the head exported after the workload, as an operator would keep it elsewhere


@pytest.fixture
def written(tmp_path: Path) -> Written:
    path = tmp_path / "t.db"
    url = f"sqlite:///{path}"
    gate = make_gate(url)
    workload(gate)
    assert gate.plane.pending() == []
    assert {a.status for a in gate.plane.actions(ActionFilter(limit=1000))} >= {Status.EXECUTED, Status.REJECTED}
    anchor = gate.plane.audit_head()
    gate.close()
    return Written(path, url, anchor)


def check(url: str, anchor: Anchor | None = None) -> Verification:
    """Verify through a gate opened fresh on the file, so nothing in memory hides the tampering."""
    gate = make_gate(url)
    try:
        return gate.plane.verify(anchor)
    finally:
        gate.close()


def rows(path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM audit_events ORDER BY seq")]


def tamper(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    db = sqlite3.connect(path)
    with db:
        for sql, params in statements:
            db.execute(sql, params)
    db.close()


def body_json(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def proposal_of(path: Path, account: str) -> dict[str, Any]:
    """The stored ``action.proposed`` row of the transfer to ``account``."""
    (row,) = [
        r
        for r in rows(path)
        if r["kind"] == "action.proposed" and json.loads(r["body"])["args"].get("account") == account
    ]
    return row


def rewrite_from(path: Path, seq: int, edit: dict[str, Any]) -> None:
    """Change event ``seq`` and recompute every later hash so the chain is consistent again, as a careful
    attacker would; the stored head is moved to the new last hash too."""
    stored = rows(path)
    prev = GENESIS
    statements: list[tuple[str, tuple[Any, ...]]] = []
    for row in stored:
        if row["seq"] == seq:
            row.update(edit)
        if row["seq"] >= seq:
            row["prev_hash"] = prev
            row["hash"] = event_hash(
                seq=row["seq"],
                at=row["at"],
                actor=row["actor"],
                kind=row["kind"],
                action_id=row["action_id"],
                body=json.loads(row["body"]),
                prev_hash=prev,
            )
            statements.append(
                (
                    "UPDATE audit_events SET body = ?, actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    (row["body"], row["actor"], row["prev_hash"], row["hash"], row["seq"]),
                )
            )
        prev = row["hash"]
    statements.append(("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (stored[-1]["seq"], prev)))
    tamper(path, *statements)


# -- the baseline ---------------------------------------------------------------------------------------------------


def test_the_untouched_log_verifies_against_its_anchor(written: Written) -> None:
    report = check(written.url, written.anchor)
    assert report.ok, str(report)
    assert report.checked == written.anchor.seq
    assert written.anchor.seq >= 60  # ~20 calls of three to four events each


# -- (a) edits ------------------------------------------------------------------------------------------------------


def test_an_edited_amount_is_named(written: Written) -> None:
    row = proposal_of(written.path, "A-7")
    body = json.loads(row["body"])
    body["args"]["amount"] = 70000
    tamper(written.path, ("UPDATE audit_events SET body = ? WHERE seq = ?", (body_json(body), row["seq"])))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, row["seq"])
    assert report.problem is not None
    assert "edited" in report.problem
    assert report.checked == row["seq"] - 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "human:mallory"),
        ("kind", "action.rejected"),
        ("at", "2020-01-01T00:00:00+00:00"),
        ("action_id", "someone-else"),
        ("hash", "f" * 64),
    ],
)
def test_an_edit_to_any_column_is_named(written: Written, column: str, value: str) -> None:
    seq = written.anchor.seq // 2
    tamper(written.path, (f"UPDATE audit_events SET {column} = ? WHERE seq = ?", (value, seq)))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, seq)
    assert report.problem is not None
    assert "edited" in report.problem


def test_an_edited_previous_hash_is_named(written: Written) -> None:
    seq = written.anchor.seq // 2
    tamper(written.path, ("UPDATE audit_events SET prev_hash = ? WHERE seq = ?", ("e" * 64, seq)))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, seq)
    assert report.problem is not None
    assert "previous-hash" in report.problem


def test_an_edited_event_also_fails_against_the_anchor(written: Written) -> None:
    row = proposal_of(written.path, "A-3")
    body = json.loads(row["body"])
    body["reasoning"] = "the customer asked for it"
    tamper(written.path, ("UPDATE audit_events SET body = ? WHERE seq = ?", (body_json(body), row["seq"])))
    report = check(written.url, written.anchor)
    assert (report.ok, report.bad_seq) == (False, row["seq"])


# -- (b) deletions --------------------------------------------------------------------------------------------------


def test_a_deleted_middle_event_is_named(written: Written) -> None:
    seq = written.anchor.seq // 2
    tamper(written.path, ("DELETE FROM audit_events WHERE seq = ?", (seq,)))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, seq)
    assert report.problem is not None
    assert f"event {seq} is missing" in report.problem


def test_a_deleted_first_event_is_named(written: Written) -> None:
    tamper(written.path, ("DELETE FROM audit_events WHERE seq = 1", ()))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, 1)


def test_several_deleted_events_name_the_first(written: Written) -> None:
    tamper(written.path, ("DELETE FROM audit_events WHERE seq BETWEEN 20 AND 24", ()))
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, 20)
    assert report.problem is not None
    assert "event 20 is missing" in report.problem


# -- (c) reordering -------------------------------------------------------------------------------------------------


def swap_seqs(path: Path, first: int, second: int) -> None:
    tamper(
        path,
        ("UPDATE audit_events SET seq = -1 WHERE seq = ?", (first,)),
        ("UPDATE audit_events SET seq = ? WHERE seq = ?", (first, second)),
        ("UPDATE audit_events SET seq = ? WHERE seq = -1", (second,)),
    )


@pytest.mark.parametrize("distance", [1, 7])
def test_two_events_with_swapped_seqs_name_the_first(written: Written, distance: int) -> None:
    first = written.anchor.seq // 3
    swap_seqs(written.path, first, first + distance)
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, first)


def test_two_events_with_swapped_contents_name_the_first(written: Written) -> None:
    first = written.anchor.seq // 3
    by_seq = {r["seq"]: r for r in rows(written.path)}
    columns = ("at", "actor", "kind", "action_id", "body", "prev_hash", "hash")
    assignments = ", ".join(f"{c} = ?" for c in columns)
    tamper(
        written.path,
        *[
            (f"UPDATE audit_events SET {assignments} WHERE seq = ?", (*(by_seq[source][c] for c in columns), target))
            for source, target in ((first + 1, first), (first, first + 1))
        ],
    )
    report = check(written.url)
    assert (report.ok, report.bad_seq) == (False, first)


# -- (d) truncation -------------------------------------------------------------------------------------------------


def truncate(path: Path, count: int) -> Anchor:
    """Delete the last ``count`` events and move the stored head back, as a tidy attacker would."""
    stored = rows(path)
    last = stored[-count - 1]
    tamper(
        path,
        ("DELETE FROM audit_events WHERE seq > ?", (last["seq"],)),
        ("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (last["seq"], last["hash"])),
    )
    return Anchor(last["seq"], last["hash"])


def test_a_truncated_log_is_a_valid_shorter_chain_without_an_anchor(written: Written) -> None:
    shorter = truncate(written.path, 3)
    report = check(written.url)
    assert report.ok, str(report)
    assert (report.checked, report.head) == (written.anchor.seq - 3, shorter)


def test_a_truncated_log_fails_against_the_anchor_taken_before(written: Written) -> None:
    truncate(written.path, 3)
    report = check(written.url, written.anchor)
    assert (report.ok, report.bad_seq) == (False, written.anchor.seq - 2)
    assert report.problem is not None
    assert "truncated" in report.problem


def test_a_truncated_log_that_grew_again_fails_against_the_anchor(written: Written) -> None:
    truncate(written.path, 3)
    gate = make_gate(written.url)
    workload(gate, calls=4)
    gate.close()
    report = check(written.url, written.anchor)
    assert (report.ok, report.bad_seq) == (False, written.anchor.seq)
    assert report.problem is not None
    assert "anchor" in report.problem


# -- (e) consistent rewrites ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("before_anchor", [0, 10, None], ids=["at-anchor", "before-anchor", "first-event"])
def test_a_consistent_rewrite_up_to_the_anchor_fails_against_it(written: Written, before_anchor: int | None) -> None:
    gate = make_gate(written.url)
    workload(gate, calls=4)  # the log goes on past the anchor before the attacker strikes
    gate.close()
    seq = 1 if before_anchor is None else written.anchor.seq - before_anchor
    rewrite_from(written.path, seq, {"actor": "human:mallory"})
    assert check(written.url).ok, "the rewrite must leave a self-consistent chain, or this test proves nothing"
    report = check(written.url, written.anchor)
    assert (report.ok, report.bad_seq) == (False, written.anchor.seq)
    assert report.problem is not None
    assert "anchor" in report.problem


def test_a_consistent_rewrite_of_an_amount_fails_against_the_anchor(written: Written) -> None:
    row = proposal_of(written.path, "A-11")
    body = json.loads(row["body"])
    body["args"]["amount"] = 1
    rewrite_from(written.path, row["seq"], {"body": body_json(body)})
    assert check(written.url).ok
    report = check(written.url, written.anchor)
    assert (report.ok, report.bad_seq) == (False, written.anchor.seq)
