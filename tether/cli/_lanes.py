"""``tether lanes``: each agent × tool lane with its level, the evidence for the next step, and promotion and
demotion by hand (promotion only when the evidence supports it)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import CURRENT_USER, JsonFlag, app, fail, open_plane, out, print_json, safe, table
from tether.model import Mode

lanes_app = typer.Typer(
    help="Lanes (agent × tool): their autonomy level, the evidence, promotion and demotion.",
    invoke_without_command=True,
)
app.add_typer(lanes_app, name="lanes")


@lanes_app.callback()
def lanes_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every lane: level, ceiling, cases, accuracy, override rate, days without a critical error, p99 review
    latency, and the next step with what it waits for."""
    if ctx.invoked_subcommand is not None:
        return
    from tether._views import lane_to_dict

    with open_plane(ctx) as plane:
        reports = plane.lanes()
        now = plane.clock.now()
    rows = [lane_to_dict(r, now) for r in reports]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no lanes yet")
        return
    lanes = table("lane", "level", "ceiling", "cases", "accuracy", "undo rate", "days ok", "p99 review", "next")
    for row in rows:
        nxt = row["next"] or "—"
        if row["demote"]:
            nxt = f"demote to {row['next']}"
        elif row["next"] and row["ready"]:
            nxt = f"{row['next']} (ready)"
        elif row["waiting_for"]:
            nxt = f"{nxt}: waits for " + "; ".join(row["waiting_for"])
        p99 = row["review_p99_seconds"]
        lanes.add_row(
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
    out.print(lanes)


@lanes_app.command("promote")
def lanes_promote(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="AGENT/TOOL")],
    by: Annotated[str, typer.Option("--by", help="Who confirms it.")] = CURRENT_USER,
) -> None:
    """Raise a ready lane one level (the evidence must support it)."""
    with open_plane(ctx) as plane:
        report = plane.promote(lane, by=by)
    out.print(Text(f"{lane} is now at {report.level.value}"))


@lanes_app.command("demote")
def lanes_demote(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="AGENT/TOOL")],
    by: Annotated[str, typer.Option("--by", help="Who decides it.")] = CURRENT_USER,
    to: Annotated[
        str | None, typer.Option("--to", help="shadow, approve or override (default: one level down)")
    ] = None,
) -> None:
    """Lower a lane's autonomy, one level or to a given one."""
    try:
        target = Mode(to) if to else None
    except ValueError:
        fail(f"--to {to!r} is not a level: use shadow, approve or override", 2)
    with open_plane(ctx) as plane:
        report = plane.demote(lane, by=by, to=target)
    out.print(Text(f"{lane} is now at {report.level.value}"))
