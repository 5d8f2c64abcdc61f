"""Durations in the policy file: ``30s``, ``10m``, ``4h``, ``2d``, ``1h30m`` or a number of seconds."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

_DURATION = re.compile(r"^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$")


def parse_duration(value: Any) -> timedelta:
    """``30s``, ``10m``, ``4h``, ``2d``, ``1h30m`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 30s, 10m, 4h or 2d, got {value!r}")
    try:
        if isinstance(value, int | float):
            if value != value:
                raise ValueError("a duration must be a number of seconds, not NaN")
            if value < 0:
                raise ValueError(f"a duration cannot be negative, got {value}")
            return timedelta(seconds=value)
        if isinstance(value, str):
            match = _DURATION.match(value)
            if match and any(match.groups()):
                days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
                return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"the duration {value!r} is too long (at most 999999999 days)") from None
    raise ValueError(f"expected a duration such as 30s, 10m, 4h or 2d, got {value!r}")


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero (a zero window could never be used; a zero timeout never expires)")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
PositiveDuration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]
