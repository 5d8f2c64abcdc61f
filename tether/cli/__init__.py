"""The ``tether`` command: tables for people, ``--json`` for programs.

One module per command group, each registering its commands on the root app of ``_app`` when imported:

- ``_policy``: ``init``, ``policy check``, ``policy explain``
- ``_actions``: ``pending``, ``show``, ``approve``, ``reject``, ``respond``, ``undo``, ``resolve``
- ``_review``: ``incident``, ``review`` (evidence about runs nobody approved)
- ``_serve``, ``_mcp``, ``_demo``: ``serve``, ``mcp-gateway``, ``demo``
- ``_audit``, ``_breaker``, ``_token``, ``_shadow``, ``_lanes``, ``_outbox``, ``_secret``: the groups of those names

Exit codes: 0 success; 1 a check failed or a thing was not found (or a decision lost its race); 2 bad usage or
configuration.
"""

from __future__ import annotations

from importlib import import_module

from tether.cli._app import app, run_app

# Each module registers its commands on ``app`` when imported: root commands first, then the groups, in the order
# ``tether --help`` lists them.
for _module in ("_policy", "_actions", "_review", "_serve", "_mcp", "_demo"):
    import_module(f"tether.cli.{_module}")
for _module in ("_audit", "_breaker", "_token", "_shadow", "_lanes", "_outbox", "_secret"):
    import_module(f"tether.cli.{_module}")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; Tether errors become one line on stderr and an exit code, never a traceback."""
    run_app(app, argv)


__all__ = ["app", "main"]
