"""``tether secret``: the signing secret for dashboard sessions and email links, kept outside the database.

See ``tether.notify._keys``: every instance, worker and command that signs reads it from ``TETHER_SECRET`` (or the
file ``TETHER_SECRET_FILE`` names); the database keeps only its fingerprint.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import app, err, fail, open_plane

secret_app = typer.Typer(help="The signing secret for sessions and email links (kept outside the database).")
app.add_typer(secret_app, name="secret", no_args_is_help=True)


@secret_app.command("generate")
def secret_generate(
    file: Annotated[
        Path | None, typer.Option("--file", help="Write it to this file (readable by its owner only) instead.")
    ] = None,
) -> None:
    """Make a new signing secret. Give it to every instance, worker and command as TETHER_SECRET, or point
    TETHER_SECRET_FILE at the file."""
    value = secrets.token_urlsafe(48)
    if file is None:
        sys.stdout.write(value + "\n")
        return
    if file.exists():
        fail(f"{file} exists already: a signing secret is not overwritten (remove it first to rotate)", 1)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    err.print(Text(f"wrote a signing secret to {file}; set TETHER_SECRET_FILE={file.resolve()}"))


@secret_app.command("adopt")
def secret_adopt(ctx: typer.Context) -> None:
    """Record the fingerprint of the current TETHER_SECRET in the database, after rotating it: sessions and links
    signed with the old secret stop working, and processes still holding the old one refuse to start."""
    from tether.errors import ConfigError
    from tether.notify._keys import FINGERPRINT, SECRET_ENV, fingerprint, read_secret

    try:
        secret = read_secret(os.environ)
    except ConfigError as exc:
        fail(str(exc), 2)
    if secret is None:
        fail(f"set {SECRET_ENV} (or TETHER_SECRET_FILE) to the new secret first", 2)
    with open_plane(ctx) as plane:
        plane.store.secret(FINGERPRINT, value=fingerprint(secret), replace=True)
    err.print(Text(f"this database now expects the signing secret with fingerprint {fingerprint(secret)[:12]}…"))
