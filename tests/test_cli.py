"""The `tether` command as a user runs it: a real SQLite file, real policy files, exit codes and output.

Commands run in-process through Typer's runner (tests/cli_runner.py); the tests marked ``subprocess`` start the
installed console script itself, for what only a real process shows: --help, exit codes, the environment.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import tether

from tether import Gate, Pending, Policy, ToolCall

TIMEOUT = 60
CONSOLE_SCRIPT = str(Path(sys.executable).with_name("tether"))


def run_process(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real ``tether`` process, with TETHER_CONFIG and TETHER_DB only as ``env`` gives them."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("TETHER_CONFIG", "TETHER_DB")}
    full_env.update({"COLUMNS": "200", **(env or {})})
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    assert tether(tmp_path, "init").returncode == 0
    return tmp_path


def held_action(workdir: Path, tool: str = "transfer_funds", **args: object) -> str:
    """An action held by the example policy, created by an agent process on the workdir's database."""
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}")
    gate.tool(lambda **kw: "done", name=tool)
    out = gate.call(ToolCall(tool=tool, args=args or {"account": "A-1", "amount": 50}, agent="support-bot"))
    gate.close()
    assert isinstance(out, Pending)
    return out.action_id


def test_init_writes_a_policy_that_checks(workdir: Path) -> None:
    result = tether(workdir, "policy", "check", "tether.toml")
    assert result.returncode == 0, result.stderr
    assert "ok — 6 tools, 2 rules, 2 limits" in result.stdout


def test_init_refuses_to_overwrite(workdir: Path) -> None:
    result = tether(workdir, "init")
    assert result.returncode == 1
    assert "already exists" in result.stderr


def test_policy_check_reports_a_bad_file_with_file_and_key_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[tools.pay]\nrisk = "severe"\nreversible = "no"\n')
    result = tether(tmp_path, "policy", "check", "bad.toml")
    assert result.returncode == 2
    assert "bad.toml: tools.pay.risk:" in result.stderr
    assert "severe" in result.stderr
    assert "Traceback" not in result.stderr


def test_policy_check_reports_bad_cel_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[[rules]]\nid = "r"\nwhen = "args.amount >"\nmode = "approve"\n')
    result = tether(tmp_path, "policy", "check", "bad.toml")
    assert result.returncode == 2
    assert "rules[0].when" in result.stderr
    assert "column" in result.stderr


def test_policy_check_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = tether(tmp_path, "policy", "check", "nope.toml")
    assert result.returncode == 2
    assert "no such policy file" in result.stderr


def test_policy_explain_lists_every_reason(workdir: Path) -> None:
    result = tether(
        workdir, "policy", "explain", "transfer_funds", "--args", '{"amount": 20000}', "--confidence", "0.5"
    )
    assert result.returncode == 0, result.stderr
    assert "transfer_funds → approve" in result.stdout
    assert "locked" in result.stdout
    assert "rule large-transfer" in result.stdout
    assert "confidence 0.50 is below 0.60" in result.stdout


def test_policy_explain_as_json(workdir: Path) -> None:
    result = tether(workdir, "policy", "explain", "classify_ticket", "--json")
    verdict = json.loads(result.stdout)
    assert verdict["mode"] == "auto"
    assert verdict["reasons"][0]["step"] == "matrix"


def test_policy_explain_rejects_args_that_are_not_a_json_object(workdir: Path) -> None:
    result = tether(workdir, "policy", "explain", "classify_ticket", "--args", "[1, 2]")
    assert result.returncode == 2
    assert "must be a JSON object" in result.stderr


