"""``tether breaker``: the breakers blast-radius limits open, and closing them by hand.

While a lane's breaker is open every call on it is held; only a person closes it, so that a burst is looked at
before the agent may go on.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from tether._json import iso
from tether.cli._app import CURRENT_USER, JsonFlag, app, open_plane, out, print_json, safe, table

breaker_app = typer.Typer(help="See and close the breakers opened by blast-radius limits.", no_args_is_help=True)
app.add_typer(breaker_app, name="breaker")


@breaker_app.command("list")
def breaker_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Open breakers: lanes whose calls are all held until a human closes them."""
    with open_plane(ctx) as plane:
        open_breakers = plane.breakers()
    if as_json:
        from tether.wire import BreakerOut

        print_json([BreakerOut.of(b).model_dump(mode="json") for b in open_breakers])
        return
    if not open_breakers:
        out.print("no breaker is open")
        return
    rows = table("lane", "limit", "opened")
    for b in open_breakers:
        rows.add_row(safe(f"{b.agent}/{b.tool}"), safe(b.limit), iso(b.opened_at) or "")
    out.print(rows)


@breaker_app.command("close")
def breaker_close(
    ctx: typer.Context,
    lane: Annotated[str, typer.Argument(help="The lane, written AGENT/TOOL.")],
    by: Annotated[str, typer.Option("--by", help="Who closes it.")] = CURRENT_USER,
) -> None:
    """Close a lane's breaker so its calls are judged by the policy again."""
    with open_plane(ctx) as plane:
        plane.close_breaker(lane, by=by)
    out.print(Text(f"closed the breaker of {lane}"))
