"""Every documented step runs as written: the blocks of README.md and docs/ run here, in order, page by page.

What each block promises, and how it is marked when it is only a fragment, is in ``tests/docs/blocks.py``; how a
page is run (one directory, one shell session, a real server where the page starts one) in
``tests/docs/runner.py``.
"""

from __future__ import annotations

import ast
import json
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from serving import free_port

from docs.blocks import PAGES, PARSED, ROOT, Block, blocks
from docs.runner import BlockFailed, PageSession

# What a page tells its reader to have done before its first block, in its own words (quoted in the comment).
BEFORE: dict[str, str] = {
    "README.md": "tether init",  # "`tether init` writes an example policy"
    "docs/api.md": "tether init",  # "the policy file at `path` (`tether init` writes one)"
    "docs/integrations/langchain.md": "tether init",  # "Tether's example one (`tether init` writes it)"
}

ALL = [block for page in PAGES for block in blocks(page)]
RUN_PAGES = sorted({b.page for b in ALL if b.runs}, key=str)


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("block", [b for b in ALL if b.marker == "fragment"], ids=lambda b: b.where)
def test_a_fragment_says_what_it_leaves_out_and_still_parses(block: Block) -> None:
    assert len(block.why.split()) >= 3, f"{block.where}: say what the fragment leaves out"
    if block.lang == "python":
        ast.parse(block.text, filename=block.where)


@pytest.mark.parametrize("block", [b for b in ALL if b.lang in PARSED], ids=lambda b: b.where)
def test_config_and_data_blocks_parse(block: Block) -> None:
    if block.lang == "toml":
        tomllib.loads(block.text)
    else:
        json.loads(block.text)


@pytest.mark.parametrize("block", [b for b in ALL if b.marker == "tested-by"], ids=lambda b: b.where)
def test_a_block_tested_elsewhere_names_a_test_that_reads_its_page(block: Block) -> None:
    path, _, name = block.why.partition("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    assert f"def {name}(" in source, f"{block.where}: {block.why} does not exist"
    assert block.page.name in source, f"{block.where}: {path} never reads {block.page.name}"


@pytest.mark.parametrize("page", RUN_PAGES, ids=_name)
def test_the_page_runs_as_written(page: Path, tmp_path: Path) -> None:
    session = PageSession(tmp_path, free_port())
    try:
        if _name(page) in BEFORE:
            session.shell(Block(page, 0, "sh", BEFORE[_name(page)], None, ""))
        for block in blocks(page):
            if block.runs:
                session.run(block)
    finally:
        session.close()


def test_a_block_that_fails_fails_its_page(tmp_path: Path) -> None:
    """The harness itself: a failing command, a refused request and a raising snippet each stop the run."""
    page = ROOT / "README.md"
    nothing_here = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)  # answers 501 to everything
    threading.Thread(target=nothing_here.serve_forever, daemon=True).start()
    session = PageSession(tmp_path, nothing_here.server_address[1])
    try:
        with pytest.raises(BlockFailed, match=r"README\.md:7: the block failed"):
            session.run(Block(page, 7, "sh", "true\nfalse\n", None, ""))
        with pytest.raises(BlockFailed, match="exit 22"):  # curl's code for an HTTP error status
            session.run(Block(page, 8, "sh", "curl -s http://127.0.0.1:8700/nowhere\n", None, ""))
        with pytest.raises(ZeroDivisionError):
            session.run(Block(page, 9, "python", "1 / 0\n", None, ""))
        with pytest.raises(BlockFailed, match="no extra"):
            session.run(Block(page, 10, "sh", 'pip install "tether[nonesuch]"\n', None, ""))
        session.run(Block(page, 11, "sh", "ANSWER=42\n", None, ""))
        session.run(Block(page, 12, "python", "import os\nassert os.environ['ANSWER'] == '42'\n", None, ""))
    finally:
        session.close()
        nothing_here.shutdown()
        nothing_here.server_close()
