"""docs/policy.md documents every key the policy accepts, and only those.

The keys come from the pydantic models that validate ``tether.toml`` (``tether.policy._config`` and ``_notify``),
walked recursively: a table's own keys are ``section.key``, a table of named entries is ``tools.<name>.risk``, an
array of tables is ``rules[].id``, and a channel's keys are the union over its types. The page's key tables list
keys in the first column, in backticks, and may write a name of the user's choosing as ``<name>`` and a choice of
literal segments as ``<yes|partial|no>``. Adding a key to a model without documenting it fails here, and so does
documenting a key the models refuse.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel

from tether.policy import PolicyConfig

PAGE = Path(__file__).parents[2] / "docs" / "policy.md"
KEY_CELL = re.compile(r"^\|\s*`([a-z_][^`]*)`\s*\|", re.MULTILINE)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold (through Optional, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def _container(annotation: Any) -> tuple[str, Any] | None:
    """``("<name>", value type)`` for a table of named entries, ``("[]", item type)`` for an array of tables."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _container(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found = [c for arg in typing.get_args(annotation) if (c := _container(arg))]
        return found[0] if found else None
    if origin is dict:
        return "<name>", typing.get_args(annotation)[1]
    if origin in (list, tuple):
        return "[]", typing.get_args(annotation)[0]
    return None


def accepted_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _models_in(field.annotation)
        container = _container(field.annotation)
        if nested:
            for inner in nested:
                keys |= accepted_keys(inner, f"{path}.")
        elif container and _models_in(container[1]):
            step = f".{container[0]}." if container[0] == "<name>" else "[]."
            for inner in _models_in(container[1]):
                keys |= accepted_keys(inner, f"{path}{step}")
        else:
            keys.add(path)
    return keys


def documented_keys() -> set[str]:
    return set(KEY_CELL.findall(PAGE.read_text(encoding="utf-8")))


def _pattern(documented: str) -> re.Pattern[str]:
    """A documented key as a regex over accepted keys: ``<a|b>`` is a choice, any other ``<...>`` one segment."""
    out = ""
    for part in re.split(r"(<[^>]+>)", documented.replace("\\|", "|")):
        if part.startswith("<") and "|" in part:
            out += "(?:" + "|".join(re.escape(choice) for choice in part[1:-1].split("|")) + ")"
        elif part.startswith("<"):
            out += r"(?:<name>|[^.\[\]]+)"
        else:
            out += re.escape(part)
    return re.compile(out)


ACCEPTED = accepted_keys(PolicyConfig)


def test_the_walk_sees_keys_of_every_shape() -> None:
    assert {"version", "defaults.unknown_tool", "tools.<name>.risk", "rules[].when", "matrix.critical.locked"} <= (
        ACCEPTED
    )
    assert {"notify.channels.<name>.url", "notify.channels.<name>.smtp", "notify.routes[].escalate_to"} <= ACCEPTED


def test_every_key_the_policy_accepts_is_documented() -> None:
    patterns = [_pattern(key) for key in documented_keys()]
    missing = sorted(key for key in ACCEPTED if not any(p.fullmatch(key) for p in patterns))
    assert not missing, f"docs/policy.md does not document: {missing}"


def test_every_documented_key_is_accepted_by_the_policy() -> None:
    unknown = sorted(key for key in documented_keys() if not any(_pattern(key).fullmatch(a) for a in ACCEPTED))
    assert not unknown, f"docs/policy.md documents keys the policy refuses: {unknown}"
