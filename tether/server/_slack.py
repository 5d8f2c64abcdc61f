"""Slack's interactivity endpoint: the Approve / Reject / Undo buttons on Tether's messages land here.

Every request is checked before anything is read: Slack's v0 signature over the raw body with the app's signing
secret, a timestamp within five minutes, a constant-time compare. The Slack user must be a person in
``[notify.people]`` whose active token makes them a reviewer or admin; roles, reviewer groups and separation of
duties apply as anywhere. A delivery Slack retries (or a double click) is acted on once. The message is then
updated, through the request's ``response_url``, to say what happened.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any
from urllib.parse import parse_qs

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from tether.errors import AccessError, SeparationOfDuties, TetherError
from tether.notify._acting import act, outcome_text, refuse
from tether.notify._messages import build, escape_mrkdwn, to_blocks
from tether.notify._signing import Refused, verify_slack
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.policy._notify import SlackChannel
from tether.server._api import plane_of, run

router = APIRouter(include_in_schema=False)
log = logging.getLogger("tether.server._slack")


@router.post("/slack/interactions")
async def interactions(request: Request) -> Response:
    plane = plane_of(request)
    body = await request.body()
    secrets = _signing_secrets(plane, request.app.state.env)
    if not secrets:
        return JSONResponse({"error": "no Slack channel is configured"}, status_code=404)
    now = plane.clock.now().timestamp()
    stamp, signature = request.headers.get("x-slack-request-timestamp"), request.headers.get("x-slack-signature")
    problems = []
    for secret in secrets:
        try:
            verify_slack(secret, stamp, signature, body, now)
            break
        except Refused as exc:
            problems.append(str(exc))
    else:
        await run(refuse, plane, "slack", problems[0])
        return JSONResponse({"error": "refused"}, status_code=401)
    try:
        payload = json.loads(parse_qs(body.decode())["payload"][0])
        user = str(payload["user"]["id"])
        button = payload["actions"][0]
        verb, _, action_id = str(button["value"]).partition(":")
        pressed_at = str(button.get("action_ts", ""))
    except (KeyError, IndexError, ValueError, TypeError):
        await run(refuse, plane, "slack", "a signed request Tether could not read")
        return JSONResponse({"error": "unreadable payload"}, status_code=400)
    key = "slack:" + hashlib.sha256(f"{user}|{verb}|{action_id}|{pressed_at}".encode()).hexdigest()
    if not await run(plane.store.use_nonce, key, at=plane.clock.now()):
        return Response(status_code=200)  # Slack retried a delivery we handled: acknowledge, act once
    text = await run(_act_for, plane, request.app.state.tokens, user, verb, action_id)
    response_url = payload.get("response_url")
    if response_url:
        await run(_update_message, plane, response_url, verb, action_id, text)
    return Response(status_code=200)


def _act_for(plane: ControlPlane, tokens: Tokens, user: str, verb: str, action_id: str) -> str:
    people = plane.policy.config.notify.people
    name = next((n for n, p in people.items() if p.slack == user), None)
    who = tokens.person(name) if name else None
    if who is None:
        refuse(plane, "slack", "a Slack user who is not a reviewer", slack_user=user, action_id=action_id or None)
        return "You are not a Tether reviewer: nothing was done."
    try:
        done = act(plane, who, verb, action_id, via="Slack")
    except (AccessError, SeparationOfDuties) as exc:  # not theirs to decide: refused, with a trace in the audit log
        refuse(plane, "slack", str(exc), slack_user=user, action_id=action_id or None)
        return f"{who.name} could not {verb}: {exc}"
    except TetherError as exc:  # the action's state says no (decided, expired, window closed): the message says why
        return f"{who.name} could not {verb}: {exc}"
    return outcome_text(done, verb, who.name)


def _update_message(plane: ControlPlane, response_url: str, verb: str, action_id: str, text: str) -> None:
    """Replace the buttons with the outcome (best effort: the decision stands whatever Slack answers)."""
    message: dict[str, Any] = {"replace_original": True, "text": escape_mrkdwn(text)}
    try:
        action = plane.get(action_id)
        event = next(e for e in plane.timeline(action_id) if e.kind == "action.proposed")
        shown = build(
            "approval_needed" if verb != "undo" else "override_executed",
            event,
            action,
            redact_fields=plane.policy.config.audit.redact,
            base_url=plane.policy.config.notify.base_url,
        )
        message["blocks"] = to_blocks(shown, outcome=text)
    except (TetherError, StopIteration):
        pass
    try:
        httpx.post(response_url, json=message, timeout=10)
    except httpx.HTTPError as exc:
        log.warning("could not update the Slack message for %s: %s", action_id, exc)


def _signing_secrets(plane: ControlPlane, env: dict[str, str]) -> list[str]:
    channels = plane.policy.config.notify.channels.values()
    found = [env.get(c.signing_secret_env, "") for c in channels if isinstance(c, SlackChannel)]
    return [s for s in found if s]
