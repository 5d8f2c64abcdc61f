"""``Policy.version``: a stable fingerprint of the configuration, stored with every action."""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

from tether.policy import Policy

from .support import SEED_POLICY, policy, seed_policy


def test_the_version_is_a_sha256_hex_digest() -> None:
    version = seed_policy().version
    assert len(version) == 64
    assert set(version) <= set(string.hexdigits.lower())


def test_the_same_config_gives_the_same_version() -> None:
    assert seed_policy().version == seed_policy().version


def test_a_changed_config_gives_a_different_version() -> None:
    changed = SEED_POLICY.replace('risk = "low"', 'risk = "medium"')
    assert policy(changed).version != seed_policy().version


def test_a_changed_default_gives_a_different_version() -> None:
    assert seed_policy("[defaults]\nescalate_below = 0.7").version != seed_policy().version


def test_comments_and_key_order_do_not_change_the_version() -> None:
    reordered = policy('# the ticket tool\n[tools.t]\nreversible = "yes"\nrisk = "low"  # harmless\n')
    assert reordered.version == policy('[tools.t]\nrisk = "low"\nreversible = "yes"').version


def test_where_the_policy_came_from_does_not_change_the_version(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_text(SEED_POLICY, encoding="utf-8")
    assert Policy.from_file(path).version == Policy.from_toml(SEED_POLICY, source="elsewhere").version


def test_the_version_is_the_same_in_another_process(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_text(SEED_POLICY, encoding="utf-8")
    script = "import sys; from tether.policy import Policy; print(Policy.from_file(sys.argv[1]).version)"
    versions = {
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert versions == {Policy.from_file(path).version}


def test_a_key_added_later_changes_the_version_only_when_set() -> None:
    """Upgrading Tether keeps the version of an unchanged file (it is stored with every action)."""
    plain = '[tools.t]\nrisk = "low"\nreversible = "yes"\n'
    assert policy(plain).version == "47b8e10852cbd431e92374ab2cf24294ed029aac8fe4e8fe8fde5c51e75037c2"  # as 0.1.0
    everything = plain + 'decisions = ["approve", "edit", "reject", "respond"]\n'
    assert policy(everything).version == policy(plain).version
    assert policy(plain + 'decisions = ["approve", "reject"]\n').version != policy(plain).version
