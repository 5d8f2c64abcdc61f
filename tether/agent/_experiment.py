"""Experiments in code, in laboratory's vocabulary: when the existing process is code, run it as the *control*
(what counts) and the agent as the *candidate* (observed only), and publish both to the shadow records.

    exp = Experiment(gate, agent="refund-bot")
    exp.control(existing_refund_logic, ticket)      # returns Proposal(...) or None, and is what the caller gets
    exp.candidate(agent_refund_logic, ticket)       # never affects the caller: its exceptions are captured
    proposal = exp.conduct(subject=ticket.id)

Both sides return a ``Proposal`` (the tool and arguments they would use) or ``None`` (no action). The control
always runs and its result (or exception) is the caller's; the candidate's result, exception and timing are
recorded; publishing never breaks the caller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tether.errors import UsageError
from tether.model import ShadowCase
from tether.plane._api import PlaneAPI

log = logging.getLogger("tether.agent._experiment")


@dataclass(frozen=True, slots=True)
class Proposal:
    """What one side would do: a tool and its arguments."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Observation:
    """What the candidate did in one trial."""

    proposal: Proposal | None
    error: str | None
    seconds: float


class Experiment:
    def __init__(self, gate: Any, *, agent: str, name: str | None = None, human: str | None = None) -> None:
        self.plane: PlaneAPI = gate.plane
        self.agent = agent
        self.name = name or agent
        self.human = human or f"control:{self.name}"
        self._control: tuple[Callable[..., Proposal | None], tuple[Any, ...], dict[str, Any]] | None = None
        self._candidate: tuple[Callable[..., Proposal | None], tuple[Any, ...], dict[str, Any]] | None = None
        self.last: Observation | None = None
        self.published: ShadowCase | None = None

    def control(self, fn: Callable[..., Proposal | None], *args: Any, **kwargs: Any) -> None:
        self._control = (fn, args, kwargs)

    def candidate(self, fn: Callable[..., Proposal | None], *args: Any, **kwargs: Any) -> None:
        self._candidate = (fn, args, kwargs)

    def conduct(self, *, subject: str) -> Proposal | None:
        """Run both, publish, and return the control's result (raising the control's exception, if any)."""
        if self._control is None or self._candidate is None:
            raise UsageError("an experiment needs a control and a candidate before it is conducted")
        observation = _observe(*self._candidate)
        self.last = observation
        fn, args, kwargs = self._control
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._publish(subject, observation, human=None, human_failed=True)
            raise
        self._publish(subject, observation, human=result, human_failed=False)
        return result

    def _publish(self, subject: str, observation: Observation, *, human: Proposal | None, human_failed: bool) -> None:
        """Publishing never breaks the caller: a failure here is logged and the control's result still returned."""
        try:
            proposal = observation.proposal
            self.plane.record_agent(
                subject,
                agent=self.agent,
                tool=proposal.tool if proposal else None,
                args=proposal.args if proposal else {},
                error=observation.error,
            )
            if not human_failed:
                self.published = self.plane.record_human(
                    subject, tool=human.tool if human else None, args=human.args if human else {}, by=self.human
                )
        except Exception:
            log.exception("experiment %s could not publish subject %s", self.name, subject)


def _observe(fn: Callable[..., Proposal | None], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Observation:
    start = time.perf_counter()
    try:
        proposal = fn(*args, **kwargs)
        if proposal is not None and not isinstance(proposal, Proposal):
            raise TypeError(f"a candidate returns a Proposal or None, got {type(proposal).__name__}")
        return Observation(proposal, None, time.perf_counter() - start)
    except Exception as exc:
        return Observation(None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
