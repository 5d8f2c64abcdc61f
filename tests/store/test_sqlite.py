"""What only the SQLite store promises: durability settings, migrations, and one chain across writers."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tether
from tether.audit import verify
from tether.errors import StoreError, UsageError
from tether.model import Approve, Status
from tether.store import Changes, EventDraft, Store, open_store
from tether.store._migrations import MIGRATIONS
from tether.store._sql import SQLStore, _cause
from tether.store.testing import T0, add, at, make_action

REPO = Path(tether.__file__).resolve().parents[1]


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tether.db'}"


@pytest.fixture
def opened() -> Iterator[list[Store]]:
    """Stores opened by a test, closed after it whatever happens."""
    stores: list[Store] = []
    yield stores
    for store in stores:
        store.close()


def sql_store(url: str, opened: list[Store]) -> SQLStore:
    store = open_store(url)
    assert isinstance(store, SQLStore)
    opened.append(store)
    return store


def pragma(store: SQLStore, name: str) -> object:
    with store.raw_connection() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def note(writer: str, n: int) -> EventDraft:
    return EventDraft(f"system:{writer}", "test.appended", None, {"writer": writer, "n": n})


# -- durability ---------------------------------------------------------------------------------------------------


def test_data_survives_closing_and_reopening(url: str, opened: list[Store]) -> None:
    first = sql_store(url, opened)
    add(first, make_action("a1"), charges=[("count", 2.0)], open_breaker="count")
    first.transition(
        "a1",
        expect={Status.PENDING},
        changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=Approve(by="alice"), decided_at=at(1)),
        events=[EventDraft("human:alice", "action.approved", "a1")],
    )
    first.append_events([note("first", 0)], at=at(2))
    action, events, head = first.get_action("a1"), list(first.audit_events()), first.audit_head()
    first.close()

    again = sql_store(url, opened)
    assert again.get_action("a1") == action
    assert list(again.audit_events()) == events
    assert again.audit_head() == head
    state = again.lane_state("support-bot", "refund", {"count": at(-60)})
    assert (state.breaker, state.usage) == ("count", {"count": 2.0})


def test_a_reopened_store_continues_the_chain(url: str, opened: list[Store]) -> None:
    first = sql_store(url, opened)
    first.append_events([note("first", 0), note("first", 1)], at=T0)
    head = first.audit_head()
    first.close()

    (made,) = sql_store(url, opened).append_events([note("again", 0)], at=at(1))
    assert (made.seq, made.prev_hash) == (head.seq + 1, head.hash)


def test_sqlite_runs_in_wal_mode(url: str, opened: list[Store]) -> None:
    assert pragma(sql_store(url, opened), "journal_mode") == "wal"


def test_sqlite_syncs_fully_by_default(url: str, opened: list[Store]) -> None:
    assert pragma(sql_store(url, opened), "synchronous") == 2  # FULL


@pytest.mark.parametrize(("setting", "level"), [("off", 0), ("normal", 1), ("NORMAL", 1), ("full", 2), ("extra", 3)])
def test_the_url_sets_synchronous(url: str, opened: list[Store], setting: str, level: int) -> None:
    store = sql_store(f"{url}?synchronous={setting}", opened)
    assert pragma(store, "synchronous") == level


def test_synchronous_in_the_url_keeps_wal_mode(url: str, opened: list[Store]) -> None:
    assert pragma(sql_store(f"{url}?synchronous=normal", opened), "journal_mode") == "wal"


def test_a_bad_synchronous_value_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match="synchronous"):
        open_store(f"{url}?synchronous=sometimes")


def test_an_sqlite_url_without_a_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="file"):
        open_store("sqlite:///:memory:")


# -- migrations ---------------------------------------------------------------------------------------------------


def applied_versions(store: SQLStore) -> list[int]:
    with store.raw_connection() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT version FROM tether_schema ORDER BY version")]


def test_migrations_are_recorded_in_tether_schema(url: str, opened: list[Store]) -> None:
    assert applied_versions(sql_store(url, opened)) == list(range(1, len(MIGRATIONS) + 1))


def test_running_setup_twice_is_harmless(url: str, opened: list[Store]) -> None:
    store = sql_store(url, opened)
    action = add(store, make_action("a1"))
    head = store.audit_head()
    store.setup()
    assert applied_versions(store) == list(range(1, len(MIGRATIONS) + 1))
    assert store.get_action("a1") == action
    assert store.audit_head() == head


def test_opening_an_existing_file_keeps_its_log(url: str, opened: list[Store]) -> None:
    first = sql_store(url, opened)
    first.append_events([note("first", 0)], at=T0)
    second = sql_store(url, opened)
    assert second.audit_head() == first.audit_head()
    assert applied_versions(second) == list(range(1, len(MIGRATIONS) + 1))


# -- several writers on one file ------------------------------------------------------------------------------------


def test_two_stores_on_one_file_interleaving_writes_keep_one_chain(url: str, opened: list[Store]) -> None:
    one, two = sql_store(url, opened), sql_store(url, opened)
    add(one, make_action("a1", created_at=at(1)))
    add(two, make_action("a2", created_at=at(2)))
    one.append_events([note("one", 0)], at=at(3))
    two.transition(
        "a1",
        expect={Status.PENDING},
        changes=Changes(status=Status.REJECTED, updated_at=at(4)),
        events=[EventDraft("human:bob", "action.rejected", "a1")],
    )
    one.transition(
        "a2",
        expect={Status.PENDING},
        changes=Changes(status=Status.REJECTED, updated_at=at(5)),
        events=[EventDraft("human:carol", "action.rejected", "a2")],
    )
    for n in range(5):
        (one if n % 2 else two).append_events([note("both", n), note("both", n)], at=at(6 + n))
    report = verify(one.audit_events(), two.audit_head())
    assert report.ok, str(report)
    assert report.checked == 15


def test_a_store_re_reads_the_head_after_another_writer_moved_it(url: str, opened: list[Store]) -> None:
    """``one`` caches the head it wrote last (seq 1); ``two`` then moves it to 3. ``one``'s next event must
    follow event 3, not collide with it or fork from event 1."""
    one, two = sql_store(url, opened), sql_store(url, opened)
    one.append_events([note("one", 0)], at=T0)
    two.append_events([note("two", 0), note("two", 1)], at=at(1))
    moved = two.audit_head()
    (made,) = one.append_events([note("one", 1)], at=at(2))
    assert (made.seq, made.prev_hash) == (moved.seq + 1, moved.hash)
    assert verify(one.audit_events()).ok


def test_a_rolled_back_append_does_not_leave_a_stale_head_behind(url: str, opened: list[Store]) -> None:
    """A transaction that fails after its events were chained must not leave its head in ``one``'s cache:
    ``two`` then writes the same seq with another hash, and ``one``'s next event must follow ``two``'s.

    The failure is provoked by a stored action whose verdict cannot be read back, which fails the transition
    after it appended its event (any error between the append and the commit does the same)."""
    one, two = sql_store(url, opened), sql_store(url, opened)
    add(one, make_action("a1"))
    raw = sqlite3.connect(url.removeprefix("sqlite:///"))
    with raw:
        raw.execute("UPDATE actions SET verdict = '{}' WHERE id = 'a1'")
    raw.close()
    with pytest.raises(KeyError):
        one.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1)),
            events=[EventDraft("human:alice", "action.approved", "a1")],
        )
    assert one.audit_head().seq == 1  # the failed transition wrote nothing
    two.append_events([note("two", 0)], at=at(2))
    one.append_events([note("one", 0)], at=at(3))
    report = verify(one.audit_events())
    assert report.ok, str(report)


CHILD = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path

from tether.store import EventDraft, open_store

url, name, workdir, count = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
others = [other for other in sys.argv[5].split(",") if other != name]
deadline = time.monotonic() + 60


def wait_for(path):
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit(f"{name}: gave up waiting for {path.name}")
        time.sleep(0.001)


wait_for(workdir / "open")
store = open_store(url)
(workdir / f"ready-{name}").touch()
wait_for(workdir / "go")
for n in range(count):
    body = {"writer": name, "n": n}
    store.append_events([EventDraft(f"system:{name}", "test.appended", None, body)], at=datetime.now(UTC))
    # A barrier per round: no writer starts append n + 1 before every writer finished append n, so the writers
    # contend for the head in every round and their events interleave by construction, not by scheduling luck.
    (workdir / f"{name}-{n}").touch()
    for other in others:
        wait_for(workdir / f"{other}-{n}")
store.close()
"""


