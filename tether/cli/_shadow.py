"""``tether shadow``: what the human process really did, paired with the agent's proposal for the same subject,
and the report that says how often they agreed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import JsonFlag, app, json_object, open_plane, out, print_json, safe, table

shadow_app = typer.Typer(
    help="Shadow mode: record what humans did, compare with the agent, report.", no_args_is_help=True
)
app.add_typer(shadow_app, name="shadow")


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
    from tether.wire import ShadowCaseOut

    parsed = json_object(args, "--args")
    with open_plane(ctx) as plane:
        case = plane.record_human(subject, tool=tool, args=parsed, by=by)
    if as_json:
        print_json(ShadowCaseOut.of(case).model_dump(mode="json"))
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
    from tether._views import stats_to_dict

    with open_plane(ctx) as plane:
        rows = plane.shadow_report(by="tool" if by_tool else "lane", lane=lane)
    if as_json:
        print_json([stats_to_dict(row) for row in rows])
        return
    if not rows:
        out.print("no compared shadow cases yet")
        return
    report = table("tool" if by_tool else "lane", "cases", "agreement", "false +", "false −", "mismatch", "edge cases")
    for row in rows:
        rate = "" if row.agreement is None else f"{row.agreement:.1%}"
        report.add_row(
            safe(row.key),
            str(row.cases),
            rate,
            str(row.false_positives),
            str(row.false_negatives),
            str(row.mismatches),
            str(len(row.edge_cases)),
        )
    out.print(report)
    for row in rows:
        for case in row.edge_cases[:20]:
            out.print(
                Text(f"  {row.key} {case.subject}: {case.result.value if case.result else '?'} — ")
                + safe(case.detail or "")
            )
