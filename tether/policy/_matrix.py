"""The risk × reversibility matrix: the default answer to "how much human does this call need?".

The defaults are DESIGN.md's table; a policy file may change any cell and which rows are locked.
"""

from __future__ import annotations

from dataclasses import dataclass

from tether.model import Mode, Reversibility, Risk
from tether.policy._config import Matrix

DEFAULT_CELLS: dict[Risk, dict[Reversibility, Mode]] = {
    Risk.LOW: {Reversibility.YES: Mode.AUTO, Reversibility.PARTIAL: Mode.AUTO, Reversibility.NO: Mode.AUTO},
    Risk.MEDIUM: {
        Reversibility.YES: Mode.OVERRIDE,
        Reversibility.PARTIAL: Mode.OVERRIDE,
        Reversibility.NO: Mode.APPROVE,
    },
    Risk.HIGH: {
        Reversibility.YES: Mode.NOTIFY,
        Reversibility.PARTIAL: Mode.NOTIFY,
        Reversibility.NO: Mode.APPROVE,
    },
    Risk.CRITICAL: {
        Reversibility.YES: Mode.APPROVE,
        Reversibility.PARTIAL: Mode.APPROVE,
        Reversibility.NO: Mode.APPROVE,
    },
}
DEFAULT_LOCKED: frozenset[Risk] = frozenset({Risk.CRITICAL})


@dataclass(frozen=True, slots=True)
class Cell:
    mode: Mode
    locked: bool


class RiskMatrix:
    """Looks up a cell; built once from the defaults overlaid with the policy's ``[matrix]`` table."""

    def __init__(self, overrides: Matrix | None = None) -> None:
        self._cells: dict[tuple[Risk, Reversibility], Cell] = {}
        for risk in Risk:
            row = getattr(overrides, risk.value) if overrides is not None else None
            locked = risk in DEFAULT_LOCKED if row is None or row.locked is None else row.locked
            for rev in Reversibility:
                configured = getattr(row, rev.value) if row is not None else None
                mode = configured or DEFAULT_CELLS[risk][rev]
                # A locked cell means "a human is required": it is never looser than approve.
                self._cells[(risk, rev)] = Cell(mode.stricter(Mode.APPROVE) if locked else mode, locked)

    def cell(self, risk: Risk, reversible: Reversibility) -> Cell:
        return self._cells[(risk, reversible)]

    def rows(self) -> list[tuple[Risk, list[Cell]]]:
        return [(risk, [self._cells[(risk, rev)] for rev in Reversibility]) for risk in Risk]
