"""The risk × reversibility matrix: DESIGN.md's defaults, and every cell configurable."""

from __future__ import annotations

import pytest

from tether.model import Mode, Reversibility, Risk
from tether.policy import Policy, RiskMatrix

from .support import call, policy, seed_policy

DESIGN_TABLE = {
    ("low", "yes"): Mode.AUTO,
    ("low", "partial"): Mode.AUTO,
    ("low", "no"): Mode.AUTO,
    ("medium", "yes"): Mode.OVERRIDE,
    ("medium", "partial"): Mode.OVERRIDE,
    ("medium", "no"): Mode.APPROVE,
    ("high", "yes"): Mode.NOTIFY,
    ("high", "partial"): Mode.NOTIFY,
    ("high", "no"): Mode.APPROVE,
    ("critical", "yes"): Mode.APPROVE,
    ("critical", "partial"): Mode.APPROVE,
    ("critical", "no"): Mode.APPROVE,
}
CELLS = list(DESIGN_TABLE)


def tool_policy(risk: str, reversible: str, matrix: str = "") -> Policy:
    return policy(f'[tools.t]\nrisk = "{risk}"\nreversible = "{reversible}"\n{matrix}')


@pytest.mark.parametrize(("risk", "reversible"), CELLS)
def test_the_default_matrix_is_the_design_table(risk: str, reversible: str) -> None:
    cell = RiskMatrix().cell(Risk(risk), Reversibility(reversible))
    assert cell.mode is DESIGN_TABLE[(risk, reversible)]


@pytest.mark.parametrize(("risk", "reversible"), CELLS)
def test_only_the_critical_row_is_locked_by_default(risk: str, reversible: str) -> None:
    assert RiskMatrix().cell(Risk(risk), Reversibility(reversible)).locked is (risk == "critical")


@pytest.mark.parametrize(
    ("tool", "mode", "locked"),
    [
        ("classify_support_ticket", Mode.AUTO, False),
        ("draft_marketing_email", Mode.OVERRIDE, False),
        ("send_user_notification", Mode.APPROVE, False),
        ("cancel_order", Mode.NOTIFY, False),
        ("delete_user_data", Mode.APPROVE, True),
        ("transfer_funds", Mode.APPROVE, True),
    ],
)
def test_the_seed_examples_land_where_the_design_says(tool: str, mode: Mode, locked: bool) -> None:
    verdict = seed_policy().evaluate(call(tool))
    assert (verdict.mode, verdict.locked) == (mode, locked)


def test_the_matrix_sets_the_ceiling() -> None:
    assert seed_policy().evaluate(call("cancel_order")).ceiling is Mode.NOTIFY


def test_the_matrix_reason_names_the_cell_and_the_mode() -> None:
    (reason,) = seed_policy().evaluate(call("cancel_order")).reasons
    assert (reason.step, reason.ref, reason.mode) == ("matrix", "high/partial", Mode.NOTIFY)
    assert "high" in reason.text
    assert "partial" in reason.text
    assert "notify" in reason.text


def test_the_matrix_reason_says_when_a_cell_is_locked() -> None:
    (reason,) = seed_policy().evaluate(call("transfer_funds")).reasons
    assert "locked" in reason.text


def _another_mode(risk: str, reversible: str) -> Mode:
    return Mode.DENY if DESIGN_TABLE[(risk, reversible)] is not Mode.DENY else Mode.SHADOW


@pytest.mark.parametrize(("risk", "reversible"), CELLS)
def test_every_cell_is_configurable(risk: str, reversible: str) -> None:
    wanted = _another_mode(risk, reversible)
    configured = tool_policy(risk, reversible, f'[matrix.{risk}]\n{reversible} = "{wanted.value}"')
    assert configured.evaluate(call("t")).mode is wanted


@pytest.mark.parametrize(("risk", "reversible"), [cell for cell in CELLS if cell[0] != "critical"])
def test_an_unlocked_cell_can_be_made_looser(risk: str, reversible: str) -> None:
    configured = tool_policy(risk, reversible, f'[matrix.{risk}]\n{reversible} = "auto"')
    assert configured.evaluate(call("t")).mode is Mode.AUTO


def test_configuring_one_cell_leaves_the_rest_of_its_row_alone() -> None:
    matrix = RiskMatrix(policy('[matrix.medium]\nyes = "auto"').config.matrix)
    assert matrix.cell(Risk.MEDIUM, Reversibility.YES).mode is Mode.AUTO
    assert matrix.cell(Risk.MEDIUM, Reversibility.PARTIAL).mode is Mode.OVERRIDE
    assert matrix.cell(Risk.MEDIUM, Reversibility.NO).mode is Mode.APPROVE


def test_configuring_one_row_leaves_the_other_rows_alone() -> None:
    matrix = RiskMatrix(policy('[matrix.medium]\nyes = "auto"').config.matrix)
    for risk, reversible in CELLS:
        if risk != "medium":
            assert matrix.cell(Risk(risk), Reversibility(reversible)).mode is DESIGN_TABLE[(risk, reversible)]


def test_a_locked_row_is_never_looser_than_approve() -> None:
    configured = tool_policy("critical", "yes", '[matrix.critical]\nyes = "auto"')
    verdict = configured.evaluate(call("t"))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_locking_a_row_raises_its_looser_cells_to_approve() -> None:
    configured = tool_policy("high", "yes", "[matrix.high]\nlocked = true")
    verdict = configured.evaluate(call("t"))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_a_locked_row_keeps_a_cell_that_is_stricter_than_approve() -> None:
    configured = tool_policy("low", "yes", '[matrix.low]\nlocked = true\nyes = "deny"')
    verdict = configured.evaluate(call("t"))
    assert (verdict.mode, verdict.locked) == (Mode.DENY, True)


def test_unlocking_the_critical_row_lets_its_cells_be_loosened() -> None:
    configured = tool_policy("critical", "yes", '[matrix.critical]\nlocked = false\nyes = "notify"')
    verdict = configured.evaluate(call("t"))
    assert (verdict.mode, verdict.locked) == (Mode.NOTIFY, False)


def test_rows_lists_every_risk_with_one_cell_per_reversibility() -> None:
    rows = RiskMatrix().rows()
    assert [risk for risk, _ in rows] == list(Risk)
    assert [[cell.mode for cell in cells] for _, cells in rows] == [
        [DESIGN_TABLE[(risk.value, rev.value)] for rev in Reversibility] for risk in Risk
    ]