def run_writers(url: str, workdir: Path, names: list[str], count: int) -> None:
    """Start one OS process per name; they open the store together, then append ``count`` events each, all of
    them appending in the same rounds (one event each per round)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url, name, str(workdir), str(count), ",".join(names)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    (workdir / "open").touch()
    deadline = time.monotonic() + 60
    while not all((workdir / f"ready-{name}").exists() for name in names):
        assert all(child.poll() is None for child in children), "a writer died before it was ready"
        assert time.monotonic() < deadline, "the writers never opened the store"
        time.sleep(0.005)
    (workdir / "go").touch()
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err


@pytest.mark.subprocess
def test_two_processes_appending_at_once_leave_one_valid_chain(url: str, tmp_path: Path, opened: list[Store]) -> None:
    sql_store(url, opened)
    run_writers(url, tmp_path, ["p1", "p2"], 50)
    store = sql_store(url, opened)
    events = list(store.audit_events())
    report = verify(events, store.audit_head())
    assert report.ok, str(report)
    assert report.checked == 100
    for name in ("p1", "p2"):
        assert [e.body["n"] for e in events if e.body["writer"] == name] == list(range(50))
    writers = [e.body["writer"] for e in events]
    rounds = [set(writers[i : i + 2]) for i in range(0, len(writers), 2)]
    assert rounds == [{"p1", "p2"}] * 50, "every round holds one event of each writer"
    switches = sum(1 for a, b in itertools.pairwise(writers) if a != b)
    assert switches > 5, "the two writers hardly interleaved, so the chain was never contended"


@pytest.mark.subprocess
def test_two_processes_opening_a_new_file_apply_each_migration_once(
    url: str, tmp_path: Path, opened: list[Store]
) -> None:
    run_writers(url, tmp_path, ["p1", "p2"], 1)
    store = sql_store(url, opened)
    assert applied_versions(store) == list(range(1, len(MIGRATIONS) + 1))
    assert verify(store.audit_events(), store.audit_head()).checked == 2


# -- store errors say what is wrong ----------------------------------------------------------------------------


def test_a_store_in_a_missing_directory_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot be opened: does its directory exist"):
        open_store(f"sqlite:///{tmp_path / 'no-such-dir' / 'tether.db'}")


def test_a_file_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match=r"not an SQLite database"):
        open_store(f"sqlite:///{path}")


@pytest.mark.parametrize(
    ("message", "operational", "cause"),
    [
        ("attempt to write a readonly database", True, "it is read-only"),
        ("database is locked", True, "it is locked"),
        ("disk I/O error", True, "the disk failed"),
        ('FATAL:  database "t_x" does not exist', True, "no such database"),
        ('FATAL:  role "bob" does not exist', True, "no such user"),
        ('relation "actions" does not exist', False, ""),  # a schema problem, not a missing database
        ("connection failed: Connection refused", True, "the store is unreachable"),
        ("UNIQUE constraint failed: tokens.id", False, ""),
    ],
)
def test_a_driver_message_becomes_the_cause_a_person_can_check(message: str, operational: bool, cause: str) -> None:
    said = _cause(message, operational)
    assert (cause in said) if cause else said == ""


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_says_so() -> None:
    from postgres import pg_server

    with pytest.raises(StoreError, match=r"the server has no such database"):
        open_store(pg_server().url("no_such_database"))
