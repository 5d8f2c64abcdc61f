"""The HTTP API as an agent written in any language would use it: plain JSON over HTTP.

The behaviour tests call the app in process (``server``: the same app object, no socket); the ones about the
transport itself (long polls, event streams, a chunked body) go over real HTTP on loopback (``live``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from databases import sqlite_url
from serving import AppServer, LiveServer
from waiting import wait_until

from tether import FakeClock, Policy
from tether.model import Role
from tether.plane import ControlPlane
from tether.store import open_store

POLICY = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "send_email": {"risk": "medium", "reversible": "yes"},
        "transfer_funds": {"risk": "critical", "reversible": "no", "reviewers": "finance"},
    },
    "limits": [{"id": "blast", "tool": "send_email", "max": 2, "per": "1h"}],
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "api.db")))
    app = AppServer(plane, sweep_interval=0.2)
    yield app
    app.stop()
    plane.store.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "api.db")))
    served = LiveServer(plane, sweep_interval=0.2)
    yield served
    served.stop()
    plane.store.close()


def client(server: AppServer | LiveServer, name: str, role: Role, groups: tuple[str, ...] = ()) -> httpx.Client:
    headers = {"Authorization": f"Bearer {server.token(name, role, groups)}"}
    if isinstance(server, AppServer):
        return server.client(headers=headers)
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def submit(agent: httpx.Client, tool: str = "transfer_funds", **args: object) -> dict[str, Any]:
    response = agent.post("/v1/actions", json={"tool": tool, "args": args or {"account": "A", "amount": 5}})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_health_and_readiness(server: AppServer) -> None:
    assert server.client().get("/healthz").json()["ok"] is True
    ready = server.client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True


def test_the_openapi_document_lists_the_v1_api(server: AppServer) -> None:
    paths = server.client().get("/openapi.json").json()["paths"]
    for path in ("/v1/actions", "/v1/actions/{action_id}/claim", "/v1/actions/{action_id}/decision", "/v1/events"):
        assert path in paths


def test_an_auto_call_comes_back_claimed_and_its_result_is_recorded(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    body = agent.post("/v1/actions", json={"tool": "classify_ticket", "args": {"ticket": "T-1"}, "worker": "w1"}).json()
    action = body["action"]
    assert action["status"] == "running"
    assert action["claimed_by"] == "w1"
    reported = agent.post(f"/v1/actions/{action['id']}/result", json={"worker": "w1", "result": "billing"})
    assert reported.status_code == 200, reported.text
    assert reported.json()["outcome"] == {
        "kind": "executed",
        "action_id": action["id"],
        "text": "billing",
        "result": "billing",
        "window_ends_at": None,
    }


def test_the_agent_flow_for_a_held_call_over_plain_http(live: LiveServer) -> None:
    agent = client(live, "bot", Role.AGENT)
    reviewer = client(live, "alice", Role.REVIEWER, ("finance",))
    held = submit(agent)
    action = held["action"]
    assert isinstance(action, dict)
    assert held["outcome"]["kind"] == "pending"

    def approve_soon() -> None:
        wait_until(lambda: live.requests_in_flight() > 0, message="the agent's long poll never opened")
        reviewer.post(f"/v1/actions/{action['id']}/decision", json={"kind": "approve", "note": "ok"})

    threading.Thread(target=approve_soon).start()
    waited = agent.get(f"/v1/actions/{action['id']}/wait", params={"version": action["version"], "timeout": 10})
    assert waited.json()["action"]["status"] == "approved"

    first = agent.post(f"/v1/actions/{action['id']}/claim", json={"worker": "w1"})
    second = agent.post(f"/v1/actions/{action['id']}/claim", json={"worker": "w2"})
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["type"] == "claim_conflict"
    done = agent.post(f"/v1/actions/{action['id']}/result", json={"worker": "w1", "result": "sent"})
    assert done.json()["action"]["status"] == "executed"
    shown = reviewer.get(f"/v1/actions/{action['id']}").json()
    decided = [e for e in shown["timeline"] if e["kind"] == "action.approved"]
    assert decided[0]["actor"] == "human:alice"  # the reviewer's identity comes from the token


def test_an_agent_can_never_decide(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    held = submit(agent)["action"]
    refused = agent.post(f"/v1/actions/{held['id']}/decision", json={"kind": "approve"})
    assert refused.status_code == 403


def test_an_agent_cannot_submit_as_another_agent(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    refused = agent.post("/v1/actions", json={"tool": "classify_ticket", "agent": "other-bot"})
    assert refused.status_code == 403
    assert "cannot submit as 'other-bot'" in refused.json()["error"]["message"]


def test_an_agent_touches_only_its_own_actions(server: AppServer) -> None:
    owner = client(server, "bot", Role.AGENT)
    other = client(server, "other-bot", Role.AGENT)
    held = submit(owner)["action"]
    action_id = held["id"]
    assert other.get(f"/v1/actions/{action_id}").status_code == 403
    assert other.post(f"/v1/actions/{action_id}/claim", json={"worker": "x"}).status_code == 403
    assert other.get("/v1/actions").json()["actions"] == []
    assert [a["action"]["id"] for a in owner.get("/v1/actions").json()["actions"]] == [action_id]


def test_reviewers_decide_only_for_their_group(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    outsider = client(server, "mallory", Role.REVIEWER, ("support",))
    finance = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    refused = outsider.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"})
    assert refused.status_code == 403
    assert "finance" in refused.json()["error"]["message"]
    assert finance.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"}).status_code == 200


def test_viewers_read_but_cannot_decide(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    viewer = client(server, "victor", Role.VIEWER)
    action_id = submit(agent)["action"]["id"]
    assert viewer.get(f"/v1/actions/{action_id}").status_code == 200
    assert viewer.get("/v1/audit").status_code == 200
    assert viewer.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"}).status_code == 403


def test_a_reject_without_a_note_is_a_422_naming_the_field(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    refused = alice.post(f"/v1/actions/{action_id}/decision", json={"kind": "reject"})
    assert refused.status_code == 422
    assert "a rejection needs a note saying why" in refused.json()["error"]["message"]
    assert refused.json()["error"]["fields"][0]["field"] == "body"
    assert alice.get(f"/v1/actions/{action_id}").json()["action"]["status"] == "pending"


def test_a_second_decision_is_a_409_that_says_who_decided(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    bob = client(server, "bob", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    alice.post(f"/v1/actions/{action_id}/decision", json={"kind": "reject", "note": "no"})
    late = bob.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"})
    assert late.status_code == 409
    assert late.json()["error"] == {
        "type": "already_decided",
        "message": late.json()["error"]["message"],
    }
    assert "reject by alice" in late.json()["error"]["message"]


def test_requests_without_a_valid_token_are_401(server: AppServer) -> None:
    assert server.client().get("/v1/actions").status_code == 401
    bad = server.client().get("/v1/actions", headers={"Authorization": "Bearer tth_nope_nope"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_a_revoked_token_is_refused_at_once(server: AppServer) -> None:
    viewer = client(server, "victor", Role.VIEWER)
    assert viewer.get("/v1/audit/head").status_code == 200
    server.issuer.revoke("victor", by="admin")
    assert viewer.get("/v1/audit/head").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tool": "classify_ticket", "confidence": 1.5}, "body.confidence"),
        ({"tool": "classify_ticket", "colour": "red"}, "body.colour"),
        ({"tool": ""}, "body.tool"),
        ({"args": {}}, "body.tool"),
        ({"tool": "classify_ticket", "args": {"blob": "x" * 70_000}}, "body.args"),
    ],
)
def test_a_malformed_submission_is_a_422_naming_the_field(
    server: AppServer, body: dict[str, object], field: str
) -> None:
    agent = client(server, "bot", Role.AGENT)
    response = agent.post("/v1/actions", json=body)
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["error"]["fields"]]


def test_a_decision_body_must_fit_its_kind(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    for body in ({"kind": "edit"}, {"kind": "respond"}, {"kind": "approve", "message": "x"}, {"kind": "maybe"}):
        response = alice.post(f"/v1/actions/{action_id}/decision", json=body)
        assert response.status_code == 422, body


def test_not_json_and_oversized_bodies_are_4xx(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    not_json = agent.post("/v1/actions", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 422
    huge = agent.post("/v1/actions", content=b"x" * (3 * 1024 * 1024), headers={"content-type": "application/json"})
    assert huge.status_code == 413


def test_an_unknown_action_is_404(server: AppServer) -> None:
    viewer = client(server, "victor", Role.VIEWER)
    response = viewer.get("/v1/actions/nope")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def test_the_audit_log_can_be_read_verified_and_anchored(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    viewer = client(server, "victor", Role.VIEWER)
    submit(agent)
    head = viewer.get("/v1/audit/head").json()
    verified = viewer.get("/v1/audit/verify", params={"anchor_seq": head["seq"], "anchor_hash": head["hash"]}).json()
    assert verified["ok"] is True
    kinds = [e["kind"] for e in viewer.get("/v1/audit", params={"kind": "action.proposed"}).json()["events"]]
    assert kinds == ["action.proposed"]


def test_breakers_are_listed_and_closed_by_admins_only(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    for n in range(3):
        agent.post("/v1/actions", json={"tool": "send_email", "args": {"n": n}, "has_undo": True})
    viewer = client(server, "victor", Role.VIEWER)
    admin = client(server, "root", Role.ADMIN)
    assert viewer.get("/v1/breakers").json()["breakers"][0]["lane"] == "bot/send_email"
    assert viewer.post("/v1/breakers/bot/send_email/close").status_code == 403
    assert admin.post("/v1/breakers/bot/send_email/close").status_code == 200
    assert viewer.get("/v1/breakers").json()["breakers"] == []


def test_metrics_follow_prometheus_conventions(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    submit(agent)
    alice.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"})
    text = server.client().get("/metrics").text
    assert 'tether_actions_total{mode="approve",outcome="approved"} 1.0' in text
    assert "tether_pending_actions 1.0" in text
    assert "tether_review_latency_seconds_count 1.0" in text
    assert "tether_audit_events_total" in text
    assert action_id not in text  # no per-action labels


def test_events_stream_lifecycle_changes_and_resume_from_last_event_id(live: LiveServer) -> None:
    agent = client(live, "bot", Role.AGENT)
    viewer_token = live.token("victor", Role.VIEWER)
    headers = {"Authorization": f"Bearer {viewer_token}"}
    first = submit(agent)["action"]["id"]
    received = read_events(live, headers, params={"after": 0, "kind": "action."}, count=1)
    assert received[0]["action_id"] == first
    last_id = received[0]["seq"]
    second = submit(agent)["action"]["id"]
    resumed = read_events(live, {**headers, "Last-Event-ID": str(last_id)}, params={"kind": "action."}, count=1)
    assert resumed[0]["action_id"] == second
    assert resumed[0]["tool"] == "transfer_funds"


def test_events_can_be_filtered_by_agent_and_tool(live: LiveServer) -> None:
    bot = client(live, "bot", Role.AGENT)
    other = client(live, "other-bot", Role.AGENT)
    submit(other)
    mine = submit(bot, tool="classify_ticket", ticket="T")["action"]["id"]
    headers = {"Authorization": f"Bearer {live.token('victor', Role.VIEWER)}"}
    events = read_events(live, headers, params={"after": 0, "agent": "bot", "tool": "classify_ticket"}, count=2)
    assert {e["action_id"] for e in events} == {mine}


def read_events(
    server: LiveServer, headers: dict[str, str], *, params: dict[str, object], count: int
) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    with httpx.stream("GET", f"{server.url}/v1/events", headers=headers, params=params, timeout=10) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                found.append(json.loads(line[5:].strip()))
                if len(found) >= count:
                    break
    return found


def test_the_human_outcome_is_recorded_over_http_and_paired_with_the_agents_proposal(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    human = client(server, "ops-script", Role.REVIEWER)
    viewer = client(server, "victor", Role.VIEWER)
    proposed = agent.post(
        "/v1/shadow/agent", json={"subject": "T-9", "tool": "classify_ticket", "args": {"ticket": "T-9"}}
    )
    assert proposed.status_code == 201, proposed.text
    recorded = human.post(
        "/v1/shadow/human", json={"subject": "T-9", "tool": "classify_ticket", "args": {"ticket": "T-9"}}
    )
    assert recorded.status_code == 201, recorded.text
    case = recorded.json()["case"]
    assert (case["result"], case["human_side"]["by"]) == ("agree", "ops-script")
    report = viewer.get("/v1/shadow/report").json()["rows"]
    assert [(r["key"], r["cases"], r["agreement"]) for r in report] == [("bot/classify_ticket", 1, 1.0)]
    assert viewer.post("/v1/shadow/human", json={"subject": "x"}).status_code == 403
    assert agent.post("/v1/shadow/human", json={"subject": "x"}).status_code == 403  # never grades itself
    bad = human.post("/v1/shadow/human", json={"subject": "", "tool": "x"})
    assert bad.status_code == 422


# -- hardening ------------------------------------------------------------------------------------------------------


def test_a_chunked_body_over_the_limit_is_refused_before_it_is_read_whole(live: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * (128 * 1024)  # 5 MiB in all, with no Content-Length

    response = httpx.post(f"{live.url}/v1/actions", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "args",
    [
        {"a": json.loads("[" * 40 + "]" * 40)},  # tiny, but nested 40 deep
        {"note": "\ud800"},  # a lone surrogate: not valid Unicode
    ],
    ids=["deep", "surrogate"],
)
def test_arguments_that_could_not_be_stored_are_422_and_nothing_breaks(
    server: AppServer, args: dict[str, object]
) -> None:
    agent = client(server, "bot", Role.AGENT)
    body = json.dumps({"tool": "classify_ticket", "args": args}, ensure_ascii=True)
    response = agent.post("/v1/actions", content=body.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422
    viewer = client(server, "victor", Role.VIEWER)
    assert viewer.get("/v1/actions").status_code == 200
    assert viewer.get("/v1/audit").status_code == 200


def test_huge_sequence_numbers_are_422_not_500(server: AppServer) -> None:
    viewer = client(server, "victor", Role.VIEWER)
    assert viewer.get("/v1/audit", params={"after": 10**30}).status_code == 422
    assert viewer.get("/v1/audit/verify", params={"anchor_seq": 3}).status_code == 422  # half an anchor


def test_the_server_never_retries_an_irreversible_tool(server: AppServer) -> None:
    from datetime import timedelta

    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    alice.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"})
    server.plane.lease = timedelta(milliseconds=100)  # the worker will "die" without renewing
    agent.post(f"/v1/actions/{action_id}/claim", json={"worker": "w1"})

    def status() -> str:
        found: str = agent.get(f"/v1/actions/{action_id}").json()["action"]["status"]
        return found

    wait_until(lambda: status() != "running", message="the sweeper never looked at the dead claim")
    assert status() == "unknown"  # the sweeper (every 0.2 s) marked the dead claim unknown
    refused = agent.post(f"/v1/actions/{action_id}/claim", json={"worker": "w2", "retry": True})
    assert refused.status_code == 403
    assert "never retried" in refused.json()["error"]["message"]


def test_an_agent_cannot_renew_another_agents_lease(server: AppServer) -> None:
    owner = client(server, "bot", Role.AGENT)
    other = client(server, "other-bot", Role.AGENT)
    running = owner.post("/v1/actions", json={"tool": "classify_ticket", "worker": "w1"}).json()["action"]
    claims = {"claims": [{"action_id": running["id"], "worker": "w1"}]}
    assert other.post("/v1/leases", json=claims).json() == {"renewed": 0}
    assert owner.post("/v1/leases", json=claims).json() == {"renewed": 1}


def test_a_runnable_call_without_a_worker_is_claimed_by_a_named_one(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    action = agent.post("/v1/actions", json={"tool": "classify_ticket"}).json()["action"]
    assert action["claimed_by"].startswith("http-")
    done = agent.post(f"/v1/actions/{action['id']}/result", json={"worker": action["claimed_by"], "result": 1})
    assert done.json()["action"]["status"] == "executed"


def test_submitting_the_same_call_twice_returns_the_first_action(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    first = agent.post("/v1/actions", json={"tool": "classify_ticket", "call_id": "c-1", "worker": "w1"}).json()
    again = agent.post("/v1/actions", json={"tool": "classify_ticket", "call_id": "c-1", "worker": "w2"}).json()
    assert again["action"]["id"] == first["action"]["id"]
    assert again["action"]["claimed_by"] == "w1"  # the second submit claimed nothing


def test_oldest_first_lists_work_queues_in_order(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    ids = [submit(agent)["action"]["id"] for _ in range(3)]
    listed = agent.get("/v1/actions", params={"oldest_first": True}).json()["actions"]
    assert [a["action"]["id"] for a in listed] == ids


def test_the_audit_kind_filter_scans_past_the_limit_and_says_where_to_continue(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    for _ in range(3):
        action_id = submit(agent)["action"]["id"]
        alice.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve"})
    viewer = client(server, "victor", Role.VIEWER)
    page = viewer.get("/v1/audit", params={"kind": "action.approved", "limit": 2}).json()
    assert [e["kind"] for e in page["events"]] == ["action.approved", "action.approved"]
    rest = viewer.get("/v1/audit", params={"kind": "action.approved", "after": page["next_after"]}).json()
    assert len(rest["events"]) == 1


def test_a_revoked_tokens_event_stream_ends(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tether.server import _events as events

    monkeypatch.setattr(events, "_REAUTH", 0)  # the stream checks its token again before every look at the log
    token = live.token("victor", Role.VIEWER)
    agent = client(live, "bot", Role.AGENT)
    after = live.plane.audit_head().seq
    heard: list[str] = []
    ended = threading.Event()

    def follow() -> None:
        with httpx.stream(
            "GET", f"{live.url}/v1/events", headers={"Authorization": f"Bearer {token}"}, params={"after": after}
        ) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    heard.append(line)
        ended.set()

    threading.Thread(target=follow, daemon=True).start()
    submit(agent)
    wait_until(lambda: heard, message="the stream delivered nothing while its token was valid")
    assert not ended.is_set()  # re-checked and still valid: the stream stays open
    live.issuer.revoke("victor", by="admin")
    assert ended.wait(5)


def test_admins_manage_tokens_over_http(server: AppServer) -> None:
    admin = client(server, "root", Role.ADMIN)
    viewer = client(server, "victor", Role.VIEWER)
    made = admin.post("/v1/tokens", json={"name": "carol", "role": "reviewer", "groups": ["finance"]})
    assert made.status_code == 201, made.text
    carol = server.client(headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert carol.get("/v1/audit/head").status_code == 200
    listed = admin.get("/v1/tokens").json()["tokens"]
    assert "token" not in listed[0]
    assert any(t["name"] == "carol" and t["groups"] == ["finance"] for t in listed)
    assert viewer.post("/v1/tokens", json={"name": "x", "role": "admin"}).status_code == 403
    assert admin.delete("/v1/tokens/carol").json() == {"revoked": 1}
    assert carol.get("/v1/audit/head").status_code == 401
    assert admin.delete("/v1/tokens/carol").status_code == 404


def test_lanes_over_http(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    admin = client(server, "root", Role.ADMIN)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    viewer = client(server, "victor", Role.VIEWER)
    done = agent.post("/v1/actions", json={"tool": "classify_ticket", "worker": "w1"}).json()["action"]
    agent.post(f"/v1/actions/{done['id']}/result", json={"worker": "w1", "result": "ok"})
    lanes = viewer.get("/v1/lanes").json()["lanes"]
    assert [(lane["lane"], lane["level"]) for lane in lanes] == [("bot/classify_ticket", "auto")]
    assert viewer.post("/v1/lanes/bot/classify_ticket/demote", json={}).status_code == 403
    flagged = alice.post(f"/v1/actions/{done['id']}/incident", json={"note": "misfiled"})
    assert flagged.status_code == 200, flagged.text
    assert flagged.json()["level"] == "approve"
    down = admin.post("/v1/lanes/bot/classify_ticket/demote", json={"to": "shadow"})
    assert down.json()["level"] == "shadow"
    refused = admin.post("/v1/lanes/bot/classify_ticket/promote")
    assert refused.status_code == 422
    assert viewer.get("/v1/lanes/bot/classify_ticket").json()["level"] == "shadow"


def test_viewers_see_secret_looking_arguments_redacted(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    viewer = client(server, "victor", Role.VIEWER)
    alice = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent, account="A", amount=1, api_key="sk-live-123")["action"]["id"]
    assert viewer.get(f"/v1/actions/{action_id}").json()["action"]["call"]["args"]["api_key"] == "[redacted]"
    assert alice.get(f"/v1/actions/{action_id}").json()["action"]["call"]["args"]["api_key"] == "sk-live-123"
    assert agent.get(f"/v1/actions/{action_id}").json()["action"]["call"]["args"]["api_key"] == "sk-live-123"


def test_the_proposing_agent_withdraws_its_held_call_and_nobody_else_may(server: AppServer) -> None:
    """An agent whose application said no takes its held call back: rejected in its name, so no reviewer can
    approve it into a call that will never be made. Only the proposing agent may; a note is required."""
    agent = client(server, "bot", Role.AGENT)
    other = client(server, "other-bot", Role.AGENT)
    reviewer = client(server, "alice", Role.REVIEWER, ("finance",))
    action_id = submit(agent)["action"]["id"]
    assert other.post(f"/v1/actions/{action_id}/withdraw", json={"note": "no"}).status_code == 403
    assert reviewer.post(f"/v1/actions/{action_id}/withdraw", json={"note": "no"}).status_code == 403
    assert agent.post(f"/v1/actions/{action_id}/withdraw", json={"note": ""}).status_code == 422
    withdrawn = agent.post(f"/v1/actions/{action_id}/withdraw", json={"note": "the user said no"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["action"]["status"] == "rejected"
    assert withdrawn.json()["outcome"]["text"].endswith("the user said no")
    late = reviewer.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve", "note": "ok"})
    assert late.status_code == 409, late.text
    again = agent.post(f"/v1/actions/{action_id}/withdraw", json={"note": "again"})
    assert again.status_code == 409
    timeline = reviewer.get(f"/v1/actions/{action_id}").json()["timeline"]
    assert [e["kind"] for e in timeline][-1] == "action.withdrawn"
    assert timeline[-1]["actor"] == "agent:bot"


def test_a_decision_by_the_group_an_action_has_just_escalated_away_from_is_refused_with_403(tmp_path: Path) -> None:
    policy = {
        "tools": {
            "pay_invoice": {"risk": "critical", "reversible": "no", "timeout": "1h", "on_timeout": "escalate"}
            | {"reviewers": "finance", "escalate_to": "finance-leads"}
        }
    }
    clock = FakeClock()
    plane = ControlPlane(Policy.from_dict(policy), open_store(sqlite_url(tmp_path / "esc.db")), clock=clock)
    server = AppServer(plane, sweep_interval=0.2)
    try:
        agent = client(server, "bot", Role.AGENT)
        fiona = client(server, "fiona", Role.REVIEWER, ("finance",))
        lee = client(server, "lee", Role.REVIEWER, ("finance-leads",))
        action_id = submit(agent, "pay_invoice", invoice="INV-9")["action"]["id"]
        clock.advance(timedelta(hours=1))  # overdue: whoever comes first (the sweeper or the decision) escalates it
        refused = fiona.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve", "note": "ok"})
        assert refused.status_code == 403, refused.text
        assert "finance-leads" in refused.json()["error"]["message"]
        timeline = lee.get(f"/v1/actions/{action_id}").json()["timeline"]
        assert "action.escalated" in [e["kind"] for e in timeline]
        assert not [e for e in timeline if e["kind"] in ("action.approved", "action.rejected")]
        approved = lee.post(f"/v1/actions/{action_id}/decision", json={"kind": "approve", "note": "ok"})
        assert approved.status_code == 200, approved.text
    finally:
        server.stop()
        plane.store.close()


def test_an_agent_reads_the_policy_without_the_peoples_addresses_and_channels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK", "hook-secret")
    policy = {
        **POLICY,
        "notify": {
            "base_url": "https://tether.example",
            "channels": {
                "ops": {"type": "webhook", "url": "https://hooks.example/secret-path", "secret_env": "HOOK"},
                "mail": {"type": "email", "smtp": "smtp://smtp.internal.example:25", "sender": "t@x.example"}
                | {"to": ["ana"]},
            },
            "people": {"ana": {"email": "ana@example.com", "slack": "U123"}},
            "routes": [{"events": ["approval_needed"], "channels": ["ops", "mail"]}],
        },
    }
    plane = ControlPlane(Policy.from_dict(policy), open_store(sqlite_url(tmp_path / "p.db")))
    server = AppServer(plane, sweep_interval=0)
    try:
        agent = client(server, "bot", Role.AGENT).get("/v1/policy")
        assert agent.status_code == 200
        text = agent.text
        for secret in ("ana@example.com", "U123", "smtp.internal.example", "hooks.example/secret-path"):
            assert secret not in text
        assert agent.json()["config"]["tools"]["transfer_funds"]["risk"] == "critical"
        assert agent.json()["version"] == plane.policy.version
        admin = client(server, "root", Role.ADMIN).get("/v1/policy").text
        assert "ana@example.com" in admin
    finally:
        server.stop()
        plane.store.close()


def test_a_long_poll_whose_token_is_revoked_while_it_waits_learns_nothing(live: LiveServer) -> None:
    agent = client(live, "bot", Role.AGENT)
    reviewer = client(live, "alice", Role.REVIEWER, ("finance",))
    action = submit(agent)["action"]
    answers: list[httpx.Response] = []
    poll = threading.Thread(
        target=lambda: answers.append(
            agent.get(f"/v1/actions/{action['id']}/wait", params={"version": action["version"], "timeout": 30})
        )
    )
    poll.start()
    wait_until(lambda: live.requests_in_flight() > 0, message="the long poll never opened")
    live.issuer.revoke("bot", by="ada")
    decided = reviewer.post(f"/v1/actions/{action['id']}/decision", json={"kind": "reject", "note": "no"})
    assert decided.status_code == 200, decided.text
    poll.join(timeout=30)
    (answer,) = answers
    assert answer.status_code == 401, answer.text
    assert "action" not in answer.json()


def test_a_results_secrets_reach_only_the_agent_that_made_the_call_and_admins(server: AppServer) -> None:
    """The action keeps the whole result (the agent hands it on; compensators and replay read it); the audit log,
    its exports and streams, reviewers, viewers and the dashboard get secret-looking fields redacted."""
    agent = client(server, "bot", Role.AGENT)
    body = agent.post("/v1/actions", json={"tool": "classify_ticket", "args": {"ticket": "T-1"}, "worker": "w1"})
    action_id = body.json()["action"]["id"]
    result = {"label": "billing", "api_key": "sk-live-9", "dsn": "postgresql://app:hunter2@db/x"}
    done = agent.post(f"/v1/actions/{action_id}/result", json={"worker": "w1", "result": result})
    assert done.json()["action"]["result"] == result  # the agent that made the call gets it whole
    assert server.plane.get(action_id).result == result
    redacted = {"label": "billing", "api_key": "[redacted]", "dsn": "postgresql://app:[redacted]@db/x"}
    for name, role in (("alice", Role.REVIEWER), ("victor", Role.VIEWER)):
        seen = client(server, name, role, ("finance",)).get(f"/v1/actions/{action_id}").json()
        assert seen["action"]["result"] == redacted, name
        assert "sk-live-9" not in json.dumps(seen), name
    admin = client(server, "root", Role.ADMIN).get(f"/v1/actions/{action_id}").json()
    assert admin["action"]["result"] == result
    (executed,) = [e for e in server.plane.timeline(action_id) if e.kind == "action.executed"]
    assert executed.body["result"] == redacted
    exported = client(server, "root", Role.ADMIN).get("/v1/audit", params={"kind": "action.executed"}).text
    assert "sk-live-9" not in exported
    assert "hunter2" not in exported


def test_viewers_see_shadow_cases_with_secret_arguments_redacted(server: AppServer) -> None:
    plane = server.plane
    plane.record_agent("T-1", agent="bot", tool="send_email", args={"to": "a@x", "api_token": "sk-agent"})
    plane.record_human("T-1", tool="send_email", args={"to": "b@x", "api_token": "sk-human"}, by="ana")
    viewer = client(server, "victor", Role.VIEWER)
    for path in ("/v1/shadow/cases", "/v1/shadow/report"):
        seen = viewer.get(path)
        assert seen.status_code == 200, seen.text
        assert "sk-agent" not in seen.text, path
        assert "sk-human" not in seen.text, path
    (case,) = viewer.get("/v1/shadow/cases").json()["cases"]
    assert case["agent_side"]["args"] == {"to": "a@x", "api_token": "[redacted]"}
    reviewer = client(server, "alice", Role.REVIEWER).get("/v1/shadow/cases").json()["cases"]
    assert reviewer[0]["human_side"]["args"]["api_token"] == "sk-human"


def test_an_agent_cannot_grow_the_lanes_with_shadow_proposals_for_invented_tools(server: AppServer) -> None:
    agent = client(server, "bot", Role.AGENT)
    for n in range(3):
        invented = agent.post("/v1/shadow/agent", json={"subject": f"S-{n}", "tool": f"made_up_{n}", "args": {}})
        assert invented.status_code == 422, invented.text
        assert f"tool 'made_up_{n}' is not in the policy" in invented.text
    assert not [lane for lane in server.plane.lanes() if lane.lane.startswith("bot/made_up")]
    listed = agent.post("/v1/shadow/agent", json={"subject": "S-9", "tool": "classify_ticket", "args": {"t": 1}})
    assert listed.status_code == 201, listed.text
    nothing = agent.post("/v1/shadow/agent", json={"subject": "S-10", "tool": None})  # "the agent would do nothing"
    assert nothing.status_code == 201, nothing.text
