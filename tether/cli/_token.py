"""``tether token``: API tokens for the server. A secret is shown once, when it is made; only its digest is
stored, so a lost token is revoked and replaced, never recovered."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.text import Text

from tether._json import iso
from tether.cli._app import CURRENT_USER, JsonFlag, app, err, open_plane, out, print_json, safe, table

token_app = typer.Typer(help="Create, list and revoke API tokens for the server.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The identity: an agent's id or a reviewer's name.")],
    role: Annotated[str, typer.Option("--role", help="agent, reviewer, viewer or admin.")],
    groups: Annotated[str, typer.Option("--groups", help="Reviewer groups, comma-separated.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who creates it (for the audit log).")] = CURRENT_USER,
    as_json: JsonFlag = False,
) -> None:
    """Create a token. Its secret is printed once: only a digest is stored."""
    from tether.plane._identity import Tokens

    with open_plane(ctx) as plane:
        members = tuple(g.strip() for g in groups.split(",") if g.strip())
        record, secret = Tokens(plane.store, plane.clock).issue(name, role, members, by=by)
    if as_json:
        print_json({"id": record.id, "name": record.name, "role": record.role.value, "token": secret})
        return
    err.print(Text(f"token {record.id} for {record.name} ({record.role.value}); keep it now, it is not shown again:"))
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every token, without its secret."""
    with open_plane(ctx) as plane:
        found = plane.store.list_tokens()
    if as_json:
        from tether.wire import TokenOut

        print_json([TokenOut.of(t).model_dump(mode="json") for t in found])
        return
    rows = table("id", "name", "role", "groups", "created", "revoked")
    for t in found:
        rows.add_row(
            t.id, safe(t.name), t.role.value, safe(",".join(t.groups)), iso(t.created_at), iso(t.revoked_at) or ""
        )
    out.print(rows)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(help="A token id, or a name to revoke all of its tokens.")],
    by: Annotated[str, typer.Option("--by", help="Who revokes it.")] = CURRENT_USER,
) -> None:
    """Revoke tokens at once; requests with them are refused from then on."""
    from tether.plane._identity import Tokens

    with open_plane(ctx) as plane:
        count = Tokens(plane.store, plane.clock).revoke(name_or_id, by=by)
    out.print(Text(f"revoked {count} token(s) matching {name_or_id}"))
