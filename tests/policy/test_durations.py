"""Durations in a policy file: ``30s``, ``10m``, ``4h``, ``2d``, ``1h30m`` or a number of seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.policy import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("10m", timedelta(minutes=10)),
        ("4h", timedelta(hours=4)),
        ("2d", timedelta(days=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("1m30s", timedelta(minutes=1, seconds=30)),
    ],
)
def test_parse_duration_accepts_units(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(90, timedelta(seconds=90)), (1.5, timedelta(seconds=1.5)), (0, timedelta(0))],
)
def test_parse_duration_reads_a_number_as_seconds(number: float, expected: timedelta) -> None:
    assert parse_duration(number) == expected


def test_parse_duration_passes_a_timedelta_through() -> None:
    assert parse_duration(timedelta(minutes=3)) == timedelta(minutes=3)


@pytest.mark.parametrize("bad", ["ten minutes", "", "10", "1.5h", "-5m", "5 m", "m", True, None])
def test_parse_duration_rejects_anything_else(bad: object) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(bad)


def test_parse_duration_rejects_a_negative_number() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_duration(-1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=30), "30s"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=2), "2d"),
    ],
)
def test_format_duration_writes_what_parse_duration_reads(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text
    assert parse_duration(text) == delta