def test_pending_show_approve_round_trip(workdir: Path) -> None:
    action_id = held_action(workdir)
    listed = json.loads(tether(workdir, "pending", "--json").stdout)
    assert [a["id"] for a in listed] == [action_id]
    table = tether(workdir, "pending").stdout
    assert action_id in table

    first = tether(workdir, "approve", action_id, "--by", "alice", "--note", "fine")
    assert first.returncode == 0, first.stderr
    assert "approval 1 of 2 recorded" in first.stdout  # transfers need two reviewers
    assert json.loads(tether(workdir, "show", action_id, "--json").stdout)["status"] == "pending"
    twice = tether(workdir, "approve", action_id, "--by", "alice")
    assert twice.returncode == 1
    assert "alice has already approved" in twice.stderr
    second = tether(workdir, "approve", action_id, "--by", "bob")
    assert "approved" in second.stdout
    shown = json.loads(tether(workdir, "show", action_id, "--json").stdout)
    assert shown["status"] == "approved"
    assert shown["decision"] == {"kind": "approve", "by": "bob", "note": ""}
    assert [a["by"] for a in shown["approvals"]] == ["alice", "bob"]
    assert [e["kind"] for e in shown["timeline"]] == ["action.proposed", "action.approved", "action.approved"]
    assert json.loads(tether(workdir, "pending", "--json").stdout) == []


def test_a_second_decision_from_the_cli_exits_1_and_says_who_decided(workdir: Path) -> None:
    action_id = held_action(workdir)
    assert tether(workdir, "reject", action_id, "--by", "alice", "--note", "no").returncode == 0
    again = tether(workdir, "approve", action_id, "--by", "bob")
    assert again.returncode == 1
    assert "already decided: reject by alice" in again.stderr


def test_reject_requires_a_note(workdir: Path) -> None:
    action_id = held_action(workdir)
    result = tether(workdir, "reject", action_id, "--by", "alice")
    assert result.returncode == 2
    assert "--note" in result.stderr
    blank = tether(workdir, "reject", action_id, "--by", "alice", "--note", " ")
    assert blank.returncode == 2
    assert "a rejection needs a note saying why" in blank.stderr
    assert "Traceback" not in blank.stderr


def test_show_of_an_unknown_action_exits_1(workdir: Path) -> None:
    result = tether(workdir, "show", "does-not-exist")
    assert result.returncode == 1
    assert "no action 'does-not-exist'" in result.stderr


def test_audit_verify_head_tail_and_export(workdir: Path) -> None:
    held_action(workdir)
    assert tether(workdir, "audit", "verify").returncode == 0
    head = json.loads(tether(workdir, "audit", "head").stdout)
    assert head["seq"] == 1
    tail = json.loads(tether(workdir, "audit", "tail", "--json").stdout)
    assert tail[-1]["hash"] == head["hash"]
    exported = tether(workdir, "audit", "export", "-o", "log.jsonl")
    assert exported.returncode == 0
    lines = (workdir / "log.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1]


def test_audit_verify_with_an_anchor_detects_truncation(workdir: Path) -> None:
    held_action(workdir)
    held_action(workdir)
    (workdir / "anchor.json").write_text(tether(workdir, "audit", "head").stdout)
    import sqlite3

    with sqlite3.connect(workdir / "tether.db") as db:
        db.execute("DELETE FROM audit_events WHERE seq = 2")
        db.execute("UPDATE audit_head SET seq = 1")
    assert tether(workdir, "audit", "verify").returncode == 0  # a shorter chain is still a valid chain
    result = tether(workdir, "audit", "verify", "--anchor", "anchor.json", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert "truncated" in report["problem"]


def test_audit_verify_rejects_a_malformed_anchor(workdir: Path) -> None:
    result = tether(workdir, "audit", "verify", "--anchor", '{"seq": "x"}')
    assert result.returncode == 2
    assert "anchor" in result.stderr


def test_breaker_list_and_close(workdir: Path) -> None:
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}")
    gate.tool(lambda user_ids, message: "sent", name="send_user_notification")
    users = [f"u-{n}" for n in range(60)]
    gate.call(ToolCall(tool="send_user_notification", args={"user_ids": users, "message": "hi"}, agent="bot"))
    gate.close()
    listed = json.loads(tether(workdir, "breaker", "list", "--json").stdout)
    assert listed[0]["lane"] == "bot/send_user_notification"
    assert listed[0]["limit"] == "notification-blast"
    closed = tether(workdir, "breaker", "close", "bot/send_user_notification", "--by", "alice")
    assert closed.returncode == 0, closed.stderr
    assert json.loads(tether(workdir, "breaker", "list", "--json").stdout) == []
    again = tether(workdir, "breaker", "close", "bot/send_user_notification")
    assert again.returncode == 1
    assert "not open" in again.stderr


def test_breaker_close_with_a_malformed_lane_exits_2(workdir: Path) -> None:
    result = tether(workdir, "breaker", "close", "no-slash")
    assert result.returncode == 2
    assert "AGENT/TOOL" in result.stderr


@pytest.mark.subprocess
def test_config_and_db_come_from_the_environment(tmp_path: Path) -> None:
    assert run_process([CONSOLE_SCRIPT, "init", "policy.toml"], tmp_path).returncode == 0
    env = {"TETHER_CONFIG": str(tmp_path / "policy.toml"), "TETHER_DB": f"sqlite:///{tmp_path / 'x.db'}"}
    result = run_process([CONSOLE_SCRIPT, "policy", "explain", "delete_user_data", "--json"], tmp_path, env=env)
    assert json.loads(result.stdout)["locked"] is True
    assert (tmp_path / "x.db").exists()


def test_an_explicit_config_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    result = tether(tmp_path, "--config", "missing.toml", "pending")
    assert result.returncode == 2
    assert "missing.toml" in result.stderr


def test_agent_text_cannot_inject_terminal_markup_or_escapes(workdir: Path) -> None:
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}")
    gate.tool(lambda **kw: "x", name="transfer_funds")
    out = gate.call(
        ToolCall(
            tool="transfer_funds",
            args={"account": "[bold red]PWNED[/]", "amount": 1},
            agent="support-bot",
            reasoning="\x1b[2J\x1b[31mcleared your screen",
        )
    )
    gate.close()
    shown = tether(workdir, "show", out.action_id).stdout
    assert "[bold red]PWNED[/]" in shown
    assert "\x1b" not in shown
    assert "⟨U+001B⟩[2J" in shown


