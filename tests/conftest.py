"""Shared fixtures. ``store`` runs a test once per backend: memory, a real SQLite file and a real PostgreSQL
database (a private server started once per session, see tests/postgres.py).

The tiers: every test that needs PostgreSQL, a browser, other Python processes or seconds of its own carries the
marker ``postgres``, ``browser``, ``subprocess`` or ``slow``, and ``make test-fast`` leaves them all out. Most
markers are applied here, from what a test uses (a PostgreSQL parameter, a fixture that starts processes) and
where it lives; a test module may also mark its own tests.
"""

from __future__ import annotations

import gc
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from databases import make_store, remove_template
from gates import GateFactory, RecordingGate
from postgres import drop_test_databases, stop_session_server

from tether import FakeClock, Gate, Policy
from tether.store import Store

STORE_KINDS = ["memory", "sqlite", "postgres"]

# Markers by place: a directory or module under tests/ whose every test has them.
MARKED_PLACES: dict[str, tuple[str, ...]] = {
    "browser": ("browser",),
    "deploy": ("postgres", "subprocess", "slow"),  # `tether serve` processes on one PostgreSQL, outages
    "demo": ("subprocess", "slow"),  # the live demo runs for tens of seconds
    "test_crash.py": ("subprocess", "slow"),  # agents killed and restarted
    "test_examples.py": ("subprocess",),
    "test_fuzz.py": ("slow",),  # schemathesis: hundreds of generated requests
    "test_properties.py": ("slow",),  # hypothesis over the policy's invariants
}
# Fixtures that start Python processes.
PROCESS_FIXTURES = {"served", "mcp_workspace"}
# Tests that start Python processes themselves (a CLI run, an example or a docs snippet run as written).
PROCESS_TESTS = {
    "test_a_process_with_another_secret_refuses_to_start_until_the_new_one_is_adopted",
    "test_secret_generate_writes_a_file_only_its_owner_reads_and_never_overwrites_one",
    "test_a_bad_role_is_a_usage_error",
    "test_the_version_is_the_same_in_another_process",
    "test_the_example_runs_offline_against_its_stand_in_model",
    "test_the_docs_example_runs_as_written",
    "test_the_docs_examples_run_as_written",
    "test_the_page_runs_as_written",
    "test_a_copy_this_user_may_not_write_is_read_without_being_touched",
    "test_the_documented_agent_exports_its_gate_spans_over_otlp",
    "test_serve_exports_its_spans_over_otlp_when_the_environment_asks",
    "test_a_block_that_fails_fails_its_page",
    "test_the_example_runs_in_an_empty_directory",
    "test_resume_in_a_new_process_runs_once",
    "test_a_process_that_dies_after_the_tool_ran_is_resumed_without_a_second_effect",
    "test_decided_in_the_cli_then_reinvoked_in_a_new_process",
    "test_the_documented_example_runs_as_shown",
    "test_without_the_mcp_extra_the_import_error_names_it",
    "test_without_a_policy_file_serve_says_it_runs_the_default_that_holds_everything",
}


TIERS = ("postgres", "browser", "subprocess", "slow")


