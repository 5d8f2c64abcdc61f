"""Held actions and the decisions on them: ``pending``, ``show``, ``approve``, ``reject``, ``respond``, ``undo``
and ``resolve``. Every command goes through the control plane, so it is decided once and audited like a
decision from the dashboard."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from tether._json import iso
from tether.cli._app import JsonFlag, app, open_plane, out, print_json, safe, table
from tether.model import Approve, Reject, Respond, Status

if TYPE_CHECKING:
    from tether.model import Action


@app.command()
def pending(
    ctx: typer.Context,
    agent: Annotated[str | None, typer.Option(help="Only this agent's actions.")] = None,
    tool: Annotated[str | None, typer.Option(help="Only this tool's actions.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List actions held for a human decision, most urgent first."""
    with open_plane(ctx) as plane:
        held = plane.pending(agent=agent, tool=tool, limit=1000)
    held.sort(key=lambda a: (a.verdict.urgency.value != "high", a.created_at))
    if as_json:
        from tether.wire import ActionOut

        print_json([ActionOut.of(a).model_dump(mode="json") for a in held])
        return
    if not held:
        out.print("nothing is waiting for a decision")
        return
    rows = table("id", "tool", "agent", "urgency", "held because")
    rows.columns[0].no_wrap = True
    for action in held:
        rows.add_row(
            action.id,
            safe(action.call.tool),
            safe(action.call.agent),
            action.verdict.urgency.value,
            safe(action.verdict.reasons[-1].text if action.verdict.reasons else ""),
        )
    out.print(rows)
    out.print(Text("details: `tether show ID`; decide: `tether approve ID --by NAME` (or reject)"))


@app.command()
def show(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one action and its whole timeline."""
    from tether.wire import ActionOut, EventOut

    with open_plane(ctx) as plane:
        action = plane.get(action_id)
        timeline = plane.timeline(action_id)
    if as_json:
        shown = ActionOut.of(action).model_dump(mode="json")
        print_json({**shown, "timeline": [EventOut.of(e).model_dump(mode="json") for e in timeline]})
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
    fields = table(show_header=False, box=None)
    for key, value in rows:
        fields.add_row(Text(key, style="bold"), safe(value))
    out.print(fields)


def _decision_summary(action: Action) -> dict[str, Any]:
    """The decision as ``--json`` shows it."""
    from tether.wire import ActionOut

    decided = ActionOut.of(action).decision
    return {} if decided is None else decided.model_dump(mode="json")


@app.command()
def approve(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action id.")],
    by: Annotated[str, typer.Option("--by", help="Who approves (the reviewer's name).")],
    note: Annotated[str, typer.Option("--note", help="A note for the record.")] = "",
) -> None:
    """Approve a held action; the agent runs it when it resumes."""
    with open_plane(ctx) as plane:
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
    with open_plane(ctx) as plane:
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
    with open_plane(ctx) as plane:
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
    with open_plane(ctx) as plane:
        action = plane.request_undo(action_id, by=by)
        if critical:
            plane.report_incident(action_id, note=f"undone by {by} as a critical error", by=by)
    if action.status is Status.VETOED:
        out.print(Text(f"vetoed {action.id} ({action.call.tool}); it will not run"))
    else:
        out.print(Text(f"undo of {action.id} ({action.call.tool}) requested; the agent's process runs it"))


@app.command()
def resolve(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="An action left unknown by a crash.")],
    ran: Annotated[bool, typer.Option("--ran/--did-not-run", help="What you found: did it take effect?")],
    by: Annotated[str, typer.Option("--by", help="Who checked.")],
    note: Annotated[str, typer.Option("--note", help="How you know.")] = "",
) -> None:
    """Record what a human found about an action a crash left unknown: it ran, or it did not."""
    with open_plane(ctx) as plane:
        action = plane.resolve_unknown(action_id, ran=ran, by=by, note=note)
    out.print(Text(f"{action.id} is now {action.status.value}"))
