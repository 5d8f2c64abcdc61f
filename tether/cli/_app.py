"""The root ``tether`` app, its global options, and what every command group shares.

Exit codes: 0 success; 1 a check failed or a thing was not found (or a decision lost its race); 2 bad usage
or configuration. A user mistake never prints a traceback. Text that came from agents is shown as plain text
(no Rich markup, no terminal control characters), because it is untrusted.

The control plane, the policy, Rich's tables, the server and the integrations are imported by the commands that
use them, so that ``tether --help`` or ``tether init`` does not pay for what it never touches.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from tether._display import visible
from tether.errors import ConfigError, DecisionError, NotFound, StoreError, TetherError, UsageError
from tether.store import DEFAULT_URL

if TYPE_CHECKING:
    from rich.table import Table
    from typer import _click as click  # the Click that Typer carries (its Context type)

    from tether.plane import ControlPlane
    from tether.policy import Policy


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Root(TyperGroup):
    """The root command: a Tether error from any command ends it with one line on stderr and its exit code, so the
    app behaves the same run as ``tether``, embedded, or in-process under Typer's test runner."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TetherError as exc:
            err.print(Text(f"error: {exc}"))
            raise typer.Exit(exit_code(exc)) from None


app = typer.Typer(
    cls=_Root,
    help="Tether: a human-in-the-loop control plane for AI agents. "
    "Exit codes: 0 success; 1 it could not be done (a check failed, not found, a decision refused, the store "
    "failed); 2 bad usage or configuration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

# Who a change is recorded under when --by is not given.
CURRENT_USER = os.environ.get("USER", "cli")


@dataclass
class Settings:
    """The global options, kept on the root context so every command of every group reads the same ones."""

    config: str | None
    config_explicit: bool
    db: str
    db_explicit: bool = False  # --db or TETHER_DB given (the demo keeps its own store otherwise)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option("--config", "-c", envvar="TETHER_CONFIG", help="Policy file (default: ./tether.toml)."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="TETHER_DB", help=f"Store URL: sqlite:///file.db, postgresql://… (default: {DEFAULT_URL})."
        ),
    ] = None,
) -> None:
    ctx.obj = Settings(
        config=config or "tether.toml", config_explicit=config is not None, db=db or DEFAULT_URL, db_explicit=bool(db)
    )


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def load_policy(settings: Settings, *, required: bool = False) -> Policy:
    """The configured policy; without a file of its own (and none asked for), the default policy."""
    from pathlib import Path

    from tether.policy import Policy

    path = Path(settings.config or "tether.toml")
    if not path.exists() and not settings.config_explicit and not required:
        return Policy.default()
    return Policy.from_file(path)


@contextmanager
def open_plane(ctx: typer.Context, *, policy_required: bool = False) -> Iterator[ControlPlane]:
    """The control plane on the configured store, with due timers fired first, so that what the CLI shows and
    decides is current even when no agent or server has run for a while (a read-only store is shown as it is)."""
    from tether.plane import ControlPlane
    from tether.store import open_store

    settings = settings_of(ctx)
    plane = ControlPlane(load_policy(settings, required=policy_required), open_store(settings.db))
    try:
        if getattr(plane.store, "read_only", False):  # an archive, a read-only copy: show it exactly as stored
            err.print(Text(f"note: {settings.db} is read-only: shown as stored, due timers not fired", style="dim"))
        else:
            plane.sweep()
        yield plane
    finally:
        plane.store.close()


def fail(message: str, code: int) -> NoReturn:
    err.print(Text(f"error: {message}"))
    raise typer.Exit(code)


def safe(value: object) -> Text:
    """Untrusted text as a Rich Text: never parsed as markup; control, direction and invisible characters shown
    as their code points (``tether._display``), as in the dashboard and messages."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return Text(visible(text))


def json_object(text: str, option: str) -> dict[str, Any]:
    """A JSON object given on the command line, or exit 2 saying what is wrong with it."""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{option} is not valid JSON: {exc.msg} at column {exc.colno}", 2)
    if not isinstance(parsed, dict):
        fail(f"{option} must be a JSON object, e.g. '{{\"amount\": 50}}'", 2)
    return parsed


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


# -- entry point ---------------------------------------------------------------------------------------------

_EXIT_CODES: list[tuple[type[TetherError], int]] = [
    (ConfigError, 2),
    (UsageError, 2),
    (NotFound, 1),
    (DecisionError, 1),
    (StoreError, 1),
    (TetherError, 1),
]


def exit_code(exc: TetherError) -> int:
    """The exit code a Tether error ends the command with."""
    return next(code for kind, code in _EXIT_CODES if isinstance(exc, kind))


def run_app(application: Callable[..., Any], argv: list[str] | None = None) -> None:
    """Run a Typer app; Tether errors become one line on stderr and an exit code, never a traceback (the root
    command maps the errors of its commands already; this also covers what fails around them)."""
    try:
        application(args=argv, standalone_mode=True)
    except TetherError as exc:
        err.print(Text(f"error: {exc}"))
        sys.exit(exit_code(exc))


def table(*headers: str, **options: Any) -> Table:
    """A table that fits the terminal (imported on first use: most commands print one, ``--help`` and ``--json``
    do not): whole columns when they fit, one block per row when they do not (``tether.cli._table``)."""
    from tether.cli._table import FittingTable

    return FittingTable(*headers, **options)
