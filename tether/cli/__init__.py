"""The ``tether`` command: tables for people, ``--json`` for programs.

Exit codes: 0 success; 1 a check failed or a thing was not found (or a decision lost its race); 2 bad usage
or configuration. A user mistake never prints a traceback. Text that came from agents is shown as plain text
(no Rich markup, no terminal control characters), because it is untrusted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tether._json import iso
from tether._views import DELIVERY_STATUSES, delivery_to_dict, lane_to_dict, stats_to_dict
from tether.audit import Anchor, AuditEvent
from tether.errors import (
    ConfigError,
    DecisionError,
    NotFound,
    StoreError,
    TetherError,
    UsageError,
)
from tether.model import Action, Approve, Mode, Reject, Respond, Status, ToolCall
from tether.plane import ControlPlane
from tether.policy import Policy, format_duration, template_text
from tether.store import DEFAULT_URL, open_store
from tether.store._rows import action_to_dict, shadow_case_to_dict, verdict_to_dict

app = typer.Typer(
    help="Tether: a human-in-the-loop control plane for AI agents. "
    "Exit codes: 0 success, 1 a check failed or a thing was not found, 2 bad usage or configuration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
policy_app = typer.Typer(help="Check a policy file and explain its verdicts.", no_args_is_help=True)
lanes_app = typer.Typer(
    help="Lanes (agent × tool): their autonomy level, the evidence, promotion and demotion.",
    invoke_without_command=True,
)
shadow_app = typer.Typer(
    help="Shadow mode: record what humans did, compare with the agent, report.", no_args_is_help=True
)
token_app = typer.Typer(help="Create, list and revoke API tokens for the server.", no_args_is_help=True)
audit_app = typer.Typer(help="Read, verify and export the hash-chained audit log.", no_args_is_help=True)
breaker_app = typer.Typer(help="See and close the breakers opened by blast-radius limits.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(audit_app, name="audit")
app.add_typer(breaker_app, name="breaker")
app.add_typer(token_app, name="token")
app.add_typer(shadow_app, name="shadow")
app.add_typer(lanes_app, name="lanes")
outbox_app = typer.Typer(help="Notifications waiting, sent and dead; retry dead letters.", invoke_without_command=True)
app.add_typer(outbox_app, name="outbox")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@dataclass
class Settings:
    config: str | None
    config_explicit: bool
    db: str


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", "-c", envvar="TETHER_CONFIG", help="Policy file (default: ./tether.toml)."),
    ] = None,
    db: Annotated[
        str, typer.Option("--db", envvar="TETHER_DB", help="Store URL: sqlite:///file.db, postgresql://…")
    ] = DEFAULT_URL,
) -> None:
    ctx.obj = Settings(config=config or "tether.toml", config_explicit=config is not None, db=db)


# -- helpers -------------------------------------------------------------------------------------------------


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def _load_policy(settings: Settings, *, required: bool = False) -> Policy:
    path = Path(settings.config or "tether.toml")
    if not path.exists() and not settings.config_explicit and not required:
        return Policy.default()
    return Policy.from_file(path)


@contextmanager
def _plane(ctx: typer.Context, *, policy_required: bool = False) -> Iterator[ControlPlane]:
    """The control plane on the configured store, with due timers fired first, so that what the CLI shows and
    decides is current even when no agent or server has run for a while."""
    settings = _settings(ctx)
    plane = ControlPlane(_load_policy(settings, required=policy_required), open_store(settings.db))
    try:
        plane.sweep()
        yield plane
    finally:
        plane.store.close()


def _fail(message: str, code: int) -> NoReturn:
    err.print(Text(f"error: {message}"))
    raise typer.Exit(code)


def safe(value: object) -> Text:
    """Untrusted text as a Rich Text: never parsed as markup, control characters made visible."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return Text("".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text))


