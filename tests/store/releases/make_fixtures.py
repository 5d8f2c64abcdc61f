"""Build the databases a released Tether made, for ``tests/store/test_upgrade.py``.

The upgrade test must read data written by the *released* code, not by today's code pretending to be old, so this
script runs against a checkout of the release and is committed next to what it produced. To add a release (do it
whenever a change touches stored data or defaults, and add a line to CHANGELOG.md)::

    git worktree add /tmp/release <release commit>        # 0.1.0 is 2f7b91f
    PYTHONPATH=/tmp/release .venv/bin/python tests/store/releases/make_fixtures.py 0.1.0
    git worktree remove /tmp/release

It writes ``tests/store/releases/<version>/``:

- ``tether.db``: a SQLite database (VACUUMed, no WAL left behind);
- ``postgres.sql``: the same story on PostgreSQL, as a plain ``pg_dump`` (a private server is started for it, as
  the tests do, with Debian's binaries);
- ``expected.json``: what the upgraded store must still say, per backend: every action's status, arguments and
  decision, the tokens (with their secrets, so the test can authenticate them; they never guarded anything),
  the audit head, lane levels, shadow cases and outbox deliveries.

The story is one day of a support-operations agent, on a fake clock so its times are fixed: runs at auto, with
an alert and in an override window; held calls approved by a quorum, edited, rejected, answered, left pending,
expired; an undo, a deferred call and a vetoed one, a shadow lane with both sides reported, a denial, a failure,
an incident that demotes a lane and a promotion, three tokens (one revoked), and a webhook delivered through the
outbox. Only names the release exported are used, so the script reads like the release's own docs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tether.identity import Tokens  # the release's module paths
from tether.notify.outbox import Outbox

import tether
from tether import Approve, Edit, FakeClock, Gate, Policy, Reject, Respond, ToolCall
from tether.plane import ControlPlane
from tether.store import ShadowFilter, open_store

HERE = Path(__file__).resolve().parent
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
AGENT = "support-bot"
HOOK_SECRET = "whsec-release-fixture"


# The policy the day runs under; the test loads it too (from expected.json), without the notification channels.
POLICY: dict[str, Any] = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "publish_post": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "cancel_order": {"risk": "high", "reversible": "partial"},
        "send_user_notification": {"risk": "high", "reversible": "no", "timeout": "2h"},
        "delete_user_data": {"risk": "critical", "reversible": "no"},
        "transfer_funds": {
            "risk": "critical",
            "reversible": "no",
            "quorum": 2,
            "timeout": "4h",
            "on_timeout": "reject",
            "reviewers": "finance",
        },
        "issue_credit": {"risk": "medium", "reversible": "yes"},
        "wipe_disk": {"risk": "low", "reversible": "yes"},
        "sync_crm": {"risk": "low", "reversible": "yes"},
    },
    "rules": [
        {"id": "credit-in-shadow", "tool": "issue_credit", "when": "true", "mode": "shadow"},
        {"id": "never-wipe", "tool": "wipe_disk", "when": "true", "mode": "deny"},
    ],
}


def policy(hook_url: str) -> Policy:
    notify = {
        "channels": {"ops": {"type": "webhook", "url": hook_url, "secret_env": "HOOK_SECRET"}},
        "routes": [{"events": ["approval_needed", "alert_executed"], "channels": ["ops"]}],
    }
    return Policy.from_dict({**POLICY, "notify": notify})


@contextlib.contextmanager
def receiver() -> Iterator[str]:
    """A webhook endpoint on loopback that accepts everything (the outbox needs somewhere to deliver)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def call(tool: str, about: str | None = None, confidence: float = 0.95, **args: Any) -> ToolCall:
    return ToolCall(
        tool=tool, args=args, agent=AGENT, reasoning=f"ticket work: {tool}", confidence=confidence, subject=about
    )


