"""The demo's logins: the same from one run to the next while the store accepts them, so repeated `make demo` runs
neither log the browser out nor pile up tokens of the same names."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from databases import sqlite_url

from tether import Policy
from tether.demo.live import PEOPLE, make_logins
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.store import open_store


def test_a_second_run_reuses_the_logins_and_a_revoked_one_is_replaced(tmp_path: Path) -> None:
    plane = ControlPlane(Policy.default(), open_store(sqlite_url(tmp_path / "demo.db")))
    saved = tmp_path / "logins.json"
    try:
        first = make_logins(plane, saved)
        assert [(x.name, x.role, x.groups) for x in first] == PEOPLE
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600  # the secrets are the owner's alone
        assert make_logins(plane, saved) == first
        assert len(plane.store.list_tokens()) == len(PEOPLE)  # no new tokens for the same people

        Tokens(plane.store, plane.clock).revoke("alice", by="test")
        third = make_logins(plane, saved)
        assert third != first
        assert all(Tokens(plane.store, plane.clock).authenticate(x.token) for x in third)
        assert json.loads(saved.read_text(encoding="utf-8"))[0]["token"] == third[0].token

        saved.write_text("not json", encoding="utf-8")  # a damaged file: new logins, no traceback
        assert make_logins(plane, saved) != third
    finally:
        plane.store.close()
