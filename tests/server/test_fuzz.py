"""Schemathesis against the OpenAPI document: whatever a client sends, the server never answers 5xx, and every
answer has a documented status, content type and body shape (the wire models and the error body).

It runs as an admin and as an agent (different routes refuse each with 403, which is fine); the events stream is
left out because it never ends by design.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from databases import scratch_dir
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tether import Policy
from tether.model import Role
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.server import create_app
from tether.store import open_store

# Schemathesis needs the app when it builds the cases, at import; the file goes when the session ends.
_DB = scratch_dir("tether-fuzz-") / "fuzz.db"
_PLANE = ControlPlane(
    Policy.from_dict(
        {
            "tools": {
                "classify_ticket": {"risk": "low", "reversible": "yes"},
                "transfer_funds": {"risk": "critical", "reversible": "no"},
            }
        }
    ),
    open_store(f"sqlite:///{_DB}"),
)
_TOKENS = Tokens(_PLANE.store, _PLANE.clock)
_ADMIN = _TOKENS.issue("root", Role.ADMIN, by="fuzz")[1]
_AGENT = _TOKENS.issue("bot", Role.AGENT, by="fuzz")[1]
APP = create_app(_PLANE, sweep_interval=0)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/v1/events")

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


# No 5xx; a documented status and content type; a body that matches the documented schema for its status.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def assert_no_server_error(response: Any) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"


def validate(case: Any, response: Any) -> None:
    """The /v1 API's and /metrics' answers match their documentation; the probes (/healthz, /readyz: their 503
    is for load balancers) are only held to no 5xx when the store is up."""
    if case.path.startswith("/v1/") or case.path == "/metrics":
        case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_no_request_from_an_admin_gets_a_server_error(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_ADMIN}"})
    assert_no_server_error(response)
    validate(case, response)


@schema.parametrize()
@FUZZ
def test_no_request_from_an_agent_gets_a_server_error(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {_AGENT}"})
    assert_no_server_error(response)
    validate(case, response)
