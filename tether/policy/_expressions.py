"""CEL conditions over a tool call: compiled once when the policy loads, evaluated per call.

The activation a condition sees is the call itself: ``tool``, ``args``, ``agent``, ``thread``, ``subject``,
``reasoning`` and ``confidence`` (``null`` when the agent gave none).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from pathlib import Path
from types import ModuleType
from typing import Any

from tether.errors import ConfigError
from tether.model import ToolCall

_POSITION = re.compile(r"<input>:(\d+):(\d+): (.*)")


class Expression:
    """One compiled CEL expression and where it came from, for error messages."""

    __slots__ = ("_program", "_variables", "key", "source")

    def __init__(self, source: str, *, file: str, key: str) -> None:
        self.source = source
        self.key = key
        try:
            self._program = _cel().compile(source)
        except (ValueError, RuntimeError) as exc:
            raise ConfigError(_explain_syntax_error(source, str(exc)), file=file, key=key) from None
        # Only the names an expression reads are handed to CEL: converting the whole call (reasoning text and
        # all) on every evaluation would cost more than the evaluation itself.
        self._variables = tuple(self._program.variables())
        unknown = [name for name in self._variables if name not in VARIABLES]
        if unknown:
            raise ConfigError(
                f"unknown name {unknown[0]!r} in {source!r}; a condition can use {', '.join(VARIABLES)} "
                f"(arguments are args.NAME)",
                file=file,
                key=key,
            )

    def evaluate(self, activation: dict[str, Any]) -> Any:
        """Evaluate; any failure (missing field, wrong types) raises ExpressionFailed with the reason."""
        try:
            return self._program.execute({name: activation[name] for name in self._variables})
        except Exception as exc:
            raise ExpressionFailed(f"{self.source!r} failed: {_first_line(exc)}") from None


def _cel() -> ModuleType:
    """The CEL engine, loaded when the first condition is compiled.

    ``import cel`` also imports the package's interactive REPL (prompt_toolkit, pygments, rich.syntax): about 0.3 s,
    paid by every ``tether`` command and agent process whose policy has a condition, against ~15 ms for the
    compiled engine (``cel.cel``) that ``compile`` and ``execute`` come from. So the engine is loaded on its own,
    under its own name, where the package finds it if something imports the package later (a PyO3 module must not
    be initialised twice). If the package is imported already, or its wheel is laid out otherwise, this is just
    ``import cel``.
    """
    with _LOADING:
        if "cel" in sys.modules:
            return sys.modules["cel"]
        engine = sys.modules.get("cel.cel") or _load_engine()
        if engine is not None:
            return engine
        import cel

        return cel


_LOADING = threading.Lock()


def _load_engine() -> ModuleType | None:
    package = importlib.util.find_spec("cel")  # finds the package without importing it
    folders = (package.submodule_search_locations or []) if package else []
    for path in (Path(folder) / f"cel{suffix}" for folder in folders for suffix in EXTENSION_SUFFIXES):
        if path.is_file():
            loader = ExtensionFileLoader("cel.cel", str(path))
            spec = importlib.util.spec_from_file_location("cel.cel", path, loader=loader)
            if spec is None:
                return None
            engine = importlib.util.module_from_spec(spec)
            sys.modules["cel.cel"] = engine
            try:
                loader.exec_module(engine)
            except ImportError:
                del sys.modules["cel.cel"]
                return None
            return engine
    return None


class ExpressionFailed(Exception):
    """A condition could not be evaluated for this call; the policy fails closed on it."""


VARIABLES = ("tool", "args", "agent", "thread", "subject", "reasoning", "confidence")


def activation(call: ToolCall) -> dict[str, Any]:
    return {
        "tool": call.tool,
        "args": call.args,
        "agent": call.agent,
        "thread": call.thread,
        "subject": call.subject,
        "reasoning": call.reasoning,
        "confidence": call.confidence,
    }


def _explain_syntax_error(source: str, message: str) -> str:
    match = _POSITION.search(message)
    if match is None:
        return f"invalid CEL expression {source!r}: {_first_line(message)}"
    line, column, what = match.groups()
    return f"invalid CEL expression {source!r} at line {line}, column {column}: {what.strip()}"


def _first_line(error: object) -> str:
    text = str(error) if not isinstance(error, KeyError) else f"no field {error.args[0]!r}"
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__
