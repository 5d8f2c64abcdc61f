"""The names other code and the docs rely on are exported, and nothing else sneaks into ``tether``."""

from __future__ import annotations

import tether
from tether import errors


def test_every_public_name_in_design_is_exported() -> None:
    for name in ("Gate", "ToolCall", "Approve", "Edit", "Reject", "Respond", "Policy", "ControlPlane"):
        assert name in tether.__all__
        assert getattr(tether, name) is not None


def test_all_lists_exactly_what_the_package_exports() -> None:
    assert sorted(tether.__all__) == sorted(set(tether.__all__))
    for name in tether.__all__:
        assert hasattr(tether, name), name


def test_every_error_derives_from_tether_error() -> None:
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == "tether.errors":
            assert issubclass(value, tether.TetherError), name


def test_the_error_tree_in_the_docstring_names_every_error() -> None:
    doc = errors.__doc__ or ""
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and value.__module__ == "tether.errors":
            assert name in doc, f"{name} is missing from the tree in tether/errors.py"


def test_tool_not_run_is_a_signal_not_an_error() -> None:
    assert not issubclass(tether.ToolNotRun, tether.TetherError)


def test_every_error_a_connect_user_must_catch_is_exported() -> None:
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception) and value.__module__ == "tether.errors":
            assert name in tether.__all__, f"tether.errors.{name} is not exported from tether"


def test_connect_has_a_typed_signature() -> None:
    import inspect

    signature = inspect.signature(tether.connect)
    assert list(signature.parameters) == ["url", "token", "clock", "poll_interval"]
    assert signature.return_annotation in ("Gate", tether.Gate)
