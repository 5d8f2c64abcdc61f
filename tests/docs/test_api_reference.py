"""docs/api.md documents the Python API as the code defines it, in both directions.

The page gives each documented name a ``###`` heading whose first code span is the name, optionally with its
signature: ``Gate.call(call, *, wait=None)``, ``Executed(*, action_id, result=None, window_ends_at=None)``,
``tether.connect(url, token, ...)``, ``StoreError``. From that:

- every public method and property of ``Gate``, ``tether.connect``, every outcome, every decision and every error
  (the ``TetherError`` tree and ``ToolNotRun``) has a heading;
- every parameter of a documented callable, and every field of an outcome or decision, is named in its section;
- a signature written in a heading names exactly the real parameters, and every heading names something that
  exists. So renaming, adding or removing any of these on either side fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tether
import tether.errors
from tether import Gate

PAGE = Path(__file__).parents[2] / "docs" / "api.md"
HEADING = re.compile(r"^(#{2,3}) (.*)$", re.MULTILINE)
NAMED = re.compile(r"^`([A-Za-z_][\w.]*)(?:\((.*)\))?`")


def _sections() -> dict[str, tuple[str | None, str]]:
    """Documented name -> (the signature written in its heading, or None; the section's text)."""
    text = PAGE.read_text(encoding="utf-8")
    headings = list(HEADING.finditer(text))
    found: dict[str, tuple[str | None, str]] = {}
    for i, heading in enumerate(headings):
        named = NAMED.match(heading.group(2))
        if heading.group(1) != "###" or named is None:
            continue
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        assert named.group(1) not in found, f"{named.group(1)} has two sections"
        found[named.group(1)] = (named.group(2), text[heading.end() : end])
    return found


SECTIONS = _sections()
OUTCOMES = {cls.__name__: cls for cls in typing.get_args(tether.Outcome)}
DECISIONS = {cls.__name__: cls for cls in typing.get_args(tether.Decision)}
ERRORS = {
    name: obj
    for module in (tether, tether.errors)
    for name, obj in vars(module).items()
    if isinstance(obj, type) and issubclass(obj, tether.TetherError)
}
GATE_MEMBERS = sorted(name for name in dir(Gate) if not name.startswith("_"))


def _connect() -> Callable[..., Any]:
    """What ``tether.connect`` really takes: while its public face forwards ``**options``, the client's own."""
    signature = inspect.signature(tether.connect)
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        from tether.agent._remote import connect

        return connect
    return tether.connect


def _resolve(name: str) -> Any:
    """The object a documented name stands for, or None if it does not exist."""
    if name == "tether.connect":
        return _connect()
    if name.startswith("Gate."):
        member = name.removeprefix("Gate.")
        return inspect.getattr_static(Gate, member, None) if not member.startswith("_") else None
    if name in ERRORS:
        return ERRORS[name]
    return getattr(tether, name, None) if name in tether.__all__ else None


def _parameters(obj: Any) -> list[str]:
    """Named parameters a user passes (no self, no *args/**kwargs, no dataclass ``kind`` tags)."""
    if isinstance(obj, property):
        return []
    if isinstance(obj, classmethod | staticmethod):
        obj = obj.__func__
    target = obj.__init__ if isinstance(obj, type) and not dataclasses.is_dataclass(obj) else obj
    if isinstance(obj, type) and target is BaseException.__init__:
        return []
    skip = {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}
    names = [p.name for p in inspect.signature(target).parameters.values() if p.kind not in skip]
    return [n for n in names if n not in ("self", "cls", "kind")]


def _written(signature: str) -> list[str]:
    """Parameter names of a signature as written in a heading (defaults may hold commas, brackets, quotes)."""
    parts, depth, quote, current = [], 0, "", ""
    for char in signature:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    names = [re.split(r"[=:]", part)[0].strip().lstrip("*") for part in parts]
    return [n for n in names if n and n not in ("/", "...")]


REQUIRED = [
    "Gate",
    *(f"Gate.{name}" for name in GATE_MEMBERS),
    "tether.connect",
    "ToolCall",
    *OUTCOMES,
    *DECISIONS,
    *ERRORS,
    "ToolNotRun",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_every_public_name_has_a_section(name: str) -> None:
    assert name in SECTIONS, f"docs/api.md has no `### {name}` section"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_documented_name_exists(name: str) -> None:
    assert _resolve(name) is not None, f"docs/api.md documents {name}, which the code does not define"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_a_signature_in_a_heading_names_the_real_parameters(name: str) -> None:
    written, _ = SECTIONS[name]
    obj = _resolve(name)
    if written is None or obj is None:
        return  # no signature written, or reported by test_every_documented_name_exists
    assert _written(written) == _parameters(obj), f"the heading of {name} does not match its signature"


@pytest.mark.parametrize("name", ["Gate", *(f"Gate.{m}" for m in GATE_MEMBERS), "tether.connect"])
def test_every_parameter_of_the_gate_and_connect_is_explained_in_its_section(name: str) -> None:
    _, body = SECTIONS[name]
    obj = Gate if name == "Gate" else _resolve(name)
    missing = [p for p in _parameters(obj) if f"`{p}`" not in body]
    assert not missing, f"the section of {name} does not mention {missing}"


@pytest.mark.parametrize("name", [*OUTCOMES, *DECISIONS])
def test_every_field_of_an_outcome_or_decision_is_in_its_section(name: str) -> None:
    heading, body = SECTIONS[name]
    fields = [f.name for f in dataclasses.fields({**OUTCOMES, **DECISIONS}[name]) if f.name != "kind"]
    missing = [f for f in fields if f not in _written(heading or "") and f"`{f}`" not in body]
    assert not missing, f"the section of {name} does not mention {missing}"


def test_the_outcomes_say_what_the_model_is_told() -> None:
    for name in OUTCOMES:
        assert hasattr(OUTCOMES[name], "to_tool_result")
    intro = PAGE.read_text(encoding="utf-8").split("## Outcomes", 1)[1].split("###", 1)[0]
    assert "`to_tool_result()`" in intro
    assert "`kind`" in intro


def test_the_error_tree_on_the_page_is_the_one_in_the_code() -> None:
    doc = tether.errors.__doc__ or ""
    drawn = [line.strip().replace("``", "") for line in doc[doc.index("TetherError\n") :].splitlines()]
    tree = drawn[: drawn.index("")]
    page = [line.strip() for line in PAGE.read_text(encoding="utf-8").splitlines()]
    start = page.index("TetherError")
    assert page[start : start + len(tree)] == tree
