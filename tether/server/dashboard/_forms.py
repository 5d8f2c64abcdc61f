"""The dashboard's state changes: POST only, each with a same-origin and a CSRF check, then the same control-plane
call (and the same role checks) as the API. A refused or failed change re-renders the page with the reason and
what the person typed, so nothing is lost."""

from __future__ import annotations

import functools

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tether.errors import TetherError, UsageError
from tether.model import Approve, Decision, Edit, Reject, Respond, Role
from tether.server._api import plane_of, require_decider, require_role, run
from tether.server._auth import SESSION_COOKIE, Session
from tether.server._wire import error_status
from tether.server.dashboard._pages import _cards
from tether.server.dashboard._present import parse_edit, pretty
from tether.server.dashboard._web import (
    LOGIN_COOKIE,
    SECURITY_HEADERS,
    back,
    form_of,
    login_csrf_ok,
    login_form,
    render,
    safe_next,
    secure_cookies,
    session_of,
    sessions,
)

router = APIRouter(include_in_schema=False)
DECISIONS = ("approve", "edit", "reject", "respond")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    fields = await form_of(request, None)
    target = safe_next(fields.get("next"))
    if not login_csrf_ok(request, fields):
        return login_form(request, next=target, status=403, error="the login form expired; please log in again")
    try:
        session = await run(sessions(request).login, fields.get("token", ""))
    except TetherError as exc:
        status, _ = error_status(exc)
        return login_form(request, next=target, status=status, error=str(exc))
    response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    secure = secure_cookies(request)
    max_age = session.expires - int(plane_of(request).clock.now().timestamp())
    response.set_cookie(
        SESSION_COOKIE, session.cookie, max_age=max_age, httponly=True, samesite="strict", secure=secure, path="/"
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = session_of(request)
    await form_of(request, session)
    await run(sessions(request).logout, session)
    response = RedirectResponse("/login?flash=logged+out", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.post("/actions/{action_id}/decide", response_class=HTMLResponse)
async def decide(action_id: str, request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    who = session.identity
    kind = fields.get("kind", "")
    note = fields.get("note", "").strip()
    try:
        action = await run(plane.get, action_id)
        require_decider(who, action)
        decision: Decision
        if kind == "approve":
            decision = Approve(by=who.name, note=note)
        elif kind == "edit":
            decision = Edit(by=who.name, args=parse_edit(fields.get("args", ""), action.call.args), note=note)
        elif kind == "reject":
            decision = Reject(by=who.name, note=note)
        elif kind == "respond":
            message = fields.get("message", "").strip()
            if not message:
                raise UsageError("a response needs a message for the agent")
            decision = Respond(by=who.name, message=message)
        else:
            raise UsageError(f"unknown decision {kind!r}: use one of {', '.join(DECISIONS)}")
        decided = await run(functools.partial(plane.decide, action_id, decision, may_decide_for=who.may_decide_for))
        request.app.state.metrics.observe_decision(decided)
    except TetherError as exc:
        return await _refused(request, session, action_id, exc, fields)
    past = {"approve": "approved", "edit": "edited", "reject": "rejected", "respond": "answered"}[kind]
    return back(safe_next(fields.get("next")), f"{past} {action_id} ({decided.call.tool}): now {decided.status.value}")


@router.post("/actions/{action_id}/undo", response_class=HTMLResponse)
async def undo(action_id: str, request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    try:
        action = await run(plane.get, action_id)
        require_decider(session.identity, action)
        done = await run(plane.request_undo, action_id, by=session.identity.name)
        if fields.get("critical") == "on":
            note = fields.get("note", "").strip() or "undone as a critical error"
            await run(plane.report_incident, action_id, note=note, by=session.identity.name)
    except TetherError as exc:
        return await _refused(request, session, action_id, exc, fields)
    return back(safe_next(fields.get("next"), "/windows"), f"undo of {action_id}: {done.status.value}")


@router.post("/actions/{action_id}/resolve", response_class=HTMLResponse)
async def resolve(action_id: str, request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    ran = fields.get("ran")
    try:
        if ran not in ("yes", "no"):
            raise UsageError("say whether the action ran: ran=yes or ran=no")
        action = await run(plane.get, action_id)
        require_decider(session.identity, action)
        done = await run(
            plane.resolve_unknown, action_id, ran=ran == "yes", by=session.identity.name, note=fields.get("note", "")
        )
    except TetherError as exc:
        return await _refused(request, session, action_id, exc, fields)
    return back(safe_next(fields.get("next"), "/alerts"), f"{action_id} settled: {done.status.value}")


@router.post("/actions/{action_id}/incident", response_class=HTMLResponse)
async def incident(action_id: str, request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    try:
        note = fields.get("note", "").strip()
        if not note:
            raise UsageError("an incident report needs a note saying what went wrong")
        action = await run(plane.get, action_id)
        require_decider(session.identity, action)
        report = await run(plane.report_incident, action_id, note=note, by=session.identity.name)
    except TetherError as exc:
        return await _refused(request, session, action_id, exc, fields)
    return back(f"/actions/{action_id}", f"critical error recorded; lane {report.lane} is now at {report.level.value}")


@router.post("/actions/{action_id}/review", response_class=HTMLResponse)
async def review(action_id: str, request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    try:
        if fields.get("ok") not in ("yes", "no"):
            raise UsageError("say what you found: ok=yes (right) or ok=no (wrong)")
        action = await run(plane.get, action_id)
        require_decider(session.identity, action)
        report = await run(
            plane.review_run, action_id, ok=fields["ok"] == "yes", note=fields.get("note", ""), by=session.identity.name
        )
    except TetherError as exc:
        return await _refused(request, session, action_id, exc, fields)
    return back("/lanes", f"review recorded; {report.lane} at {report.level.value}")


# Lanes and breakers are named by agent-controlled text (a tool may be called "fs/write", or
# "../../breakers/bot/send/close#"), so their forms carry the name in a field, never in the URL they post to.


@router.post("/breakers/close")
async def close_breaker(request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    lane = fields.get("lane", "")
    try:
        require_role(session.identity, Role.ADMIN)
        await run(plane_of(request).close_breaker, lane, by=session.identity.name)
    except TetherError as exc:
        return _page_error(request, session, exc, "alerts")
    return back("/alerts", f"breaker of {lane} closed")


@router.post("/outbox/{delivery_id}/retry")
async def retry_delivery(delivery_id: str, request: Request) -> Response:
    session = session_of(request)
    await form_of(request, session)
    plane = plane_of(request)
    try:
        require_role(session.identity, Role.ADMIN)
        again = await run(plane.store.outbox_retry, delivery_id, now=plane.clock.now())
    except TetherError as exc:
        return _page_error(request, session, exc, "alerts")
    return back("/alerts", f"delivery {again.id} to {again.channel} queued again")


@router.post("/lanes/move")
async def move_lane(request: Request) -> Response:
    session = session_of(request)
    fields = await form_of(request, session)
    plane = plane_of(request)
    lane, move = fields.get("lane", ""), fields.get("move", "")
    try:
        require_role(session.identity, Role.ADMIN)
        if move == "promote":
            report = await run(plane.promote, lane, by=session.identity.name)
        elif move == "demote":
            report = await run(plane.demote, lane, by=session.identity.name)
        else:
            raise UsageError(f"unknown lane change {move!r}: promote or demote")
    except TetherError as exc:
        return _page_error(request, session, exc, "lanes")
    return back("/lanes", f"{lane} is now at {report.level.value}")


async def _refused(
    request: Request, session: Session, action_id: str, exc: TetherError, fields: dict[str, str]
) -> Response:
    """The action's page again, saying why, with the edit the person typed still in the editor."""
    status, _ = error_status(exc)
    plane = plane_of(request)
    try:
        action = await run(plane.get, action_id)
    except TetherError:
        return _page_error(request, session, exc, "activity")
    timeline = await run(plane.timeline, action_id)
    return render(
        request,
        session,
        "action.html",
        status=status,
        active="inbox",
        a=_cards(plane, session, [action])[0],
        events=[{**e.to_dict(), "body_text": pretty(e.body)} for e in timeline],
        error=str(exc),
        edit_text=fields.get("args"),
        note=fields.get("note", ""),
        message=fields.get("message", ""),
    )


def _page_error(request: Request, session: Session, exc: TetherError, active: str) -> HTMLResponse:
    status, _ = error_status(exc)
    return render(request, session, "error.html", status=status, active=active, message=str(exc))
