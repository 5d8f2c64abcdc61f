"""Runs a page's blocks as a reader would: in order, in one empty directory, in one shell session.

- ``sh`` blocks run in bash (``set -euo pipefail``) with the project's ``tether`` first on ``PATH`` and ``.venv``
  linked into the directory, so ``tether …`` and ``.venv/bin/tether …`` both work. Variables a block sets (``ID=$(…)``)
  are kept for the next block, as in one terminal. ``curl`` fails on an HTTP error status, so a walk-through whose
  request is refused fails here instead of printing an error nobody reads.
- A ``tether serve`` line starts the server in the background (the reader's second terminal) and the run goes on
  once it accepts connections; it is stopped when the page is done.
- A ``pip install`` line is checked, not run (no network in tests): every ``tether[extra]`` it names is an extra of
  the package, and every other package is installed by the dev dependencies.
- ``python`` blocks run in this process, in one namespace per page (a later block uses what an earlier one defined),
  with the shell session's variables as the environment.

The one change to what is printed: a page's ``127.0.0.1:8700`` and ``--port 8700`` become a free port, so the run
neither needs 8700 nor collides with a demo or another test worker.
"""

from __future__ import annotations

import importlib.metadata
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from waiting import wait_until

from docs.blocks import ROOT, Block

VENV_BIN = Path(sys.executable).parent
DOC_PORT = "8700"
SHELL_PRELUDE = """set -euo pipefail
set -a
curl() { command curl --fail-with-body --max-time 60 "$@"; }
"""


class BlockFailed(AssertionError):
    """A block did not run as printed; the message names the page and line."""


def _fresh_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


class PageSession:
    """One reader working through one page."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.env = _fresh_env()
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.servers: list[subprocess.Popen[str]] = []
        (workdir / ".venv").symlink_to(ROOT / ".venv")

    def printed(self, text: str) -> str:
        """The block's text with the documented port replaced by this session's."""
        text = text.replace(f"127.0.0.1:{DOC_PORT}", f"127.0.0.1:{self.port}")
        return text.replace(f"--port {DOC_PORT}", f"--port {self.port}")

    def run(self, block: Block) -> None:
        if block.lang == "python":
            self.python(block)
        elif block.lang == "sh":
            self.shell(block)
        else:
            raise BlockFailed(f"{block.where}: the harness does not run {block.lang!r} blocks")

    def shell(self, block: Block) -> None:
        pending: list[str] = []
        for line in self.printed(block.text).split("\n"):
            command = line.split("#", 1)[0].strip()
            if command.startswith("pip install "):
                self._flush(block, pending)
                self._check_install(block, command)
            elif command.startswith("tether serve"):
                self._flush(block, pending)
                self._serve(block, command)
            else:
                pending.append(line)
        self._flush(block, pending)

    def _flush(self, block: Block, lines: list[str]) -> None:
        script = "\n".join(lines).strip()
        lines.clear()
        if not script:
            return
        state = self.workdir / ".docs-session-env"
        done = subprocess.run(
            ["bash", "-c", f"{SHELL_PRELUDE}{script}\nenv -0 > {shlex.quote(str(state))}\n"],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise BlockFailed(
                f"{block.where}: the block failed (exit {done.returncode}):\n{script}\n"
                f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
            )
        self.env = dict(item.split("=", 1) for item in state.read_text().split("\0") if "=" in item)

    def _check_install(self, block: Block, command: str) -> None:
        extras = set(importlib.metadata.metadata("tether").get_all("Provides-Extra") or [])
        for spec in shlex.split(command)[2:]:
            if spec.startswith("-"):
                continue
            name, _, wanted = spec.partition("[")
            if name == "tether":
                unknown = {e.strip() for e in wanted.rstrip("]").split(",") if e.strip()} - extras
                if unknown:
                    raise BlockFailed(f"{block.where}: tether has no extra {sorted(unknown)} (it has {sorted(extras)})")
            else:
                try:
                    importlib.metadata.distribution(name)
                except importlib.metadata.PackageNotFoundError:
                    raise BlockFailed(f"{block.where}: {name} is not among the dev dependencies") from None

    def _serve(self, block: Block, command: str) -> None:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.servers.append(server)

        def up() -> bool:
            if server.poll() is not None:
                output = server.stdout.read() if server.stdout else ""
                raise BlockFailed(f"{block.where}: {command!r} exited with {server.returncode}:\n{output}")
            return _accepts(self.port)

        wait_until(up, timeout=60, message=f"{block.where}: {command!r} never accepted connections")

    def python(self, block: Block) -> None:
        code = compile(self.printed(block.text), block.where, "exec")
        with _environment(self.env), _cwd(self.workdir):
            exec(code, self.namespace)

    def close(self) -> None:
        for value in list(self.namespace.values()):
            close = getattr(value, "close", None)
            if callable(close) and type(value).__module__.startswith("tether"):
                close()
        for server in self.servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if server.stdout:
                server.stdout.close()


def _accepts(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)
