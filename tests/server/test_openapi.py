"""The OpenAPI document names the fields of every /v1 response, so clients can be generated from it and the fuzz
run can check the bodies the server sends."""

from __future__ import annotations

from typing import Any

import pytest

from tether import Policy
from tether.plane import ControlPlane
from tether.server import create_app
from tether.store import MemoryStore

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    plane = ControlPlane(Policy.from_dict({"tools": {}}), MemoryStore())
    spec: dict[str, Any] = create_app(plane, sweep_interval=0).openapi()
    return spec


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/v1/")
        for method, operation in item.items()
        if method in METHODS
    ]


def success_schemas(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resolve(document, media["schema"])
        for status, response in operation["responses"].items()
        if status.startswith("2")
        for media in response.get("content", {}).values()
        if "schema" in media
    ]


def test_every_v1_route_documents_a_success_body_that_names_its_fields(document: dict[str, Any]) -> None:
    found = operations(document)
    assert len(found) >= 36
    vague = []
    for method, path, operation in found:
        schemas = success_schemas(document, operation)
        if not schemas or any(
            not schema.get("properties") or schema.get("additionalProperties") is True for schema in schemas
        ):
            vague.append(f"{method} {path}")
    assert vague == []


def test_every_v1_route_documents_its_error_body(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(document):
        for status in ("401", "403", "422"):
            response = operation["responses"].get(status, {})
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if resolve(document, schema).get("title") != "ErrorOut":
                missing.append(f"{method} {path} {status}")
    assert missing == []


def test_an_action_body_names_the_call_verdict_and_outcome(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/actions"]["post"]
    [view] = success_schemas(document, operation)
    assert set(view["properties"]) == {"action", "outcome"}
    action = resolve(document, view["properties"]["action"])
    assert {"id", "status", "call", "verdict", "decision", "approvals", "undo", "version"} <= set(action["properties"])
    outcome = view["properties"]["outcome"]
    kinds = {resolve(document, option)["title"] for option in outcome["oneOf"]}
    assert kinds == {
        "ExecutedOut",
        "FailedOut",
        "PendingOut",
        "RejectedOut",
        "RespondedOut",
        "DeferredOut",
        "ShadowedOut",
        "DeniedOut",
    }


def test_tether_wire_exports_every_model_it_defines() -> None:
    import tether.wire as wire
    from tether.wire._base import WireModel

    defined = {
        name
        for module in (wire._action, wire._admin, wire._audit, wire._errors, wire._lanes, wire._outcome, wire._shadow)
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, WireModel) and value.__module__ == module.__name__
    }
    assert defined <= set(wire.__all__)
    assert all(hasattr(wire, name) for name in wire.__all__)


@pytest.mark.subprocess
def test_tether_wire_needs_no_web_framework() -> None:
    """The client and the CLI use the models without the server extra."""
    import subprocess
    import sys

    code = "import sys, tether.wire; sys.exit(1 if 'fastapi' in sys.modules or 'starlette' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
