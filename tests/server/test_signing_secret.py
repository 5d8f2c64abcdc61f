"""Sessions and email links are signed with a secret kept outside the database: a copy of the database (which holds
token digests and, before, the link key) forges nothing, and a process with another secret refuses to start."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
from cli_runner import tether
from databases import sqlite_url
from serving import AppServer, log_in

from tether import Policy, ToolCall
from tether.errors import ConfigError
from tether.model import Role
from tether.notify._keys import LINK_SECRET, SigningKeys
from tether.notify._signing import LinkSigner
from tether.plane import ControlPlane
from tether.server import create_app
from tether.store import open_store

SECRET = "s" * 20 + "-a-long-enough-signing-secret"
POLICY = {"tools": {"wire": {"risk": "high", "reversible": "no"}}}


def make_plane(tmp_path: Path) -> ControlPlane:
    return ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "signed.db")))


def test_with_a_signing_secret_the_database_alone_forges_no_session_and_no_link(tmp_path: Path) -> None:
    plane = make_plane(tmp_path)
    app = AppServer(plane, sweep_interval=0, env={"TETHER_SECRET": SECRET})
    try:
        app.token("ada", Role.ADMIN)
        (record,) = plane.store.list_tokens()
        # What a copy of the database gives: the token's digest, and whatever the secrets table holds.
        expires = "9999999999"
        payload = f"{record.id}.{expires}"
        key = hashlib.sha256(f"tether-session:{record.digest}".encode()).digest()
        forged = f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()}"
        assert app.client(cookies={"tether_session": forged}).get("/inbox").status_code == 303  # to the login page
        assert log_in(app.client(), app.token("ada", Role.ADMIN), origin=app.url).status_code == 303

        action = plane.submit(ToolCall(tool="wire", args={"amount": 5}, agent="bot"))
        expires_at = int(plane.clock.now().timestamp()) + 3600
        now = plane.clock.now().timestamp()
        from_the_database = LinkSigner(plane.store.secret(LINK_SECRET)).make(
            action.id, "ada", "reject", expires_at, issued=now
        )
        assert app.client().get(f"/links/{from_the_database}").status_code == 403
        keys = SigningKeys.from_env(plane.store, {"TETHER_SECRET": SECRET})
        genuine = LinkSigner(keys.key("links")).make(action.id, "ada", "reject", expires_at, issued=now)
        assert app.client().get(f"/links/{genuine}").status_code == 200
    finally:
        app.stop()
        plane.store.close()


def test_a_process_with_another_secret_refuses_to_start_until_the_new_one_is_adopted(tmp_path: Path) -> None:
    plane = make_plane(tmp_path)
    try:
        create_app(plane, env={"TETHER_SECRET": SECRET})  # the first records its fingerprint
        with pytest.raises(ConfigError, match="not the signing secret this database was set up with"):
            create_app(plane, env={"TETHER_SECRET": SECRET + "-rotated"})
        with pytest.raises(ConfigError, match="at least 32 characters"):
            create_app(plane, env={"TETHER_SECRET": "short"})
        env = {**os.environ, "TETHER_SECRET": SECRET + "-rotated", "COLUMNS": "200"}
        adopted = tether(tmp_path, "--db", plane.store.url, "secret", "adopt", env=env)
        assert adopted.returncode == 0, adopted.stderr
        create_app(plane, env={"TETHER_SECRET": SECRET + "-rotated"})
        with pytest.raises(ConfigError, match="not the signing secret"):
            create_app(plane, env={"TETHER_SECRET": SECRET})
    finally:
        plane.store.close()


def test_secret_generate_writes_a_file_only_its_owner_reads_and_never_overwrites_one(tmp_path: Path) -> None:
    path = tmp_path / "tether.secret"
    made = tether(tmp_path, "secret", "generate", "--file", str(path))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text(encoding="utf-8").strip()) >= 32
    again = tether(tmp_path, "secret", "generate", "--file", str(path))
    assert again.returncode == 1
    assert "exists already" in again.stderr
    plane = make_plane(tmp_path)
    try:
        create_app(plane, env={"TETHER_SECRET_FILE": str(path)})  # the file works like the variable
        with pytest.raises(ConfigError, match="TETHER_SECRET_FILE names"):
            create_app(plane, env={"TETHER_SECRET_FILE": str(tmp_path / "missing")})
    finally:
        plane.store.close()
