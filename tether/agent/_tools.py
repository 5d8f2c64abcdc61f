"""Registered tools and their compensators: how the Gate calls them with the right arguments.

A tool may take a parameter named ``idempotency_key``: the Gate then passes the action's ``call_id``, which stays
the same across resumes and retries, so the tool can make a repeated effect harmless. An integration may mark
parameters as *injected* (the Agents SDK's ``RunContextWrapper``): they are not the model's arguments, are never
recorded, and are given at run time from ``RUN_VALUES`` by the integration that runs the call. A compensator (``undo=``)
is called with the arguments the tool ran with, plus ``result=`` (what the tool returned) if it takes it, plus
``idempotency_key=`` if it takes that.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tether.errors import UsageError
from tether.model import Reversibility
from tether.policy import Declared

IDEMPOTENCY_KEY = "idempotency_key"

RUN_VALUES: ContextVar[Mapping[str, Any] | None] = ContextVar("tether_run_values", default=None)
"""Values for injected parameters, by name, set by the integration around the call it makes (copied into the
thread a sync tool runs in)."""


@dataclass(frozen=True, slots=True)
class RegisteredTool:
    name: str
    fn: Callable[..., Any]
    declared: Declared
    undo: Callable[..., Any] | None
    is_async: bool
    signature: inspect.Signature
    injected: frozenset[str] = frozenset()  # parameters given at run time (RUN_VALUES), not by the model

    @classmethod
    def build(
        cls, name: str, fn: Callable[..., Any], declared: Declared, undo: Callable[..., Any] | None
    ) -> RegisteredTool:
        if undo is not None and not callable(undo):
            raise UsageError(f"@gate.tool(undo=...) for {name} must be a function, got {type(undo).__name__}")
        signature = inspect.signature(fn)
        if undo is not None:
            _check_compensator(name, signature, undo)
        return cls(name, fn, declared, undo, inspect.iscoroutinefunction(fn), signature)

    @property
    def undo_is_async(self) -> bool:
        return self.undo is not None and inspect.iscoroutinefunction(self.undo)

    @property
    def takes_key(self) -> bool:
        """Only an explicit ``idempotency_key`` parameter counts: a catch-all ``**kwargs`` does not opt in."""
        return IDEMPOTENCY_KEY in self.signature.parameters

    def check_args(self, args: dict[str, Any], what: str) -> None:
        """Refuse arguments the tool cannot be called with, before anything is stored or run."""
        if IDEMPOTENCY_KEY in args and self.takes_key:
            raise UsageError(
                f"{what}: {IDEMPOTENCY_KEY} is supplied by the gate (the action's call_id), not by the caller"
            )
        supplied = self.injected & set(args)
        if supplied:
            raise UsageError(f"{what}: {', '.join(sorted(supplied))} is given at run time, not by the caller")
        extra: dict[str, Any] = {IDEMPOTENCY_KEY: "check"} if self.takes_key else {}
        extra.update(dict.fromkeys(self.injected))
        try:
            self.signature.bind(**args, **extra)
        except TypeError as exc:
            hidden = {IDEMPOTENCY_KEY, *self.injected}
            shown = self.signature.replace(
                parameters=[p for p in self.signature.parameters.values() if p.name not in hidden]
            )
            raise UsageError(f"{what} do not fit {self.name}{shown}: {exc}") from None

    def args_problem(self, args: dict[str, Any]) -> str | None:
        """Why the tool cannot be called with these arguments (e.g. a reviewer's edit made elsewhere), or None."""
        try:
            self.check_args(args, "the arguments")
        except UsageError as exc:
            return str(exc)
        return None

    def call(self, args: dict[str, Any], key: str) -> Any:
        """Run the tool (the coroutine, for an async tool) with the action's arguments and idempotency key."""
        extra: dict[str, Any] = {IDEMPOTENCY_KEY: key} if self.takes_key else {}
        if self.injected:
            values = RUN_VALUES.get() or {}
            missing = sorted(self.injected - set(values))
            if missing:
                raise UsageError(
                    f"{self.name} needs {', '.join(missing)} at run time, which only the integration that runs it "
                    "gives (it cannot run from the background worker or gate.resume alone)"
                )
            extra.update({name: values[name] for name in self.injected})
        return self.fn(**args, **extra)

    def call_undo(self, args: dict[str, Any], result: Any, key: str) -> Any:
        assert self.undo is not None
        signature = inspect.signature(self.undo)
        extra: dict[str, Any] = {}
        if _takes(signature, "result"):
            extra["result"] = result
        if _takes(signature, IDEMPOTENCY_KEY):
            extra[IDEMPOTENCY_KEY] = key
        accepted = {k: v for k, v in args.items() if _takes(signature, k)}
        return self.undo(**accepted, **extra)

    def retryable(self, policy_reversible: Reversibility | None) -> bool:
        """Safe to run again after a crash left it unknown: reversible by both the policy and the code, and it
        takes the idempotency key so a repeat is harmless."""
        reversible = [r for r in (policy_reversible, self.declared.reversible) if r is not None]
        return self.takes_key and bool(reversible) and all(r is Reversibility.YES for r in reversible)


def _check_compensator(name: str, tool: inspect.Signature, undo: Callable[..., Any]) -> None:
    """Refuse, at registration, a compensator that could never be called: better now than inside an undo window."""
    offered = set(tool.parameters) | {"result", IDEMPOTENCY_KEY}
    for parameter in inspect.signature(undo).parameters.values():
        required = parameter.default is inspect.Parameter.empty and parameter.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        if required and parameter.name not in offered:
            raise UsageError(
                f"the compensator of {name} needs {parameter.name!r}, which it would never get: a compensator is "
                f"called with the tool's arguments ({', '.join(tool.parameters) or 'none'}), result= and "
                f"{IDEMPOTENCY_KEY}="
            )
        if parameter.kind is inspect.Parameter.POSITIONAL_ONLY and parameter.default is inspect.Parameter.empty:
            raise UsageError(f"the compensator of {name} takes {parameter.name!r} positionally; it is called by name")


def _takes(signature: inspect.Signature, name: str) -> bool:
    parameters = signature.parameters
    if name in parameters:
        return parameters[name].kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def flatten(bound: inspect.BoundArguments, signature: inspect.Signature) -> dict[str, Any]:
    """A plain function call's arguments, by name, as the gate records them."""
    args: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            args.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            raise UsageError(f"gated tools take named arguments; *{name} cannot be recorded by name")
        elif name != IDEMPOTENCY_KEY:
            args[name] = value
    return args
