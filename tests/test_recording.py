"""A tool's result is never thrown away because the store refused it for a moment: the gate retries recording with
the same claim while the lease holds, and if the store still refuses, raises ``ResultNotRecorded`` carrying the
result — never the ``StoreError`` that tells an agent "nothing ran, try again". The store's refusal is real: a
trigger in the SQLite database aborts every write of a result while a fault row exists."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from waiting import wait_until

from tether import Executed, Gate, Policy, ResultNotRecorded, Status, StoreError, ToolCall
from tether.store import ActionFilter

POLICY = {"tools": {"sync_crm": {"risk": "low", "reversible": "no"}}}
FAULT = """
CREATE TABLE fault (reason TEXT);
INSERT INTO fault VALUES ('disk I/O error (injected)');
CREATE TRIGGER refuse_results BEFORE UPDATE OF status ON actions
WHEN NEW.status IN ('executed', 'failed') AND EXISTS (SELECT 1 FROM fault)
BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END;
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "recording.db"


def inject_fault(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        raw.executescript(FAULT)


def heal(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        raw.execute("DELETE FROM fault")


class HealOnFirstFailure(logging.Handler):
    """Heals the store when the gate says it could not record a result: the retry then has to succeed."""

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.db = db
        self.failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "could not record the result" in record.getMessage():
            self.failures += 1
            heal(self.db)


@pytest.fixture
def healer(db: Path) -> Iterator[HealOnFirstFailure]:
    handler = HealOnFirstFailure(db)
    logger = logging.getLogger("tether")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def test_a_result_the_store_refuses_for_a_moment_is_recorded_by_retrying(db: Path, healer: HealOnFirstFailure) -> None:
    gate = Gate(Policy.from_dict(POLICY), f"sqlite:///{db}", lease=timedelta(seconds=10))
    ran: list[int] = []
    gate.tool(lambda account: ran.append(account) or f"synced {account}", name="sync_crm")
    inject_fault(db)
    try:
        outcome = gate.call(ToolCall(tool="sync_crm", args={"account": 7}, agent="bot"))
        assert healer.failures == 1  # the first record failed, the retry went through
        assert isinstance(outcome, Executed)
        assert outcome.result == "synced 7"
        assert ran == [7]
        assert gate.get(outcome.action_id).status is Status.EXECUTED
    finally:
        gate.close()


def test_a_result_the_store_keeps_refusing_raises_result_not_recorded_with_the_result(db: Path) -> None:
    gate = Gate(Policy.from_dict(POLICY), f"sqlite:///{db}", lease=timedelta(seconds=1))
    ran: list[int] = []
    gate.tool(lambda account: ran.append(account) or f"synced {account}", name="sync_crm")
    inject_fault(db)
    try:
        with pytest.raises(ResultNotRecorded) as raised:
            gate.call(ToolCall(tool="sync_crm", args={"account": 7}, agent="bot"))
        assert not isinstance(raised.value, StoreError)  # "nothing ran" would invite a retry of the effect
        assert raised.value.result == "synced 7"
        assert "do not run it again" in str(raised.value)
        assert ran == [7]
        heal(db)
        (action,) = gate.plane.actions(ActionFilter(tool="sync_crm"))
        wait_until(
            lambda: gate.plane.sweep() or gate.get(action.id).status is Status.UNKNOWN,
            timeout=10,
            message="the action never turned unknown after its lease lapsed",
        )
        assert gate.get(action.id).status is Status.UNKNOWN
        assert ran == [7]  # an irreversible tool is never run again; a human resolves it
    finally:
        gate.close()