def _json_object(text: str, option: str) -> dict[str, Any]:
    """A JSON object given on the command line, or exit 2 saying what is wrong with it."""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{option} is not valid JSON: {exc.msg} at column {exc.colno}", 2)
    if not isinstance(parsed, dict):
        _fail(f"{option} must be a JSON object, e.g. '{{\"amount\": 50}}'", 2)
    return parsed


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _event_dict(event: AuditEvent) -> dict[str, Any]:
    return event.to_dict()


# -- commands ------------------------------------------------------------------------------------------------


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the policy.")] = Path("tether.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented tether.toml with the six example tools of the risk matrix."""
    if path.exists() and not force:
        _fail(f"{path} already exists (use --force to overwrite it)", 1)
    path.write_text(template_text(), encoding="utf-8")
    out.print(Text(f"wrote {path}; check it with `tether policy check {path}`"))


@policy_app.command("check")
def policy_check(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Policy file (default: --config).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Validate a policy file: schema, risk levels, CEL rules, limits. Exit 2 with every problem if bad."""
    path = file or Path(_settings(ctx).config or "tether.toml")
    policy = Policy.from_file(path)
    summary = {
        "file": str(path),
        "ok": True,
        "version": policy.version,
        "tools": len(policy.config.tools),
        "rules": len(policy.rules),
        "limits": len(policy.limits),
    }
    if as_json:
        _print_json(summary)
        return
    out.print(
        Text(
            f"{path}: ok — {summary['tools']} tools, {summary['rules']} rules, {summary['limits']} limits "
            f"(policy version {policy.version[:12]})"
        )
    )


