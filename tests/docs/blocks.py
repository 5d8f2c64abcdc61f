"""The fenced code blocks of the project's Markdown pages, and what each one promises.

Every ``python`` and ``sh`` block is a promise that it runs as printed, unless the line just above its fence says
otherwise in an HTML comment (invisible on the rendered page):

- ``<!-- fragment: WHY -->``: a piece of a program, shown but not run (it uses names the reader supplies, or
  waits for a human); a Python fragment must still parse, and WHY must say what it leaves out.
- ``<!-- tested-by: tests/FILE.py::TEST -->``: a dedicated test runs this block as printed (with a stand-in model,
  say); that test must exist and read this page.

``toml`` and ``json`` blocks must parse; blocks in other languages, or none, are pictures and output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
RUNNABLE = {"python", "sh"}
PARSED = {"toml", "json"}

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!-- (fragment|tested-by): (.+?) -->$")


class DocsError(Exception):
    """A page's block or marker is malformed (an unclosed fence, a marker without a reason)."""


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    marker: str | None  # "fragment", "tested-by" or None
    why: str  # the marker's argument

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def runs(self) -> bool:
        """Whether the docs harness runs this block itself."""
        return self.lang in RUNNABLE and self.marker is None


def blocks(page: Path) -> list[Block]:
    """The page's fenced blocks in order."""
    lines = page.read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opened = FENCE.match(lines[i])
        if opened is None:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            i += 1
        if i == len(lines):
            raise DocsError(f"{page.relative_to(ROOT)}:{start + 1}: a code block that is never closed")
        marked = MARKER.match(lines[start - 1].strip()) if start else None
        if start and lines[start - 1].startswith("<!--") and marked is None:
            raise DocsError(
                f"{page.relative_to(ROOT)}:{start}: unknown block marker {lines[start - 1]!r}"
                " (expected <!-- fragment: WHY --> or <!-- tested-by: tests/FILE.py::TEST -->)"
            )
        found.append(
            Block(
                page=page,
                line=start + 1,
                lang=opened.group(1),
                text="\n".join(lines[start + 1 : i]) + "\n",
                marker=marked.group(1) if marked else None,
                why=marked.group(2).strip() if marked else "",
            )
        )
        i += 1
    return found