def story(url: str) -> dict[str, Any]:
    """Run the day against the store at ``url``; return what an upgraded store must still say."""
    clock = FakeClock(START)
    with receiver() as hook:
        plane = ControlPlane(policy(hook), open_store(url), clock=clock)
        gate = Gate(plane=plane)
        sent: list[str] = []

        @gate.tool
        def classify_ticket(ticket: str, category: str) -> str:
            return f"{ticket} filed under {category}"

        def recall_email(to: str, subject: str, result: object) -> str:
            return f"recalled {subject!r} from {to}"

        @gate.tool(undo=recall_email)
        def send_email(to: str, subject: str) -> str:
            sent.append(to)
            return f"sent {subject!r} to {to}"

        @gate.tool
        def publish_post(title: str) -> str:  # no compensator: deferred to the end of its window
            return f"published {title}"

        @gate.tool
        def cancel_order(order: str) -> str:
            return f"cancelled {order}"

        @gate.tool
        def send_user_notification(user: str, text: str) -> str:
            return f"notified {user}"

        @gate.tool
        def delete_user_data(user: str) -> str:
            return f"deleted {user}"

        @gate.tool
        def transfer_funds(account: str, amount: float) -> str:
            return f"sent {amount} to {account}"

        @gate.tool
        def issue_credit(order: str, amount: float) -> str:
            return f"credited {amount} on {order}"

        @gate.tool
        def wipe_disk(host: str) -> str:
            return f"wiped {host}"

        @gate.tool
        def sync_crm(account: str) -> str:
            raise ConnectionError("CRM unreachable")

        ids: dict[str, str] = {}

        def held(name: str, made: ToolCall) -> str:
            ids[name] = gate.call(made).action_id
            return ids[name]

        ids["auto"] = gate.call(call("classify_ticket", ticket="T-1", category="billing")).action_id
        ids["alert"] = gate.call(call("cancel_order", order="O-7")).action_id
        ids["failed"] = gate.call(call("sync_crm", account="A-3")).action_id
        ids["denied"] = gate.call(call("wipe_disk", host="db-1")).action_id

        quorum = held("quorum_executed", call("transfer_funds", account="A-1", amount=120.5))
        gate.decide(quorum, Approve(by="alice", note="matches the invoice"))
        gate.decide(quorum, Approve(by="bob"))
        gate.resume(quorum)
        half = held("quorum_waiting", call("transfer_funds", account="A-2", amount=9000.0))
        gate.decide(half, Approve(by="alice", note="one of two"))

        rejected = held("rejected", call("delete_user_data", user="u-17"))
        gate.decide(rejected, Reject(by="bob", note="legal hold on this account"))
        edited = held("edited", call("send_user_notification", user="u-3", text="Your refund is on its way!!!"))
        gate.decide(edited, Edit(args={"user": "u-3", "text": "Your refund is on its way."}, by="alice", note="tone"))
        gate.resume(edited)
        responded = held("responded", call("send_user_notification", user="u-4", text="Account closed"))
        gate.decide(responded, Respond(by="bob", message="Do not close it; ask the customer first."))
        approved = held("approved", call("send_user_notification", user="u-5", text="Password reset"))
        gate.decide(approved, Approve(by="alice"))
        held("pending", call("delete_user_data", user="u-99", confidence=0.55))
        held("expires", call("send_user_notification", user="u-6", text="Survey"))

        ids["undone"] = gate.call(call("send_email", to="a@example.com", subject="10% off")).action_id
        gate.undo(ids["undone"], by="alice")
        ids["finalized"] = gate.call(call("send_email", to="b@example.com", subject="Welcome")).action_id

        ids["shadowed"] = gate.call(call("issue_credit", about="T-42", order="O-1", amount=20)).action_id
        gate.record_human("T-42", "issue_credit", {"order": "O-1", "amount": 20}, by="desk")
        ids["shadowed_missed"] = gate.call(call("issue_credit", about="T-43", order="O-2", amount=5)).action_id
        gate.record_human("T-43", None, by="desk")

        clock.advance(timedelta(hours=3))  # windows close, the notification's approval expires
        gate.work()
        ids["deferred_ran"] = gate.call(call("publish_post", title="Release notes")).action_id
        clock.advance(timedelta(minutes=11))
        gate.work()
        ids["vetoed"] = gate.call(call("publish_post", title="Draft that leaked")).action_id
        gate.undo(ids["vetoed"], by="bob")
        ids["deferred"] = gate.call(call("publish_post", title="Tomorrow's post")).action_id

        plane.report_incident(ids["alert"], note="cancelled the wrong order", by="alice")
        plane.demote(f"{AGENT}/classify_ticket", by="ada", reason="new ticket categories")

        tokens = Tokens(plane.store, clock)
        issued = [
            ("alice", "reviewer", ("finance",)),
            ("bot", "agent", ()),
            ("ada", "admin", ()),
            ("mallory", "reviewer", ()),
        ]
        secrets = {name: tokens.issue(name, role, groups, by="ada")[1] for name, role, groups in issued}
        tokens.revoke("mallory", by="ada")

        outbox = Outbox(plane, env={"HOOK_SECRET": HOOK_SECRET})
        outbox.run_once()
        ids["notified_later"] = gate.call(call("delete_user_data", user="u-100")).action_id
        outbox.fill()  # its delivery stays pending in the outbox

        expected = {
            "actions": {name: action_view(plane.get(action_id)) for name, action_id in ids.items()},
            "tokens": [
                {
                    "name": name,
                    "role": role,
                    "groups": list(groups),
                    "token": secrets[name],
                    "active": name != "mallory",
                }
                for name, role, groups in issued
            ],
            "audit_head": {"seq": plane.audit_head().seq, "hash": plane.audit_head().hash},
            "lanes": {
                lane: plane.lane(lane).level.value for lane in sorted(f"{a}/{t}" for a, t in plane.store.lanes())
            },
            "shadow_cases": sorted(
                [c.subject, c.result.value if c.result else None] for c in plane.store.shadow_cases(ShadowFilter())
            ),
            "deliveries": sorted(d.status for d in plane.store.outbox_list(limit=1000)),
        }
        assert plane.verify().ok
        gate.close()
        plane.store.close()
    return expected