def test_the_demo_runs_the_six_tasks_and_leaves_held_ones(tmp_path: Path) -> None:
    result = tether(tmp_path, "demo", "--once")
    assert result.returncode == 0, result.stderr
    for tool in ("classify_ticket", "draft_marketing_email", "send_user_notification", "cancel_order"):
        assert tool in result.stdout
    assert "works through the six example tasks and one call it is unsure of" in result.stdout
    assert "4 calls are held for a human; audit log intact: " in result.stdout  # not "Audit log: audit log intact"
    assert "draft_marketing_email: undone" in result.stdout
    assert "support-bot/transfer_funds" in result.stdout  # the ladder, lane by lane
    assert "the ceiling is locked" in result.stdout
    assert "audit log intact" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tether-demo"]  # no tether.db or tether.toml here
    demo = ("--db", f"sqlite:///{Path('.tether-demo') / 'once.db'}", "--config", ".tether-demo/once.toml")
    assert f".venv/bin/tether {' '.join(demo)} pending" in result.stdout  # the next steps name the demo's store
    held = json.loads(tether(tmp_path, *demo, "pending", "--json").stdout)
    assert sorted(a["call"]["tool"] for a in held) == [
        "classify_ticket",
        "delete_user_data",
        "send_user_notification",
        "transfer_funds",
    ]
    assert json.loads(tether(tmp_path, "pending", "--json").stdout) == []  # this directory's store: untouched


def test_the_demo_uses_the_store_it_is_given(tmp_path: Path) -> None:
    result = tether(tmp_path, "--db", f"sqlite:///{tmp_path / 'mine.db'}", "demo", "--once")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mine.db").exists()
    assert not (tmp_path / ".tether-demo" / "once.db").exists()


@pytest.mark.subprocess
@pytest.mark.parametrize("command", [[CONSOLE_SCRIPT], [sys.executable, "-m", "tether.cli"]], ids=["script", "module"])
def test_help_lists_the_commands(tmp_path: Path, command: list[str]) -> None:
    result = run_process([*command, "--help"], tmp_path)
    assert result.returncode == 0
    for command in ("init", "policy", "pending", "show", "approve", "reject", "audit", "breaker", "demo"):
        assert command in result.stdout


