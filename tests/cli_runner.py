"""The ``tether`` command run in-process with Typer's runner: the real app, the real SQLite file and policy files,
the same exit codes and output, without starting a Python process per command (about a second each).

Tests of the process itself (the console script, environment variables, serving, signals) start real processes;
this module is for everything a command does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from tether.cli import app
from tether.cli._app import err, out


@dataclass(frozen=True)
class Ran:
    """What a command left behind, named as ``subprocess.CompletedProcess`` names it."""

    returncode: int
    stdout: str
    stderr: str


def tether(cwd: Path, *args: str, env: dict[str, str] | None = None, width: int = 200) -> Ran:
    """Run ``tether ARGS`` in ``cwd`` with TETHER_CONFIG and TETHER_DB unset unless ``env`` sets them, on a
    terminal ``width`` columns wide."""
    environment: dict[str, str | None] = {
        "COLUMNS": str(width),
        "TETHER_CONFIG": None,
        "TETHER_DB": None,
        **(env or {}),
    }
    for console in (out, err):  # made at import, when they read COLUMNS (pytest-xdist's workers have 80)
        console.width = width
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, list(args), env=environment, prog_name="tether")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash in the command is a test failure with its traceback, not an exit code
    return Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)
