"""The examples in examples/ run as a user would run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_quickstart_runs_in_an_empty_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "pending"
    assert lines[2] == "sent 50 to A-1"
    assert lines[3] == "sent 50 to A-1"
    assert lines[4] == "T-42 filed under billing"
    assert lines[5].startswith("audit log intact: 8 events")
