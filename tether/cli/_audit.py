"""``tether audit``: read, verify and export the hash-chained audit log, and export its head as an anchor."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from tether.cli._app import JsonFlag, app, err, fail, open_plane, out, print_json, safe, table

if TYPE_CHECKING:
    from tether.audit import Anchor

audit_app = typer.Typer(help="Read, verify and export the hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("tail")
def audit_tail(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("-n", "--count", min=1, help="How many events.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """The newest events of the audit log."""
    with open_plane(ctx) as plane:
        events = plane.store.audit_tail(count)
    if as_json:
        from tether.wire import EventOut

        print_json([EventOut.of(e).model_dump(mode="json") for e in events])
        return
    rows = table("seq", "at", "actor", "kind", "action", "hash")
    for e in events:
        rows.add_row(str(e.seq), e.at, safe(e.actor), e.kind, e.action_id or "", e.hash[:12])
    out.print(rows)


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
    with open_plane(ctx) as plane:
        result = plane.verify(parsed)
    if as_json:
        from tether.wire import VerificationOut

        print_json(VerificationOut.of(result).model_dump(mode="json"))
    else:
        (out if result.ok else err).print(Text(str(result)))
    if not result.ok:
        raise typer.Exit(1)


def _read_anchor(value: str) -> Anchor:
    """An anchor given as JSON or as the file holding it; exit 2 if it is neither."""
    from tether.audit import Anchor

    text = value
    if not value.lstrip().startswith("{"):
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"cannot read the anchor file {value}: {exc.strerror}", 2)
    try:
        return Anchor.from_json(text)
    except ValueError as exc:
        fail(f"--anchor: {exc}", 2)


@audit_app.command("head")
def audit_head(ctx: typer.Context) -> None:
    """Print the head as an anchor (JSON). Keep it elsewhere; `audit verify --anchor` then detects truncation."""
    with open_plane(ctx) as plane:
        head = plane.audit_head()
    sys.stdout.write(head.to_json() + "\n")


@audit_app.command("export")
def audit_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    after: Annotated[int, typer.Option("--after", min=0, help="Only events after this sequence number.")] = 0,
) -> None:
    """Export the audit log as JSON Lines, one event per line, in chain order."""
    with open_plane(ctx) as plane:
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