def action_view(action: Any) -> dict[str, Any]:
    """The parts of an action a reader relies on, in JSON; decisions as their class name and fields."""
    return {
        "id": action.id,
        "tool": action.call.tool,
        "status": action.status.value,
        "args": action.call.args,
        "run_args": action.run_args,
        "decision": decision_view(action.decision),
        "approvals": [decision_view(a) for a in action.approvals],
        "result": action.result,
        "error": action.error,
    }


def decision_view(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return None
    fields = {f.name: getattr(decision, f.name) for f in dataclasses.fields(decision)}
    return {"type": type(decision).__name__, **fields}


def build_sqlite(out: Path) -> dict[str, Any]:
    path = out / "tether.db"
    path.unlink(missing_ok=True)
    expected = story(f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")
    return expected


def build_postgres(out: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parents[1]))  # tests/postgres.py: the private server the tests use
    from postgres import PgServer, _bin

    server = PgServer()
    try:
        url = server.fresh_database()
        expected = story(url)
        dump = subprocess.run(
            [_bin("pg_dump"), "--no-owner", "--no-privileges", "--format=plain", url],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        (out / "postgres.sql").write_text(dump, encoding="utf-8")
    finally:
        server.destroy()
    return expected


def main(version: str) -> None:
    if tether.__version__ != version:
        raise SystemExit(f"PYTHONPATH points at Tether {tether.__version__}, not {version}")
    out = HERE / version
    out.mkdir(exist_ok=True)
    expected = {"version": version, "policy": POLICY, "sqlite": build_sqlite(out)}
    if shutil.which("pg_dump") or Path("/usr/lib/postgresql").exists():
        expected["postgres"] = build_postgres(out)
    (out / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else tether.__version__)