def pytest_configure(config: pytest.Config) -> None:
    """Tests' files live in memory (/dev/shm) where the machine has it, unless TMPDIR says otherwise: they are
    still real SQLite files with every fsync, which on this project's virtual disks cost more than the tests' own
    work. Set before any test, pytest-xdist worker or test process asks for a temporary directory."""
    shm = Path("/dev/shm")
    if "TMPDIR" not in os.environ and shm.is_dir() and os.access(shm, os.W_OK):
        os.environ["TMPDIR"] = str(shm)
        tempfile.tempdir = None  # gettempdir() looks again


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported lives as long as the session: freezing it keeps the garbage collector from walking
    it again and again (each full collection took ~1 s, and pytest collects at the end of a session too)."""
    gc.freeze()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A place that ``-m`` leaves out whatever else its tests are marked with is not even imported: importing
    test_fuzz builds its hundreds of schemathesis cases, several seconds of a fast run."""
    marks = MARKED_PLACES.get(collection_path.name)
    expression = config.option.markexpr
    if not marks or not expression or Path(__file__).parent not in collection_path.parents:
        return None
    from _pytest.mark.expression import Expression

    compiled = Expression.compile(expression)
    others = [tier for tier in TIERS if tier not in marks]
    for n in range(2 ** len(others)):
        present = {*marks, *(tier for i, tier in enumerate(others) if n >> i & 1)}
        if compiled.evaluate(lambda name, /, present=present, **kwargs: name in present):
            return None  # some test there could be selected
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        marks: set[str] = set()
        for part in item.path.relative_to(tests).parts:
            marks.update(MARKED_PLACES.get(part, ()))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.params.values():
            marks.add("postgres")  # the `store` and `gate` fixtures' PostgreSQL parameter, and the like
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & PROCESS_FIXTURES or getattr(item, "originalname", item.name) in PROCESS_TESTS:
            marks.add("subprocess")
        for mark in sorted(marks - {m.name for m in item.iter_markers()}):
            item.add_marker(mark)


@pytest.fixture(scope="session", autouse=True)
def _session_databases() -> Iterator[None]:
    yield
    stop_session_server()
    remove_template()


@pytest.fixture(autouse=True)
def _test_databases() -> Iterator[None]:
    """Each test's PostgreSQL databases are dropped after it (its stores closed by then: autouse fixtures are set up
    first, so torn down last)."""
    yield
    drop_test_databases()


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = make_store(request.param, tmp_path)
    yield made
    made.close()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another socket is listening on: what a server meets when someone else has its port."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


EXAMPLE_POLICY = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "draft_marketing_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "send_user_notification": {"risk": "high", "reversible": "no"},
        "cancel_order": {"risk": "high", "reversible": "partial"},
        "delete_user_data": {"risk": "critical", "reversible": "no"},
        "transfer_funds": {"risk": "critical", "reversible": "no", "timeout": "4h"},
        "refund": {"risk": "medium", "reversible": "partial"},
    },
    "rules": [{"id": "large-refund", "tool": "refund", "when": "args.amount > 1000", "mode": "approve"}],
    "limits": [{"id": "refund-rate", "tool": "refund", "max": 3, "per": "1h"}],
}


@pytest.fixture
def policy() -> Policy:
    return Policy.from_dict(EXAMPLE_POLICY)


GATE_KINDS = [*STORE_KINDS, "remote"]


@pytest.fixture(params=GATE_KINDS)
def gates(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[GateFactory]:
    """Gates over every store and over a real server (see ``GateFactory``)."""
    factory = GateFactory(request.param, tmp_path, clock)
    yield factory
    factory.close()


@pytest.fixture
def gate(gates: GateFactory, policy: Policy) -> RecordingGate:
    """A gate of every kind with the example tools registered as simple recorders."""
    g = gates(policy)
    _register_example_tools(g)
    return g


def _register_example_tools(g: Gate) -> None:

    @g.tool
    def classify_ticket(ticket: str) -> str:
        g.ran.append(("classify_ticket", ticket))
        return "billing"

    def delete_draft(to: str, result: str) -> str:
        g.ran.append(("delete_draft", to))
        return f"deleted {result}"

    def reverse_refund(order: str, amount: float) -> str:
        g.ran.append(("reverse_refund", order, amount))
        return f"reversed {amount}"

    @g.tool(undo=delete_draft)
    def draft_marketing_email(to: str, body: str) -> str:
        g.ran.append(("draft_marketing_email", to))
        return f"draft for {to}"

    @g.tool
    def transfer_funds(account: str, amount: float) -> str:
        g.ran.append(("transfer_funds", account, amount))
        return f"sent {amount} to {account}"

    @g.tool
    def cancel_order(order: str) -> str:
        g.ran.append(("cancel_order", order))
        return f"cancelled {order}"

    @g.tool(undo=reverse_refund)
    def refund(order: str, amount: float) -> str:
        g.ran.append(("refund", order, amount))
        return f"refunded {amount}"