def test_respond_answers_a_held_action(workdir: Path) -> None:
    action_id = held_action(workdir)
    result = tether(workdir, "respond", action_id, "--by", "alice", "-m", "use the card on file")
    assert result.returncode == 0, result.stderr
    shown = json.loads(tether(workdir, "show", action_id, "--json").stdout)
    assert shown["status"] == "responded"
    assert shown["decision"]["message"] == "use the card on file"


def test_undo_from_the_cli_is_run_by_the_agents_process(workdir: Path) -> None:
    url = f"sqlite:///{workdir / 'tether.db'}"
    recalled: list[str] = []
    gate = Gate(Policy.from_file(workdir / "tether.toml"), url)
    gate.tool(
        lambda segment, subject: "draft-1",
        name="draft_marketing_email",
        undo=lambda segment, result: recalled.append(result),
    )
    out = gate.call(ToolCall(tool="draft_marketing_email", args={"segment": "s", "subject": "x"}, agent="bot"))
    assert out.kind == "executed"

    result = tether(workdir, "undo", out.action_id, "--by", "alice")
    assert result.returncode == 0, result.stderr
    assert "requested" in result.stdout
    assert gate.work() == 1
    assert recalled == ["draft-1"]
    gate.close()
    again = tether(workdir, "undo", out.action_id, "--by", "bob")
    assert again.returncode == 1
    assert "already requested by alice" in again.stderr


def test_undo_of_an_action_without_a_window_exits_1(workdir: Path) -> None:
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}")
    gate.tool(lambda ticket, category: "ok", name="classify_ticket")
    out = gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T", "category": "c"}, agent="bot"))
    gate.close()
    result = tether(workdir, "undo", out.action_id, "--by", "alice")
    assert result.returncode == 1
    assert "without an undo window" in result.stderr


def test_the_cli_fires_due_timers_before_it_shows_anything(workdir: Path) -> None:
    from tether import FakeClock

    clock = FakeClock()  # the agent's clock is far in the past: its approval is long overdue by now
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}", clock=clock)
    gate.tool(lambda **kw: "x", name="transfer_funds")
    held = gate.call(ToolCall(tool="transfer_funds", args={"account": "A", "amount": 1}, agent="bot"))
    gate.close()
    assert json.loads(tether(workdir, "pending", "--json").stdout) == []
    shown = json.loads(tether(workdir, "show", held.action_id, "--json").stdout)
    assert shown["status"] == "expired"
    refused = tether(workdir, "approve", held.action_id, "--by", "alice")
    assert refused.returncode == 1
    assert "expired" in refused.stderr


def test_shadow_record_and_report_from_the_cli(tmp_path: Path) -> None:
    (tmp_path / "tether.toml").write_text(
        '[autonomy]\nstart = "shadow"\n[tools.refund]\nrisk = "medium"\nreversible = "yes"\n'
    )
    gate = Gate(Policy.from_file(tmp_path / "tether.toml"), f"sqlite:///{tmp_path / 'tether.db'}")
    gate.tool(lambda order: "refunded", name="refund")
    for subject in ("T-1", "T-2"):
        gate.call(ToolCall(tool="refund", args={"order": subject}, agent="bot", subject=subject))
    gate.close()
    agreed = tether(
        tmp_path,
        "shadow",
        "record",
        "--subject",
        "T-1",
        "--tool",
        "refund",
        "--args",
        '{"order": "T-1"}',
        "--by",
        "ana",
    )
    assert agreed.returncode == 0, agreed.stderr
    assert "T-1: agree" in agreed.stdout
    assert "false_positive" in tether(tmp_path, "shadow", "record", "--subject", "T-2", "--by", "ana").stdout
    report = json.loads(tether(tmp_path, "shadow", "report", "--json").stdout)
    assert [(r["key"], r["cases"], r["agree"], r["false_positives"]) for r in report] == [("bot/refund", 2, 1, 1)]
    table = tether(tmp_path, "shadow", "report").stdout
    assert "bot/refund" in table
    assert "50.0%" in table
    bad = tether(tmp_path, "shadow", "record", "--subject", "T-3", "--by", "ana", "--args", "[]")
    assert bad.returncode == 2


