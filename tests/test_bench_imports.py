"""``make bench`` keeps working: every benchmark module imports against today's code (a benchmark that imported a
module since renamed went unnoticed until someone ran it)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "bench"


@pytest.mark.parametrize("module", sorted(p.stem for p in BENCH.glob("*.py")))
def test_the_benchmark_module_imports(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    for name in [n for n in sys.modules if n in {p.stem for p in BENCH.glob("*.py")}]:
        monkeypatch.delitem(sys.modules, name)
    importlib.import_module(module)