@policy_app.command("explain")
def policy_explain(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool name.")],
    args: Annotated[str, typer.Option("--args", help="The call's arguments as a JSON object.")] = "{}",
    agent: Annotated[str, typer.Option("--agent", help="The calling agent.")] = "agent",
    confidence: Annotated[float | None, typer.Option("--confidence", help="The agent's confidence, 0–1.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Show the verdict the policy gives one call now, with every reason (its lane's history included)."""
    parsed = _json_object(args, "--args")
    call = ToolCall(tool=tool, args=parsed, agent=agent, confidence=confidence)
    with _plane(ctx, policy_required=True) as plane:
        verdict = plane.evaluate(call)
    if as_json:
        _print_json(verdict_to_dict(verdict))
        return
    header = Text(f"{tool} → {verdict.mode.value}")
    header.stylize("bold")
    out.print(header)
    details = [f"ceiling {verdict.ceiling.value}", f"urgency {verdict.urgency.value}"]
    if verdict.locked:
        details.append("locked (a human is always required)")
    if verdict.window:
        details.append(f"undo window {format_duration(verdict.window)}")
    if verdict.timeout:
        details.append(f"expires after {format_duration(verdict.timeout)}")
    if verdict.quorum > 1:
        details.append(f"quorum {verdict.quorum}")
    if verdict.reviewers:
        details.append(f"reviewers {verdict.reviewers}")
    out.print(Text("  " + ", ".join(details)))
    for reason in verdict.reasons:
        out.print(Text("  • ") + safe(reason.text))


@app.command()
def pending(
    ctx: typer.Context,
    agent: Annotated[str | None, typer.Option(help="Only this agent's actions.")] = None,
    tool: Annotated[str | None, typer.Option(help="Only this tool's actions.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List actions held for a human decision, most urgent first."""
    with _plane(ctx) as plane:
        held = plane.pending(agent=agent, tool=tool, limit=1000)
    held.sort(key=lambda a: (a.verdict.urgency.value != "high", a.created_at))
    if as_json:
        _print_json([action_to_dict(a) for a in held])
        return
    if not held:
        out.print("nothing is waiting for a decision")
        return
    table = Table("id", "tool", "agent", "urgency", "held because")
    table.columns[0].no_wrap = True
    for action in held:
        table.add_row(
            action.id,
            safe(action.call.tool),
            safe(action.call.agent),
            action.verdict.urgency.value,
            safe(action.verdict.reasons[-1].text if action.verdict.reasons else ""),
        )
    out.print(table)
    out.print(Text("see one with `tether show ID`; decide with `tether approve ID --by NAME` or `tether reject`"))


@app.command()
def show(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one action and its whole timeline."""
    with _plane(ctx) as plane:
        action = plane.get(action_id)
        timeline = plane.timeline(action_id)
    if as_json:
        _print_json({**action_to_dict(action), "timeline": [_event_dict(e) for e in timeline]})
        return
    _print_action(action)
    out.print(Text("timeline:", style="bold"))
    for event in timeline:
        out.print(Text(f"  #{event.seq} {event.at} ") + safe(f"{event.kind} by {event.actor}"))


def _print_action(action: Action) -> None:
    call = action.call
    rows: list[tuple[str, object]] = [
        ("id", action.id),
        ("status", action.status.value),
        ("mode", action.verdict.mode.value),
        ("tool", call.tool),
        ("agent", call.agent),
        ("args", json.dumps(call.args, ensure_ascii=False, indent=2)),
        ("reasoning", call.reasoning or ""),
        ("confidence", "" if call.confidence is None else f"{call.confidence:.2f}"),
        ("why", "\n".join(action.verdict.explain())),
        ("created", iso(action.created_at)),
        ("expires", iso(action.expires_at) or ""),
    ]
    if action.decision is not None:
        rows.append(("decision", json.dumps(_decision_summary(action), ensure_ascii=False)))
    if action.result is not None:
        rows.append(("result", json.dumps(action.result, ensure_ascii=False)))
    if action.error:
        rows.append(("error", action.error))
    if action.window_ends_at:
        rows.append(("undo until", iso(action.window_ends_at)))
    table = Table(show_header=False, box=None)
    for key, value in rows:
        table.add_row(Text(key, style="bold"), safe(value))
    out.print(table)


def _decision_summary(action: Action) -> dict[str, Any]:
    decided = action_to_dict(action)["decision"]
    return decided if isinstance(decided, dict) else {}


@app.command()
def approve(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    by: Annotated[str, typer.Option("--by", help="Who approves (the reviewer's name).")],
    note: Annotated[str, typer.Option("--note", help="A note for the record.")] = "",
) -> None:
    """Approve a held action; the agent runs it when it resumes."""
    with _plane(ctx) as plane:
        action = plane.decide(action_id, Approve(by=by, note=note))
    if action.status is Status.PENDING:
        quorum = action.verdict.quorum
        out.print(
            Text(f"approval {len(action.approvals)} of {quorum} recorded for {action.id}; it needs more reviewers")
        )
    else:
        out.print(Text(f"approved {action.id} ({action.call.tool}); it runs when the agent resumes it"))


@app.command()
def reject(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    by: Annotated[str, typer.Option("--by", help="Who rejects (the reviewer's name).")],
    note: Annotated[str, typer.Option("--note", help="Why; the agent sees this note.")],
    critical: Annotated[
        bool, typer.Option("--critical", help="Also flag a critical error (demotes the lane).")
    ] = False,
) -> None:
    """Reject a held action; the agent gets the note as its tool result."""
    with _plane(ctx) as plane:
        action = plane.decide(action_id, Reject(by=by, note=note))
        if critical:
            plane.report_incident(action_id, note=note, by=by)
    out.print(Text(f"rejected {action.id} ({action.call.tool})" + ("; critical error flagged" if critical else "")))


@app.command()
def respond(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    by: Annotated[str, typer.Option("--by", help="Who responds (the reviewer's name).")],
    message: Annotated[str, typer.Option("--message", "-m", help="The answer the agent gets instead of a result.")],
) -> None:
    """Answer a held action with an instruction instead of running it; the agent sees the message."""
    with _plane(ctx) as plane:
        action = plane.decide(action_id, Respond(by=by, message=message))
    out.print(Text(f"responded to {action.id} ({action.call.tool}); nothing was run"))


@app.command()
def undo(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    by: Annotated[str, typer.Option("--by", help="Who asks for the undo.")],
    critical: Annotated[
        bool, typer.Option("--critical", help="Also flag a critical error (demotes the lane).")
    ] = False,
) -> None:
    """Undo an override action inside its window (the agent's process runs the compensator), or veto a
    deferred one before it runs."""
    with _plane(ctx) as plane:
        action = plane.request_undo(action_id, by=by)
        if critical:
            plane.report_incident(action_id, note=f"undone by {by} as a critical error", by=by)
    if action.status is Status.VETOED:
        out.print(Text(f"vetoed {action.id} ({action.call.tool}); it will not run"))
    else:
        out.print(Text(f"undo of {action.id} ({action.call.tool}) requested; the agent's process runs it"))


# -- audit ---------------------------------------------------------------------------------------------------


@audit_app.command("tail")
def audit_tail(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many events.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """The newest events of the audit log."""
    with _plane(ctx) as plane:
        events = plane.store.audit_tail(count)
    if as_json:
        _print_json([_event_dict(e) for e in events])
        return
    table = Table("seq", "at", "actor", "kind", "action", "hash")
    for e in events:
        table.add_row(str(e.seq), e.at, safe(e.actor), e.kind, e.action_id or "", e.hash[:12])
    out.print(table)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="An exported head: a file, or the JSON itself.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute the hash chain; name the first broken event. With --anchor, also detect a truncated log."""
    parsed = _read_anchor(anchor) if anchor else None
    with _plane(ctx) as plane:
        result = plane.verify(parsed)
    if as_json:
        _print_json(
            {
                "ok": result.ok,
                "checked": result.checked,
                "head": {"seq": result.head.seq, "hash": result.head.hash},
                "bad_seq": result.bad_seq,
                "problem": result.problem,
            }
        )
    else:
        (out if result.ok else err).print(Text(str(result)))
    if not result.ok:
        raise typer.Exit(1)


def _read_anchor(value: str) -> Anchor:
    text = value
    if not value.lstrip().startswith("{"):
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot read the anchor file {value}: {exc.strerror}", 2)
    try:
        return Anchor.from_json(text)
    except ValueError as exc:
        _fail(f"--anchor: {exc}", 2)


@audit_app.command("head")
def audit_head(ctx: typer.Context) -> None:
    """Print the head as an anchor (JSON). Keep it elsewhere; `audit verify --anchor` then detects truncation."""
    with _plane(ctx) as plane:
        head = plane.audit_head()
    sys.stdout.write(head.to_json() + "\n")


@audit_app.command("export")
def audit_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    after: Annotated[int, typer.Option("--after", min=0, help="Only events after this sequence number.")] = 0,
) -> None:
    """Export the audit log as JSON Lines, one event per line, in chain order."""
    with _plane(ctx) as plane:
        stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            count = 0
            for event in plane.audit_events(after=after):
                stream.write(json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
    if output:
        err.print(Text(f"exported {count} events to {output}"))


# -- breakers ------------------------------------------------------------------------------------------------


@breaker_app.command("list")
def breaker_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Open breakers: lanes whose calls are all held until a human closes them."""
    with _plane(ctx) as plane:
        open_breakers = plane.breakers()
    if as_json:
        _print_json(
            [{"lane": f"{b.agent}/{b.tool}", "limit": b.limit, "opened_at": iso(b.opened_at)} for b in open_breakers]
        )
        return
    if not open_breakers:
        out.print("no breaker is open")
        return
    table = Table("lane", "limit", "opened")
    for b in open_breakers:
        table.add_row(safe(f"{b.agent}/{b.tool}"), safe(b.limit), iso(b.opened_at) or "")
    out.print(table)


@breaker_app.command("close")
def breaker_close(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="The lane, written AGENT/TOOL.")],
    by: Annotated[str, typer.Option("--by", help="Who closes it.")] = os.environ.get("USER", "cli"),
) -> None:
    """Close a lane's breaker so its calls are judged by the policy again."""
    with _plane(ctx) as plane:
        plane.close_breaker(lane, by=by)
    out.print(Text(f"closed the breaker of {lane}"))


# -- notifications --------------------------------------------------------------------------------------------------


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option("--status", help="Only pending, sending, sent, skipped or dead deliveries.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List notification deliveries, newest first (dead letters: --status dead)."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None and status not in DELIVERY_STATUSES:
        raise UsageError(f"--status {status!r}: use one of {', '.join(DELIVERY_STATUSES)}")
    with _plane(ctx) as plane:
        found = plane.store.outbox_list(status=status, limit=limit)
    if as_json:
        _print_json([delivery_to_dict(d) for d in found])
        return
    if not found:
        out.print("no deliveries" + (f" with status {status}" if status else ""))
        return
    table = Table("id", "event", "channel", "to", "status", "attempts", "last error")
    for d in found:
        table.add_row(
            d.id, d.kind, safe(d.channel), safe(d.recipient or ""), d.status, str(d.attempts), safe(d.last_error or "")
        )
    out.print(table)


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context, delivery_id: Annotated[str, typer.Argument(help="A dead delivery's id.")]) -> None:
    """Queue a dead (or skipped) delivery again, due now, with its attempts reset."""
    with _plane(ctx) as plane:
        again = plane.store.outbox_retry(delivery_id, now=plane.clock.now())
    out.print(Text(f"delivery {again.id} to {again.channel} queued again"))


@outbox_app.command("deliver")
def outbox_deliver(ctx: typer.Context) -> None:
    """One pass of the outbox worker: queue new notifications, send what is due (the server does this itself)."""
    from tether.notify._outbox import Outbox

    with _plane(ctx) as plane:
        added, sent = Outbox(plane, env=os.environ).run_once()
    out.print(Text(f"queued {added}, sent {sent}"))


# -- shadow mode ----------------------------------------------------------------------------------------------------


@shadow_app.command("record")
def shadow_record(
    ctx: typer.Context,
    subject: Annotated[str, typer.Option("--subject", help="The business key: a ticket id, an order id.")],
    by: Annotated[str, typer.Option("--by", help="Who (or which process) did it.")],
    tool: Annotated[str | None, typer.Option("--tool", help="What the human did; omit if they took no action.")] = None,
    args: Annotated[str, typer.Option("--args", help="Its arguments as a JSON object.")] = "{}",
    as_json: JsonFlag = False,
) -> None:
    """Record what the human process really did for a subject; Tether pairs it with the agent's proposal."""
    parsed = _json_object(args, "--args")
    with _plane(ctx) as plane:
        case = plane.record_human(subject, tool=tool, args=parsed, by=by)
    if as_json:
        _print_json(shadow_case_to_dict(case))
        return
    if case.result is None:
        out.print(Text(f"recorded for {subject}; waiting for the agent's proposal"))
    else:
        out.print(Text(f"{subject}: {case.result.value} — ") + safe(case.detail or ""))


@shadow_app.command("report")
def shadow_report(
    ctx: typer.Context,
    lane: Annotated[str | None, typer.Option("--lane", help="Only this lane, AGENT/TOOL.")] = None,
    by_tool: Annotated[bool, typer.Option("--by-tool", help="Group by tool instead of by lane.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Agreement rate, false positives and negatives, mismatches and the edge cases to study."""
    with _plane(ctx) as plane:
        rows = plane.shadow_report(by="tool" if by_tool else "lane", lane=lane)
    if as_json:
        _print_json([stats_to_dict(row) for row in rows])
        return
    if not rows:
        out.print("no compared shadow cases yet")
        return
    table = Table("tool" if by_tool else "lane", "cases", "agreement", "false +", "false −", "mismatch", "edge cases")
    for row in rows:
        rate = "" if row.agreement is None else f"{row.agreement:.1%}"
        table.add_row(
            safe(row.key),
            str(row.cases),
            rate,
            str(row.false_positives),
            str(row.false_negatives),
            str(row.mismatches),
            str(len(row.edge_cases)),
        )
    out.print(table)
    for row in rows:
        for case in row.edge_cases[:20]:
            out.print(
                Text(f"  {row.key} {case.subject}: {case.result.value if case.result else '?'} — ")
                + safe(case.detail or "")
            )


# -- lanes --------------------------------------------------------------------------------------------------------


@lanes_app.callback()
def lanes_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every lane: level, ceiling, cases, accuracy, override rate, days without a critical error, p99 review
    latency, and the next step with what it waits for."""
    if ctx.invoked_subcommand is not None:
        return
    with _plane(ctx) as plane:
        reports = plane.lanes()
        now = plane.clock.now()
    rows = [lane_to_dict(r, now) for r in reports]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no lanes yet")
        return
    table = Table("lane", "level", "ceiling", "cases", "accuracy", "undo rate", "days ok", "p99 review", "next")
    for row in rows:
        nxt = row["next"] or "—"
        if row["demote"]:
            nxt = f"demote to {row['next']}"
        elif row["next"] and row["ready"]:
            nxt = f"{row['next']} (ready)"
        elif row["waiting_for"]:
            nxt = f"{nxt}: waits for " + "; ".join(row["waiting_for"])
        p99 = row["review_p99_seconds"]
        table.add_row(
            safe(row["lane"]),
            row["level"],
            row["ceiling"] + (" (locked)" if row["locked"] else ""),
            str(row["cases"]),
            "" if row["accuracy"] is None else f"{row['accuracy']:.1%}",
            "" if row["override_rate"] is None else f"{row['override_rate']:.1%}",
            "" if row["days_without_critical"] is None else f"{row['days_without_critical']:.1f}",
            ("" if p99 is None else f"{p99:.0f}s")
            + (" ⚠ review is the bottleneck" if row["review_is_bottleneck"] else ""),
            safe(nxt),
        )
    out.print(table)


@lanes_app.command("promote")
def lanes_promote(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="AGENT/TOOL")],
    by: Annotated[str, typer.Option("--by", help="Who confirms it.")] = os.environ.get("USER", "cli"),
) -> None:
    """Raise a ready lane one level (the evidence must support it)."""
    with _plane(ctx) as plane:
        report = plane.promote(lane, by=by)
    out.print(Text(f"{lane} is now at {report.level.value}"))


@lanes_app.command("demote")
def lanes_demote(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="AGENT/TOOL")],
    by: Annotated[str, typer.Option("--by", help="Who decides it.")] = os.environ.get("USER", "cli"),
    to: Annotated[
        str | None, typer.Option("--to", help="shadow, approve or override (default: one level down)")
    ] = None,
) -> None:
    """Lower a lane's autonomy, one level or to a given one."""
    try:
        target = Mode(to) if to else None
    except ValueError:
        _fail(f"--to {to!r} is not a level: use shadow, approve or override", 2)
    with _plane(ctx) as plane:
        report = plane.demote(lane, by=by, to=target)
    out.print(Text(f"{lane} is now at {report.level.value}"))


@app.command()
def resolve(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="An action left unknown by a crash.")],
    ran: Annotated[bool, typer.Option("--ran/--did-not-run", help="What you found: did it take effect?")],
    by: Annotated[str, typer.Option("--by", help="Who checked.")],
    note: Annotated[str, typer.Option("--note", help="How you know.")] = "",
) -> None:
    """Record what a human found about an action a crash left unknown: it ran, or it did not."""
    with _plane(ctx) as plane:
        action = plane.resolve_unknown(action_id, ran=ran, by=by, note=note)
    out.print(Text(f"{action.id} is now {action.status.value}"))


@app.command()
def incident(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action that went wrong.")],
    note: Annotated[str, typer.Option("--note", help="What went wrong.")],
    by: Annotated[str, typer.Option("--by", help="Who reports it.")] = os.environ.get("USER", "cli"),
) -> None:
    """Flag a critical error: its lane drops at once to at most approve, and humans are alerted."""
    with _plane(ctx) as plane:
        report = plane.report_incident(action_id, note=note, by=by)
    out.print(Text(f"incident recorded; lane {report.lane} is at {report.level.value}"))


@app.command()
def review(
    ctx: typer.Context,
    action_id: Annotated[str | None, typer.Argument(help="The run you reviewed (omit to list runs to review).")] = None,
    ok: Annotated[
        bool | None, typer.Option("--ok/--wrong", help="Your verdict: the run was right, or wrong (not critical).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="What was wrong (required with --wrong).")] = "",
    by: Annotated[str, typer.Option("--by", help="Who reviewed it.")] = os.environ.get("USER", "cli"),
    as_json: JsonFlag = False,
) -> None:
    """Sampled reviews of runs nobody approved: the evidence that keeps a lane at auto.

    Without an ACTION_ID, lists the runs picked for review (autonomy.sample_rate). With one, records your
    verdict; report critical errors with `tether incident` instead.
    """
    with _plane(ctx) as plane:
        if action_id is None:
            waiting = plane.samples(limit=200)
            if as_json:
                _print_json([action_to_dict(a) for a in waiting])
                return
            if not waiting:
                out.print("no sampled run is waiting for a review")
                return
            table = Table("id", "lane", "ran", "arguments")
            for action in waiting:
                table.add_row(
                    action.id,
                    safe(action.call.lane),
                    iso(action.updated_at),
                    safe(_short(json.dumps(action.call.args))),
                )
            out.print(table)
            out.print(Text("review one with `tether review ID --ok` or `tether review ID --wrong --note TEXT`"))
            return
        if ok is None:
            raise UsageError("say what you found: --ok or --wrong")
        report = plane.review_run(action_id, ok=ok, note=note, by=by)
    out.print(
        Text(f"review recorded; lane {report.lane} at {report.level.value}, accuracy {_pct(report.evidence.accuracy)}")
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


# -- server and tokens ----------------------------------------------------------------------------------------------


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8700,
    sweep_lease: Annotated[
        float,
        typer.Option(
            "--sweep-lease", min=0.5, help="Seconds before due timers claimed by an instance that died go to another."
        ),
    ] = 60.0,
) -> None:
    """Serve the dashboard at /, the REST API (/v1, OpenAPI at /docs), live events, Slack and email endpoints,
    /healthz, /readyz and /metrics. Several instances may share one PostgreSQL database."""
    import uvicorn

    from tether.server import create_app

    settings = _settings(ctx)
    plane = ControlPlane(_load_policy(settings), open_store(settings.db), sweep_lease=timedelta(seconds=sweep_lease))
    err.print(Text(f"tether serving {settings.db} on http://{host}:{port} (policy {plane.policy.source})"))
    uvicorn.run(create_app(plane), host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@app.command("mcp-gateway")
def mcp_gateway(
    ctx: typer.Context,
    upstream: Annotated[
        str | None, typer.Option("--upstream", help='The upstream MCP server\'s command, e.g. "npx -y server-x".')
    ] = None,
    upstream_url: Annotated[
        str | None, typer.Option("--upstream-url", help="Or its streamable HTTP URL, e.g. http://host:8000/mcp.")
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds a held call waits for a decision before it returns.")
    ] = 30.0,
    agent: Annotated[str, typer.Option("--agent", help="The agent name its calls are recorded under.")] = "mcp",
    listen: Annotated[
        str | None, typer.Option("--listen", help="Serve streamable HTTP at HOST:PORT (/mcp) instead of stdio.")
    ] = None,
) -> None:
    """Serve an upstream MCP server's tools to any MCP client, every call gated by the policy (needs
    `pip install "tether\\[mcp]"`). Held calls return "awaiting approval (action ID)"; calling the same tool with
    the same arguments again picks up the decision. See docs/integrations/mcp.md."""
    try:
        from tether.integrations.mcp_gateway import run_gateway
    except ImportError as exc:
        _fail(str(exc), 2)
    from tether.agent._gate import Gate

    if (upstream is None) == (upstream_url is None):
        _fail("give the upstream MCP server with --upstream COMMAND or --upstream-url URL (exactly one)", 2)
    settings = _settings(ctx)
    gate = Gate(_load_policy(settings), settings.db, poll_interval=0.1)
    run_gateway(gate, upstream=upstream, upstream_url=upstream_url, agent=agent, wait=wait, listen=listen)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The identity: an agent's id or a reviewer's name.")],
    role: Annotated[str, typer.Option("--role", help="agent, reviewer, viewer or admin.")],
    groups: Annotated[str, typer.Option("--groups", help="Reviewer groups, comma-separated.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who creates it (for the audit log).")] = os.environ.get(
        "USER", "cli"
    ),
    as_json: JsonFlag = False,
) -> None:
    """Create a token. Its secret is printed once: only a digest is stored."""
    from tether.plane._identity import Tokens

    with _plane(ctx) as plane:
        members = tuple(g.strip() for g in groups.split(",") if g.strip())
        record, secret = Tokens(plane.store, plane.clock).issue(name, role, members, by=by)
    if as_json:
        _print_json({"id": record.id, "name": record.name, "role": record.role.value, "token": secret})
        return
    err.print(Text(f"token {record.id} for {record.name} ({record.role.value}); keep it now, it is not shown again:"))
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every token, without its secret."""
    with _plane(ctx) as plane:
        found = plane.store.list_tokens()
    if as_json:
        _print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "role": t.role.value,
                    "groups": list(t.groups),
                    "created_at": iso(t.created_at),
                    "revoked_at": iso(t.revoked_at),
                }
                for t in found
            ]
        )
        return
    table = Table("id", "name", "role", "groups", "created", "revoked")
    for t in found:
        table.add_row(
            t.id, safe(t.name), t.role.value, safe(",".join(t.groups)), iso(t.created_at), iso(t.revoked_at) or ""
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(help="A token id, or a name to revoke all of its tokens.")],
    by: Annotated[str, typer.Option("--by", help="Who revokes it.")] = os.environ.get("USER", "cli"),
) -> None:
    """Revoke tokens at once; requests with them are refused from then on."""
    from tether.plane._identity import Tokens

    with _plane(ctx) as plane:
        count = Tokens(plane.store, plane.clock).revoke(name_or_id, by=by)
    out.print(Text(f"revoked {count} token(s) matching {name_or_id}"))


@app.command()
def demo(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run the six example tasks once in the terminal instead of serving.")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8700,
    run_for: Annotated[
        float | None, typer.Option("--for", min=1, help="Stop after this many seconds (default: until Ctrl+C).")
    ] = None,
    pace: Annotated[float, typer.Option(min=0.01, help="Scale the scripted agent's pauses (2 = half as busy).")] = 1.0,
) -> None:
    """Serve the dashboard with a scripted support-operations agent producing realistic traffic.

    Prints the URL and reviewer logins. The agent is a script (no model is called) working through the example
    policy's tools: auto, notify, override with undo, approvals (one needing two reviewers), a low-confidence
    escalation, a shadow-mode lane, and a burst of refund emails that trips a breaker. ``--once`` runs the six
    example tasks in the terminal and exits.
    """
    settings = _settings(ctx)
    if once:
        from tether.demo.scenario import run

        run(config=Path(settings.config or "tether.toml"), db=settings.db, console=out)
        return
    from tether.demo.live import serve_demo

    own = settings.config if settings.config_explicit else None
    serve_demo(
        db=settings.db,
        host=host,
        port=port,
        console=out,
        policy_path=Path(own) if own else Path("tether-demo.toml"),
        write_policy=not own,
        run_for=run_for,
        pace=pace,
    )


# -- entry point ---------------------------------------------------------------------------------------------

_EXIT_CODES: list[tuple[type[TetherError], int]] = [
    (ConfigError, 2),
    (UsageError, 2),
    (NotFound, 1),
    (DecisionError, 1),
    (StoreError, 1),
    (TetherError, 1),
]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; Tether errors become one line on stderr and an exit code, never a traceback."""
    run_app(app, argv)


def run_app(application: Callable[..., Any], argv: list[str] | None = None) -> None:
    try:
        application(args=argv, standalone_mode=True)
    except TetherError as exc:
        code = next(code for kind, code in _EXIT_CODES if isinstance(exc, kind))
        err.print(Text(f"error: {exc}"))
        sys.exit(code)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":
    main()