def test_lanes_incident_promote_and_demote_from_the_cli(tmp_path: Path) -> None:
    (tmp_path / "tether.toml").write_text(
        '[autonomy]\nstart = "ceiling"\nmin_cases = 1\ncritical_free_days = 0\n'
        '[tools.tag]\nrisk = "low"\nreversible = "yes"\n'
    )
    gate = Gate(Policy.from_file(tmp_path / "tether.toml"), f"sqlite:///{tmp_path / 'tether.db'}")
    gate.tool(lambda item: "tagged", name="tag")
    done = gate.call(ToolCall(tool="tag", args={"item": "x"}, agent="bot"))
    gate.close()
    lanes = json.loads(tether(tmp_path, "lanes", "--json").stdout)
    assert [(lane["lane"], lane["level"], lane["ceiling"]) for lane in lanes] == [("bot/tag", "auto", "auto")]
    assert "bot/tag" in tether(tmp_path, "lanes").stdout
    flagged = tether(tmp_path, "incident", done.action_id, "--note", "tagged the CEO as spam", "--by", "alice")
    assert flagged.returncode == 0, flagged.stderr
    assert "is at approve" in flagged.stdout
    assert json.loads(tether(tmp_path, "lanes", "--json").stdout)[0]["level"] == "approve"
    refused = tether(tmp_path, "lanes", "promote", "bot/tag", "--by", "admin")
    assert refused.returncode == 2
    assert "not ready" in refused.stderr
    down = tether(tmp_path, "lanes", "demote", "bot/tag", "--to", "shadow", "--by", "admin")
    assert "is now at shadow" in down.stdout
    assert tether(tmp_path, "lanes", "demote", "bot/tag", "--to", "sideways").returncode == 2


def test_resolve_an_unknown_action_from_the_cli(workdir: Path) -> None:
    from datetime import timedelta

    from tether import Approve, FakeClock

    clock = FakeClock()
    gate = Gate(Policy.from_file(workdir / "tether.toml"), f"sqlite:///{workdir / 'tether.db'}", clock=clock)
    held = gate.plane.submit(ToolCall(tool="delete_user_data", args={"user": "u-1"}, agent="bot"), worker="w1")
    gate.plane.decide(held.id, Approve(by="alice"))
    gate.plane.claim(held.id, worker="w1")
    clock.advance(timedelta(minutes=5))
    gate.plane.sweep()
    gate.close()
    result = tether(workdir, "resolve", held.id, "--ran", "--by", "bob", "--note", "the row is gone")
    assert result.returncode == 0, result.stderr
    assert "is now executed" in result.stdout
    again = tether(workdir, "resolve", held.id, "--did-not-run", "--by", "bob")
    assert again.returncode == 1


def test_review_lists_sampled_runs_and_records_verdicts(tmp_path: Path) -> None:
    (tmp_path / "tether.toml").write_text(
        '[autonomy]\nsample_rate = 1.0\n[tools.tag]\nrisk = "low"\nreversible = "yes"\n', encoding="utf-8"
    )
    from tether import Gate, Policy, ToolCall

    gate = Gate(Policy.from_file(tmp_path / "tether.toml"), f"sqlite:///{tmp_path / 'tether.db'}")
    gate.tool(lambda item: "tagged", name="tag")
    ran = gate.call(ToolCall(tool="tag", args={"item": "x"}, agent="bot"))
    gate.close()
    listed = tether(tmp_path, "review")
    assert ran.action_id in listed.stdout
    assert tether(tmp_path, "review", ran.action_id).returncode == 2  # no verdict given
    wrong = tether(tmp_path, "review", ran.action_id, "--wrong", "--by", "ana")
    assert wrong.returncode == 2
    assert "needs a note" in wrong.stderr
    done = tether(tmp_path, "review", ran.action_id, "--wrong", "--note", "bad tag", "--by", "ana")
    assert done.returncode == 0, done.stderr
    assert "accuracy 0.0%" in done.stdout
    assert "no sampled run" in tether(tmp_path, "review").stdout


