"""``tether outbox``: notification deliveries waiting, sent and dead, with a retry for dead letters and one
pass of the delivery worker for deployments that run no server."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import JsonFlag, app, open_plane, out, print_json, safe, table
from tether.errors import UsageError

outbox_app = typer.Typer(help="Notifications waiting, sent and dead; retry dead letters.", invoke_without_command=True)
app.add_typer(outbox_app, name="outbox")


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
    from tether._views import DELIVERY_STATUSES, delivery_to_dict

    if status is not None and status not in DELIVERY_STATUSES:
        raise UsageError(f"--status {status!r}: use one of {', '.join(DELIVERY_STATUSES)}")
    with open_plane(ctx) as plane:
        found = plane.store.outbox_list(status=status, limit=limit)
    if as_json:
        print_json([delivery_to_dict(d) for d in found])
        return
    if not found:
        out.print("no deliveries" + (f" with status {status}" if status else ""))
        return
    rows = table("id", "event", "channel", "to", "status", "attempts", "last error")
    for d in found:
        rows.add_row(
            d.id, d.kind, safe(d.channel), safe(d.recipient or ""), d.status, str(d.attempts), safe(d.last_error or "")
        )
    out.print(rows)


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context, delivery_id: Annotated[str, typer.Argument(help="A dead delivery's id.")]) -> None:
    """Queue a dead (or skipped) delivery again, due now, with its attempts reset."""
    with open_plane(ctx) as plane:
        again = plane.store.outbox_retry(delivery_id, now=plane.clock.now())
    out.print(Text(f"delivery {again.id} to {again.channel} queued again"))


@outbox_app.command("deliver")
def outbox_deliver(ctx: typer.Context) -> None:
    """One pass of the outbox worker: queue new notifications, send what is due (the server does this itself)."""
    from tether.notify._outbox import Outbox

    with open_plane(ctx) as plane:
        added, sent = Outbox(plane, env=os.environ).run_once()
    out.print(Text(f"queued {added}, sent {sent}"))
