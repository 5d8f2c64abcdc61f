"""The metrics page's figures: hourly series computed from actions, drawn as inline SVG (no chart library).

``series`` is pure arithmetic over a list of actions; ``bar_chart`` and ``line_chart`` turn numbers into SVG
text with every label escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from tether.model import Action, Mode, Status

MODE_COLOURS = {
    Mode.AUTO.value: "#3b82f6",
    Mode.NOTIFY.value: "#06b6d4",
    Mode.OVERRIDE.value: "#a855f7",
    Mode.APPROVE.value: "#f59e0b",
    Mode.SHADOW.value: "#64748b",
    Mode.DENY.value: "#ef4444",
}
_HUMAN = {Status.APPROVED, Status.RUNNING, Status.EXECUTED, Status.FAILED, Status.REJECTED, Status.RESPONDED}


@dataclass
class Series:
    """Per-bucket figures, oldest bucket first."""

    starts: list[datetime]
    per_mode: dict[str, list[int]] = field(default_factory=dict)
    pending: list[int] = field(default_factory=list)
    latency_p50: list[float | None] = field(default_factory=list)
    latency_p99: list[float | None] = field(default_factory=list)
    override_rate: list[float | None] = field(default_factory=list)
    rejection_rate: list[float | None] = field(default_factory=list)


def series(actions: list[Action], now: datetime, *, hours: int = 24) -> Series:
    """Actions per mode created in each hour; approvals still waiting at each hour's end; review latency of the
    decisions made in each hour; the share of override executions undone and of human decisions that rejected."""
    step = timedelta(hours=1)
    end = now.replace(minute=0, second=0, microsecond=0) + step
    starts = [end - step * (hours - i) for i in range(hours)]
    out = Series(starts=starts, per_mode={m.value: [0] * hours for m in Mode})
    latencies: list[list[float]] = [[] for _ in range(hours)]
    overrides, undone = [0] * hours, [0] * hours
    decided, rejected = [0] * hours, [0] * hours
    pending = [0] * hours

    def bucket(moment: datetime | None) -> int | None:
        if moment is None or moment < starts[0] or moment >= end:
            return None
        return int((moment - starts[0]) / step)

    for action in actions:
        created = bucket(action.created_at)
        if created is not None:
            out.per_mode[action.verdict.mode.value][created] += 1
        if action.verdict.mode is Mode.APPROVE:
            ended = action.decided_at or (None if action.status is Status.PENDING else action.updated_at)
            for i, start in enumerate(starts):
                moment = start + step
                pending[i] += int(action.created_at < moment and (ended is None or ended >= moment))
        decided_in = bucket(action.decided_at)
        if decided_in is not None and action.decision is not None and action.status in _HUMAN | {Status.UNDONE}:
            latencies[decided_in].append((action.decided_at - action.created_at).total_seconds())  # type: ignore[operator]
            decided[decided_in] += 1
            rejected[decided_in] += int(action.decision.kind == "reject")
        if action.verdict.mode is Mode.OVERRIDE and created is not None and action.status is not Status.PENDING:
            overrides[created] += 1
            undone[created] += int(action.undo is not None)
    out.pending = pending
    out.latency_p50 = [_percentile(values, 0.50) for values in latencies]
    out.latency_p99 = [_percentile(values, 0.99) for values in latencies]
    out.override_rate = [u / o if o else None for u, o in zip(undone, overrides, strict=True)]
    out.rejection_rate = [r / d if d else None for r, d in zip(rejected, decided, strict=True)]
    return out


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 220, 48, 28, 12


def bar_chart(title: str, labels: list[str], stacks: dict[str, list[int]], colours: dict[str, str]) -> str:
    """Stacked bars, one per label; the legend lists the stacks that have any value."""
    totals = [sum(values[i] for values in stacks.values()) for i in range(len(labels))]
    top = _nice(max(totals, default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(labels), 1)
    parts = [_frame(title, labels, top, "")]
    for i in range(len(labels)):
        y = float(HEIGHT - PAD_BOTTOM)
        for name, values in stacks.items():
            if not values[i]:
                continue
            h = values[i] / top * plot_h
            y -= h
            x = PAD_LEFT + i * slot + slot * 0.15
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(name, "#888")}"><title>{escape(labels[i])}: {values[i]} {escape(name)}'
                "</title></rect>"
            )
    used = [name for name, values in stacks.items() if any(values)]
    return _close(parts, [(name, colours.get(name, "#888")) for name in used])


def line_chart(title: str, labels: list[str], lines: dict[str, list[float | None]], unit: str = "") -> str:
    """One polyline per series; gaps where a bucket has no value (no decisions that hour)."""
    present = [v for values in lines.values() for v in values if v is not None]
    top = _nice(max(present, default=0.0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(labels), 1)
    palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea"]
    parts = [_frame(title, labels, top, unit)]
    legend = []
    for n, (name, values) in enumerate(lines.items()):
        colour = palette[n % len(palette)]
        legend.append((name, colour))
        run: list[str] = []
        for i, value in enumerate([*values, None]):
            if value is not None:
                x = PAD_LEFT + i * slot + slot / 2
                y = HEIGHT - PAD_BOTTOM - value / top * plot_h
                run.append(f"{x:.1f},{y:.1f}")
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{escape(labels[i])}: '
                    f"{_fmt(value)}{escape(unit)} {escape(name)}</title></circle>"
                )
            elif run:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
                run = []
    return _close(parts, legend)


def _frame(title: str, labels: list[str], top: float, unit: str) -> str:
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = (WIDTH - PAD_LEFT - 8) / max(len(labels), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" '
        f'aria-label="{escape(title)}" class="chart">'
    ]
    for k in range(5):
        value = top * k / 4
        y = HEIGHT - PAD_BOTTOM - plot_h * k / 4
        out.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}{escape(unit)}</text>')
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0:
            x = PAD_LEFT + i * slot + slot / 2
            out.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>')
    return "".join(out)


def _close(parts: list[str], legend: list[tuple[str, str]]) -> str:
    x = PAD_LEFT
    for name, colour in legend:
        parts.append(f'<rect x="{x}" y="{HEIGHT + 8}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT + 17}">{escape(name)}</text>')
        x += 24 + 8 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _nice(value: float) -> float:
    """A round axis top at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value))


def _fmt(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.2g}" if value < 1 else f"{value:.1f}"
