"""Control-flow signals: not errors, but the way a plain function call learns its tool did not run.

When a registered tool is called like a plain function inside ``gate.context(...)``, there is no outcome object
to return, so a call that was held, shadowed, rejected or denied raises ``ToolNotRun`` carrying the outcome.
Catch it to tell the agent (``exc.outcome.to_tool_result()``) or to resume later (``exc.outcome.action_id``).
"""

from __future__ import annotations

from tether.model import Outcome


class ToolNotRun(Exception):
    """The gate did not run the tool (yet); ``outcome`` says why and what happens next."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__(outcome.to_tool_result())
