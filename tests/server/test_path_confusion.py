"""Names an agent chooses (tools, lanes) never steer a URL: dashboard forms carry them in fields, templates encode
whatever agent-controlled text goes into a link, and the API takes tool names with "/" (MCP's ``fs/write``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from databases import sqlite_url
from serving import AppServer, log_in

from tether import Policy, ToolCall
from tether.agent._remote import _lane_path
from tether.model import Role
from tether.plane import ControlPlane
from tether.store import open_store

TEMPLATES = Path(__file__).resolve().parents[2] / "tether" / "server" / "dashboard" / "templates"
# What may go into a URL unencoded: ids and numbers Tether makes itself, and values built and encoded in code.
MINTED = {"a.id", "d.id", "d.action_id", "e.action_id", "token", "page - 1", "page + 1", "older", "query", "href"}
MINTED.add("'tool' if by == 'lane' else 'lane'")
URL_ATTRIBUTE = re.compile(r'(?:href|action|src|formaction)="([^"]*)"')
EXPRESSION = re.compile(r"\{\{\s*(.*?)\s*\}\}")
EVIL = "../../breakers/bot/send_email/close#"
POLICY = {
    "tools": {
        "send_email": {"risk": "medium", "reversible": "yes"},
        "fs/write": {"risk": "low", "reversible": "yes"},
        EVIL: {"risk": "low", "reversible": "yes"},
    },
    "limits": [{"id": "email-burst", "tool": "send_email", "max": 1, "per": "1h"}],
}


def test_every_template_url_encodes_what_tether_did_not_mint() -> None:
    unencoded = []
    for template in sorted(TEMPLATES.glob("*.html")):
        for url in URL_ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            for expression in EXPRESSION.findall(url):
                if expression not in MINTED and not expression.endswith("|urlencode"):
                    unencoded.append(f"{template.name}: {{{{ {expression} }}}} in {url!r}")
    assert unencoded == [], "encode agent-controlled text in URLs (|urlencode), or send it as a form field"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "paths.db")))
    app = AppServer(plane, sweep_interval=0)
    yield app
    app.stop()
    plane.store.close()


def admin_browser(server: AppServer) -> tuple[object, str]:
    http = server.client()
    assert log_in(http, server.token("ada", Role.ADMIN), origin=server.url).status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', http.get("/lanes").text)
    assert csrf
    return http, csrf.group(1)


def test_demoting_a_lane_named_like_another_endpoint_demotes_that_lane_and_closes_no_breaker(
    server: AppServer,
) -> None:
    plane = server.plane
    for n in range(2):  # the second email trips the burst limit: bot/send_email's breaker opens
        plane.submit(ToolCall(tool="send_email", args={"to": f"c{n}@x"}, agent="bot"), worker="w")
    plane.submit(ToolCall(tool=EVIL, args={}, agent="bot"), worker="w")
    assert [b.tool for b in plane.breakers()] == ["send_email"]
    http, csrf = admin_browser(server)
    page = http.get("/lanes").text  # type: ignore[attr-defined]
    assert 'action="/lanes/move"' in page
    assert f'action="/lanes/{EVIL}' not in page
    fields = {"csrf_token": csrf, "lane": f"bot/{EVIL}", "move": "demote"}
    moved = http.post("/lanes/move", data=fields, headers={"Origin": server.url})  # type: ignore[attr-defined]
    assert moved.status_code == 303, moved.text
    assert [b.tool for b in plane.breakers()] == ["send_email"]  # still open: only an admin's Close closes it
    assert plane.lane(f"bot/{EVIL}").level.value == "override"


def test_a_tool_with_a_slash_in_its_name_is_demoted_and_its_breaker_closed_in_the_dashboard_and_the_api(
    server: AppServer,
) -> None:
    plane = server.plane
    plane.submit(ToolCall(tool="fs/write", args={"path": "a"}, agent="bot"), worker="w")
    http, csrf = admin_browser(server)
    fields = {"csrf_token": csrf, "lane": "bot/fs/write", "move": "demote"}
    assert http.post("/lanes/move", data=fields, headers={"Origin": server.url}).status_code == 303  # type: ignore[attr-defined]
    assert plane.lane("bot/fs/write").level.value == "override"
    api = server.client(headers={"Authorization": f"Bearer {server.token('root', Role.ADMIN)}"})
    lane = api.get("/v1/lanes/bot/fs/write")
    assert lane.status_code == 200, lane.text
    assert lane.json()["lane"] == "bot/fs/write"
    demoted = api.post("/v1/lanes/bot/fs/write/demote", json={})
    assert demoted.status_code == 200, demoted.text
    assert demoted.json()["level"] == "approve"
    refused = api.post("/v1/breakers/bot/fs/write/close")
    assert refused.status_code == 404  # no breaker is open on it: a clear 404, not a mismatched route


def test_a_remote_client_encodes_every_segment_of_a_lane() -> None:
    assert _lane_path("bot/fs/write") == "bot/fs/write"
    assert _lane_path("bot/../../breakers/x") == "bot/%2E%2E/%2E%2E/breakers/x"
    assert _lane_path("bot/a b#c?d") == "bot/a%20b%23c%3Fd"
