"""A database made by a released Tether is upgraded in place by today's code and says what it said before.

The databases under ``tests/store/releases/<version>/`` were written by the release itself (see
``make_fixtures.py`` there): a SQLite file and a plain PostgreSQL dump, each with ``expected.json``'s account of
its actions, tokens, audit head, lanes, shadow cases and outbox. Opening one with ``open_store`` runs the
migrations; after that the audit chain must verify against the release's head and keep growing from it, and
every reader must see the release's data unchanged. Every change to stored data adds a release here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from postgres import _bin, pg_server

from tether import Anchor, Gate, Policy, ToolCall
from tether.errors import Unauthenticated
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.store import ShadowFilter, Store, open_store
from tether.store._migrations import MIGRATIONS, current_version
from tether.store._sql import SQLStore

RELEASES = Path(__file__).parent / "releases"
VERSIONS = sorted(p.name for p in RELEASES.iterdir() if (p / "expected.json").exists())
BACKENDS = [
    pytest.param(
        (backend, version), id=f"{version}-{backend}", marks=[pytest.mark.postgres] if backend == "postgres" else []
    )
    for version in VERSIONS
    for backend in ("sqlite", "postgres")
]


@dataclass
class Upgraded:
    """A release's database after today's ``open_store`` migrated it, and what the release said about it."""

    url: str
    store: Store
    plane: ControlPlane
    expected: dict[str, Any]


def _load(backend: str, version: str, tmp_path: Path) -> str:
    """A private copy of the release's database for one test; returns its URL (nothing migrated yet)."""
    if backend == "sqlite":
        path = tmp_path / "release.db"
        shutil.copyfile(RELEASES / version / "tether.db", path)
        return f"sqlite:///{path}"
    url = _empty_database()
    dump = RELEASES / version / "postgres.sql"
    subprocess.run(
        [_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(dump)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return url


def _empty_database() -> str:
    """A new database with no tables (not the session's migrated template: the dump brings the release's schema)."""
    server = pg_server()
    name = "upgrade_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return server.url(name)


@pytest.fixture(params=BACKENDS)
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Upgraded]:
    backend, version = request.param
    story = json.loads((RELEASES / version / "expected.json").read_text(encoding="utf-8"))
    url = _load(backend, version, tmp_path)
    store = open_store(url)
    plane = ControlPlane(Policy.from_dict(story["policy"]), store)
    yield Upgraded(url, store, plane, story[backend])
    plane.close()
    store.close()


def test_the_schema_reaches_the_newest_version(upgraded: Upgraded) -> None:
    assert isinstance(upgraded.store, SQLStore)
    with upgraded.store.raw_connection() as conn:
        assert current_version(conn) == len(MIGRATIONS)


def test_opening_the_upgraded_database_again_changes_nothing(upgraded: Upgraded) -> None:
    again = open_store(upgraded.url)
    try:
        assert again.audit_head() == upgraded.store.audit_head()
        assert again.get_action(upgraded.expected["actions"]["auto"]["id"]).status.value == "executed"
    finally:
        again.close()


def test_the_audit_chain_verifies_up_to_the_release_head(upgraded: Upgraded) -> None:
    head = upgraded.expected["audit_head"]
    assert upgraded.plane.audit_head() == Anchor(seq=head["seq"], hash=head["hash"])
    verification = upgraded.plane.verify(Anchor(seq=head["seq"], hash=head["hash"]))
    assert verification.ok, verification
    assert verification.checked == head["seq"]


def test_the_chain_continues_from_the_release_head(upgraded: Upgraded) -> None:
    release_head = Anchor(**upgraded.expected["audit_head"])
    gate = Gate(plane=upgraded.plane)  # a new agent: support-bot's classify_ticket lane was demoted in the release
    gate.tool(lambda ticket, category: f"{ticket}: {category}", name="classify_ticket")
    out = gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T-9", "category": "bug"}, agent="triage-bot"))
    assert out.kind == "executed"
    first_new = next(iter(upgraded.plane.audit_events(after=release_head.seq, limit=1)))
    assert first_new.seq == release_head.seq + 1
    assert first_new.prev_hash == release_head.hash
    assert upgraded.plane.audit_head().seq > release_head.seq
    verification = upgraded.plane.verify(release_head)
    assert verification.ok, verification
    assert upgraded.plane.verify(upgraded.plane.audit_head()).ok


def test_every_action_reads_back_as_the_release_wrote_it(upgraded: Upgraded) -> None:
    for name, was in upgraded.expected["actions"].items():
        action = upgraded.store.get_action(was["id"])
        assert action.call.tool == was["tool"], name
        assert action.status.value == was["status"], name
        assert action.call.args == was["args"], name
        assert action.run_args == was["run_args"], name
        assert _same_decision(action.decision, was["decision"]), name
        assert len(action.approvals) == len(was["approvals"]), name
        assert all(map(_same_decision, action.approvals, was["approvals"])), name
        assert action.result == was["result"], name
        assert action.error == was["error"], name


def test_the_release_tokens_still_authenticate_and_the_revoked_one_does_not(upgraded: Upgraded) -> None:
    tokens = Tokens(upgraded.store, upgraded.plane.clock)
    for issued in upgraded.expected["tokens"]:
        if issued["active"]:
            identity = tokens.authenticate(issued["token"])
            assert (identity.name, identity.role.value) == (issued["name"], issued["role"])
            assert list(identity.groups) == issued["groups"]
        else:
            with pytest.raises(Unauthenticated):
                tokens.authenticate(issued["token"])


def test_lanes_shadow_cases_and_the_outbox_read_back(upgraded: Upgraded) -> None:
    levels = {lane: upgraded.plane.lane(lane).level.value for lane in upgraded.expected["lanes"]}
    assert levels == upgraded.expected["lanes"]
    cases = upgraded.store.shadow_cases(ShadowFilter())
    assert sorted([c.subject, c.result.value if c.result else None] for c in cases) == upgraded.expected["shadow_cases"]
    deliveries = sorted(d.status for d in upgraded.store.outbox_list(limit=1000))
    assert deliveries == upgraded.expected["deliveries"]


def _same_decision(decision: object, was: dict[str, Any] | None) -> bool:
    """The release's decision, field by field (a field added since then may only have been added, not changed)."""
    if was is None:
        return decision is None
    fields = {key: value for key, value in was.items() if key != "type"}
    return type(decision).__name__ == was["type"] and all(getattr(decision, k) == v for k, v in fields.items())