@pytest.mark.subprocess
def test_the_console_script_exits_0_1_and_2_without_a_traceback(tmp_path: Path) -> None:
    assert run_process([CONSOLE_SCRIPT, "init"], tmp_path).returncode == 0
    exists = run_process([CONSOLE_SCRIPT, "init"], tmp_path)
    assert exists.returncode == 1
    assert "already exists" in exists.stderr
    missing = run_process([CONSOLE_SCRIPT, "show", "does-not-exist"], tmp_path)
    assert missing.returncode == 1
    assert "no action 'does-not-exist'" in missing.stderr
    (tmp_path / "bad.toml").write_text('[tools.pay]\nrisk = "severe"\nreversible = "no"\n')
    bad = run_process([CONSOLE_SCRIPT, "policy", "check", "bad.toml"], tmp_path)
    assert bad.returncode == 2
    assert "bad.toml: tools.pay.risk:" in bad.stderr
    for result in (exists, missing, bad):
        assert "Traceback" not in result.stderr


STARTUP_PROBE = """
import sys
from tether.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("prompt_toolkit", "cel", "cel.cel", "sqlalchemy", "tether.wire", "tether.server", "fastapi", "uvicorn")
print("loaded:", *[name for name in heavy if name in sys.modules])
"""


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("command", "loaded"),
    [
        (["--help"], []),
        (["policy", "check"], ["cel.cel"]),  # the CEL engine, without the cel package's REPL (prompt_toolkit)
        (["pending"], ["cel.cel", "sqlalchemy"]),
    ],
    ids=["help", "policy-check", "pending"],
)
def test_a_command_imports_only_what_it_uses(workdir: Path, command: list[str], loaded: list[str]) -> None:
    result = run_process([sys.executable, "-c", STARTUP_PROBE, *command], workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split()[1:] == loaded


def test_demo_on_a_taken_port_says_how_to_choose_another_and_leaves_nothing_behind(
    tmp_path: Path, taken_port: int
) -> None:
    result = tether(tmp_path, "demo", "--port", str(taken_port))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: port {taken_port} on 127.0.0.1 is already in use")
    assert "make demo PORT=8701" in result.stderr
    assert "Traceback" not in result.stderr
    assert "dashboard at" not in result.stdout  # no URL, no logins printed as if all were well
    assert list(tmp_path.iterdir()) == []  # no policy written, no store opened


def archived(workdir: Path, into: Path) -> tuple[str, Path]:
    """A held action, and a checkpointed copy of the store in ``into`` as an archive would keep it."""
    action_id = held_action(workdir)
    with sqlite3.connect(workdir / "tether.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    into.mkdir(parents=True, exist_ok=True)
    copy = into / "tether.db"
    copy.write_bytes((workdir / "tether.db").read_bytes())
    return action_id, copy


def test_reading_commands_work_on_a_store_opened_read_only(workdir: Path) -> None:
    action_id, copy = archived(workdir, workdir / "archive")
    before = copy.read_bytes()
    url = f"sqlite:///{copy}?mode=ro"
    for args in (["audit", "verify"], ["pending"], ["show", action_id], ["audit", "tail"]):
        done = tether(workdir, "--db", url, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "is read-only: shown as stored" in done.stderr
    assert "audit log intact: 1 events" in tether(workdir, "--db", url, "audit", "verify").stdout
    assert action_id in tether(workdir, "--db", url, "pending").stdout
    refused = tether(workdir, "--db", url, "approve", action_id, "--by", "alice")
    assert refused.returncode != 0
    assert "read-only" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert copy.read_bytes() == before


def test_a_copy_this_user_may_not_write_is_read_without_being_touched(workdir: Path) -> None:
    """As a person reading an archive they may not write. File modes do not stop root, so as root the archive's
    directory is mounted read-only (in a private mount namespace, as a read-only volume would be)."""
    action_id, copy = archived(workdir, workdir / "archive")
    copy.chmod(0o444)
    copy.parent.chmod(0o555)
    before = copy.read_bytes()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}
    try:
        for args in (["audit", "verify"], ["pending"], ["show", action_id]):
            command = shlex.join([sys.executable, "-m", "tether.cli", "--db", f"sqlite:///{copy}", *args])
            if os.geteuid() == 0:
                where = shlex.quote(str(copy.parent))
                mount = f"mount --bind {where} {where} && mount -o remount,bind,ro {where} {where}"
                argv = ["unshare", "--mount", "sh", "-c", f"{mount} && exec {command}"]
            else:
                argv = ["sh", "-c", f"exec {command}"]
            done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, (args, done.stderr)
            assert "is read-only: shown as stored" in done.stderr
            assert action_id in done.stdout or "audit log intact: 1 events" in done.stdout
        assert sorted(p.name for p in copy.parent.iterdir()) == ["tether.db"]  # no -wal or -shm left behind
        assert copy.read_bytes() == before
    finally:
        copy.parent.chmod(0o755)


def test_a_read_only_store_that_does_not_exist_is_named(workdir: Path) -> None:
    done = tether(workdir, "--db", "sqlite:///archive/missing.db?mode=ro", "pending")
    assert done.returncode == 2
    assert "no SQLite store at archive/missing.db to read" in done.stderr
    assert not (workdir / "archive").exists()


def test_tables_fit_80_columns_without_cutting_ids_or_names(workdir: Path) -> None:
    held = [
        held_action(workdir, "send_user_notification", user="u-1", text="hello"),
        held_action(workdir, "delete_user_data", user="u-2"),
    ]
    made = tether(workdir, "token", "create", "--name", "a-very-long-reviewer-name", "--role", "reviewer")
    assert made.returncode == 0
    for args in (["pending"], ["lanes"], ["audit", "tail"], ["token", "list"]):
        shown = tether(workdir, *args, width=80)
        assert shown.returncode == 0, shown.stderr
        too_wide = [line for line in shown.stdout.splitlines() if len(line) > 80]
        assert too_wide == [], (args, too_wide)
        assert "…" not in shown.stdout, (args, shown.stdout)
    pending = tether(workdir, "pending", width=80).stdout
    assert all(action_id in pending for action_id in held)
    assert "send_user_notification" in pending
    assert "support-bot/send_user_notification" in tether(workdir, "lanes", width=80).stdout
    wide = tether(workdir, "pending", width=200).stdout  # room enough: the table itself
    assert "┃ id" in wide


def test_policy_from_langchain_turns_interrupt_on_into_policy_entries(workdir: Path) -> None:
    interrupt_on = {"send_email": True, "delete_file": {"allowed_decisions": ["approve", "reject"]}, "read_file": False}
    done = tether(workdir, "policy", "from-langchain", json.dumps(interrupt_on))
    assert done.returncode == 0, done.stderr
    policy = Policy.from_toml(done.stdout)
    verdict = {tool: policy.evaluate(ToolCall(tool=tool, args={}, agent="bot")).mode.value for tool in interrupt_on}
    assert verdict == {"send_email": "approve", "delete_file": "approve", "read_file": "auto"}
    assert policy.decisions_for("delete_file") == ("approve", "reject")
    assert policy.decisions_for("send_email") == ("approve", "edit", "reject", "respond")


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("not json", "not JSON"),
        ('{"x": {"allowed_decisions": ["maybe"]}}', "x.allowed_decisions: 'maybe' is not one of"),
        ('{"x": {"allowed_decisions": []}}', "x.allowed_decisions: a non-empty list"),
        ('{"x": "yes"}', "x: expected true, false or an object"),
        ('{"x": {"allowed": ["approve"]}}', "x: unknown key 'allowed'"),
    ],
)
def test_policy_from_langchain_names_what_is_wrong(workdir: Path, given: str, says: str) -> None:
    done = tether(workdir, "policy", "from-langchain", given)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_pending_shows_an_agents_direction_controls_as_code_points(workdir: Path) -> None:
    action_id = held_action(workdir, account="ACCT-\u202e9999-0000\u202c", amount=50)
    shown = tether(workdir, "show", action_id).stdout
    assert "\u202e" not in shown
    assert "⟨U+202E⟩" in shown
