"""Evidence from people about runs nobody approved: ``tether review`` (sampled runs, right or wrong) and
``tether incident`` (a critical error, which demotes the lane at once)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from tether._json import iso
from tether.cli._app import CURRENT_USER, JsonFlag, app, open_plane, out, pct, print_json, safe, short, table
from tether.errors import UsageError


@app.command()
def incident(
    ctx: typer.Context,
    action_id: Annotated[str, typer.Argument(help="The action that went wrong.")],
    note: Annotated[str, typer.Option("--note", help="What went wrong.")],
    by: Annotated[str, typer.Option("--by", help="Who reports it.")] = CURRENT_USER,
) -> None:
    """Flag a critical error: its lane drops at once to at most approve, and humans are alerted."""
    with open_plane(ctx) as plane:
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
    by: Annotated[str, typer.Option("--by", help="Who reviewed it.")] = CURRENT_USER,
    as_json: JsonFlag = False,
) -> None:
    """Sampled reviews of runs nobody approved: the evidence that keeps a lane at auto.

    Without an ACTION_ID, lists the runs picked for review (autonomy.sample_rate). With one, records your
    verdict; report critical errors with `tether incident` instead.
    """
    with open_plane(ctx) as plane:
        if action_id is None:
            waiting = plane.samples(limit=200)
            if as_json:
                from tether.wire import ActionOut

                print_json([ActionOut.of(a).model_dump(mode="json") for a in waiting])
                return
            if not waiting:
                out.print("no sampled run is waiting for a review")
                return
            runs = table("id", "lane", "ran", "arguments")
            for action in waiting:
                runs.add_row(
                    action.id,
                    safe(action.call.lane),
                    iso(action.updated_at),
                    safe(short(json.dumps(action.call.args))),
                )
            out.print(runs)
            out.print(Text("review one with `tether review ID --ok` or `tether review ID --wrong --note TEXT`"))
            return
        if ok is None:
            raise UsageError("say what you found: --ok or --wrong")
        report = plane.review_run(action_id, ok=ok, note=note, by=by)
    out.print(
        Text(f"review recorded; lane {report.lane} at {report.level.value}, accuracy {pct(report.evidence.accuracy)}")
    )
