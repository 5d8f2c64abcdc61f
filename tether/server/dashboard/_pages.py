"""The dashboard's pages (GET only: reading never changes anything)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from tether._views import delivery_to_dict, lane_to_dict, stats_to_dict
from tether.errors import NotFound, TetherError
from tether.model import Action, Mode, Role, Status
from tether.plane import ControlPlane
from tether.server._api import plane_of, run, viewable_stats
from tether.server._auth import Session
from tether.server.dashboard import _charts as charts
from tether.server.dashboard._present import card, duration, pretty
from tether.server.dashboard._web import SECURITY_HEADERS, LoginRequired, login_form, render, safe_next, session_of
from tether.store import ActionFilter, Delivery

router = APIRouter(include_in_schema=False)
Visitor = Annotated[Session, Depends(session_of)]
INBOX_PAGE = 50
LIST_PAGE = 100
AUDIT_PAGE = 100
_LIVE_IDLE = 0.5


def _redactions(plane: ControlPlane, session: Session) -> tuple[str, ...] | None:
    """Viewers see secret-looking arguments redacted, as in the audit log; deciders see what they decide on."""
    return plane.policy.config.audit.redact if session.identity.role is Role.VIEWER else None


def _cards(plane: ControlPlane, session: Session, actions: list[Action]) -> list[dict[str, Any]]:
    now = plane.clock.now()
    hidden = _redactions(plane, session)
    secrets = plane.policy.config.audit.redact
    cards = [card(a, now, redact_fields=hidden, secrets=secrets) for a in actions]
    for shown, action in zip(cards, actions, strict=True):
        shown["decidable"] = session.identity.may_decide_for(action.reviewers)
    return cards


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/inbox", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return login_form(request, next=safe_next(next))


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(
    request: Request, session: Visitor, page: Annotated[int, Query(ge=0, le=100_000)] = 0, partial: bool = False
) -> HTMLResponse:
    plane = plane_of(request)
    query = ActionFilter(status={Status.PENDING}, urgent_first=True, limit=INBOX_PAGE, offset=page * INBOX_PAGE)

    def read() -> tuple[list[Action], int]:
        return plane.actions(query), plane.store.count_matching(query)

    actions, total = await run(read)
    template = "_inbox_items.html" if partial else "inbox.html"
    return render(
        request,
        session,
        template,
        active="inbox",
        cards=_cards(plane, session, actions),
        total=total,
        page=page,
        pages=max(1, -(-total // INBOX_PAGE)),
    )


@router.get("/actions/{action_id}", response_class=HTMLResponse)
async def action_page(action_id: str, request: Request, session: Visitor) -> HTMLResponse:
    plane = plane_of(request)
    try:
        action = await run(plane.get, action_id)
    except NotFound as exc:
        return render(request, session, "error.html", status=404, active="activity", message=str(exc))
    timeline = await run(plane.timeline, action_id)
    events = [{**e.to_dict(), "body_text": pretty(e.body)} for e in timeline]
    return render(
        request,
        session,
        "action.html",
        active="activity",
        a=_cards(plane, session, [action])[0],
        events=events,
        error="",
        edit_text=None,
    )


@router.get("/windows", response_class=HTMLResponse)
async def windows(request: Request, session: Visitor) -> HTMLResponse:
    plane = plane_of(request)
    now = plane.clock.now()

    def read() -> tuple[list[Action], list[Action], list[Action]]:
        open_ = plane.actions(ActionFilter(status={Status.EXECUTED}, modes={Mode.OVERRIDE}, limit=500))
        open_ = [a for a in open_ if a.window_ends_at is not None and a.window_ends_at > now]
        deferred = plane.actions(ActionFilter(status={Status.DEFERRED}, oldest_first=True, limit=500))
        history = plane.actions(
            ActionFilter(
                status={Status.UNDONE, Status.UNDO_FAILED, Status.FINALIZED, Status.VETOED, Status.UNDO_REQUESTED},
                limit=LIST_PAGE,
            )
        )
        return open_, deferred, history

    open_, deferred, history = await run(read)
    open_.sort(key=lambda a: a.window_ends_at or now)
    return render(
        request,
        session,
        "windows.html",
        active="windows",
        open=_cards(plane, session, open_),
        deferred=_cards(plane, session, deferred),
        history=_cards(plane, session, history),
    )


def _moment(text: str | None, field: str, offset_minutes: int | None) -> datetime | None:
    """A time from the filter form; one without a zone is in the browser's (its offset comes with the form, set by
    our script), or the server's when the script did not run."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a date and time (use YYYY-MM-DDTHH:MM)") from None
    if moment.tzinfo:
        return moment
    zone = timezone(timedelta(minutes=offset_minutes)) if offset_minutes is not None else None
    return moment.replace(tzinfo=zone or datetime.now().astimezone().tzinfo)


@router.get("/activity", response_class=HTMLResponse)
async def activity(
    request: Request,
    session: Visitor,
    agent: Annotated[str, Query(max_length=200)] = "",
    tool: Annotated[str, Query(max_length=200)] = "",
    mode: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
    reviewer: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    tz: Annotated[int | None, Query(ge=-24 * 60, le=24 * 60, description="the browser's UTC offset in minutes")] = None,
    page: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> HTMLResponse:
    plane = plane_of(request)
    filters = {
        "agent": agent,
        "tool": tool,
        "mode": mode,
        "status": status,
        "reviewer": reviewer,
        "since": since,
        "until": until,
    }
    problems = []
    if mode and mode not in {m.value for m in Mode}:
        problems.append(f"mode: {mode!r} is not one of {', '.join(m.value for m in Mode)}")
    if status and status not in {s.value for s in Status}:
        problems.append(f"outcome: {status!r} is not one of {', '.join(s.value for s in Status)}")
    moments: dict[str, datetime | None] = {}
    for name, text in (("since", since), ("until", until)):
        try:
            moments[name] = _moment(text, name, tz)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        return render(
            request, session, "activity.html", status=422, active="activity", f=filters, rows=[], problems=problems
        )
    query = ActionFilter(
        agent=agent or None,
        tool=tool or None,
        modes={Mode(mode)} if mode else None,
        status={Status(status)} if status else None,
        reviewer=reviewer or None,
        since=moments["since"],
        until=moments["until"],
        limit=LIST_PAGE + 1,
        offset=page * LIST_PAGE,
    )
    found = await run(plane.actions, query)
    return render(
        request,
        session,
        "activity.html",
        active="activity",
        f=filters,
        rows=_cards(plane, session, found[:LIST_PAGE]),
        problems=[],
        page=page,
        more=len(found) > LIST_PAGE,
        query=urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"]),
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    session: Visitor,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    kind: Annotated[str, Query(max_length=64)] = "",
    verify: bool = False,
) -> HTMLResponse:
    """The newest events first (a page of them before ``before``), the head, and on request a full verification."""
    plane = plane_of(request)
    head = await run(plane.audit_head)
    end = min(before or head.seq + 1, head.seq + 1)

    def read() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = end
        while cursor > 1 and len(found) < AUDIT_PAGE and end - cursor < 10_000:
            start = max(0, cursor - 1 - AUDIT_PAGE)
            batch = [e for e in plane.audit_events(after=start, limit=cursor - 1 - start) if e.seq < cursor]
            found.extend(
                {**e.to_dict(), "body_text": json.dumps(e.body, ensure_ascii=False, sort_keys=True)}
                for e in reversed(batch)
                if not kind or e.kind.startswith(kind)
            )
            cursor = start + 1
        return found[:AUDIT_PAGE]

    events = await run(read)
    report = await run(plane.verify) if verify else None
    return render(
        request,
        session,
        "audit.html",
        active="audit",
        head=head,
        events=events,
        kind=kind,
        report=report,
        older=events[-1]["seq"] if events and events[-1]["seq"] > 1 else None,
    )


@router.get("/audit/export")
async def audit_export(request: Request, session: Visitor) -> StreamingResponse:
    """The whole log as JSON Lines, in chain order: what ``tether audit export`` writes."""
    plane = plane_of(request)

    def lines() -> Iterator[bytes]:
        for event in plane.audit_events():
            yield (json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True) + "\n").encode()

    headers = {**SECURITY_HEADERS, "Content-Disposition": 'attachment; filename="tether-audit.jsonl"'}
    return StreamingResponse(lines(), media_type="application/x-ndjson", headers=headers)


@router.get("/alerts", response_class=HTMLResponse)
async def alerts(request: Request, session: Visitor) -> HTMLResponse:
    plane = plane_of(request)
    limits = {limit.id: limit for limit in plane.policy.config.limits}

    def read() -> tuple[list[Any], list[Action], list[Delivery]]:
        unknown = plane.actions(ActionFilter(status={Status.UNKNOWN}, oldest_first=True, limit=500))
        return plane.breakers(), unknown, plane.store.outbox_list(status="dead", limit=100)

    breakers, unknown, dead = await run(read)
    rows = []
    for b in breakers:
        limit = limits.get(b.limit)
        rows.append(
            {
                "lane": f"{b.agent}/{b.tool}",
                "agent": b.agent,
                "tool": b.tool,
                "limit": b.limit,
                "rule": _limit_text(limit) if limit else "(no longer in the policy)",
                "opened": b.opened_at.isoformat(),
            }
        )
    return render(
        request,
        session,
        "alerts.html",
        active="alerts",
        breakers=rows,
        unknown=_cards(plane, session, unknown),
        dead=[delivery_to_dict(d) for d in dead],
    )


def _limit_text(limit: Any) -> str:
    tools = ", ".join(limit.tool) if isinstance(limit.tool, list | tuple) else (limit.tool or "any tool")
    counted = f" counting {limit.fanout}" if limit.fanout else " calls"
    return f"at most {limit.max:g}{counted} per {duration(limit.per.total_seconds())} ({tools})"


CHART_SCAN = 20_000


@router.get("/charts", response_class=HTMLResponse)
async def charts_page(request: Request, session: Visitor) -> HTMLResponse:
    plane = plane_of(request)
    now = plane.clock.now()
    recent = await run(plane.actions, ActionFilter(since=now - timedelta(hours=26), limit=CHART_SCAN))
    data = charts.series(recent, now)
    labels = [s.astimezone().strftime("%H:00") for s in data.starts]
    rates = {"undone / override runs": data.override_rate, "rejected / decisions": data.rejection_rate}
    figures = [
        (
            "Actions per mode, per hour",
            charts.bar_chart("Actions per mode", labels, data.per_mode, charts.MODE_COLOURS),
        ),
        (
            "Approvals waiting at the end of each hour",
            charts.line_chart("Approvals waiting", labels, {"pending": list(data.pending)}),
        ),
        (
            "Review latency, p50 and p99 (seconds)",
            charts.line_chart("Review latency", labels, {"p50": data.latency_p50, "p99": data.latency_p99}, unit="s"),
        ),
        ("Override (undone) and rejection rates", charts.line_chart("Rates", labels, rates)),
    ]
    return render(
        request,
        session,
        "charts.html",
        active="charts",
        figures=figures,
        capped=len(recent) >= CHART_SCAN,
        scanned=len(recent),
    )


@router.get("/shadow", response_class=HTMLResponse)
async def shadow(request: Request, session: Visitor, by: str = "lane") -> HTMLResponse:
    plane = plane_of(request)
    grouping = "tool" if by == "tool" else "lane"
    report = viewable_stats(await run(plane.shadow_report, by=grouping), session.identity, plane)
    rows = [stats_to_dict(r) for r in report]
    return render(request, session, "shadow.html", active="shadow", rows=rows, by=grouping)


@router.get("/lanes", response_class=HTMLResponse)
async def lanes(request: Request, session: Visitor) -> HTMLResponse:
    plane = plane_of(request)
    now = plane.clock.now()
    rules = plane.policy.config.autonomy
    reports = [lane_to_dict(r, now) for r in await run(plane.lanes)]
    for lane in reports:
        lane["bars"] = _progress(lane, rules)
    samples = _cards(plane, session, await run(plane.samples, limit=20))
    return render(request, session, "lanes.html", active="lanes", lanes=reports, rules=rules, samples=samples)


def _progress(lane: dict[str, Any], rules: Any) -> list[dict[str, Any]]:
    """One bar per promotion criterion: how far the lane is toward it, and whether it holds."""
    accuracy, override = lane["accuracy"], lane["override_rate"]
    days = lane["days_without_critical"]
    bars = [
        {
            "name": "cases",
            "value": f"{lane['cases']} of {rules.min_cases}",
            "pct": min(100, lane["cases"] * 100 // max(rules.min_cases, 1)),
            "ok": lane["cases"] >= rules.min_cases,
        },
        {
            "name": "accuracy",
            "value": "—" if accuracy is None else f"{accuracy:.1%} (needs > {rules.min_accuracy:.0%})",
            "pct": 0 if accuracy is None else min(100, int(accuracy / max(rules.min_accuracy, 0.01) * 100)),
            "ok": accuracy is not None and accuracy > rules.min_accuracy,
        },
        {
            "name": "days without a critical error",
            "value": "—" if days is None else f"{days:.0f} of {rules.critical_free_days}",
            "pct": 0 if days is None else min(100, int(days * 100 / max(rules.critical_free_days, 1))),
            "ok": days is not None and days >= rules.critical_free_days,
        },
    ]
    if lane["level"] == Mode.OVERRIDE.value:
        bars.append(
            {
                "name": "override rate",
                "value": "—" if override is None else f"{override:.1%} (needs < {rules.max_override_rate:.0%})",
                "pct": 0 if override is None else min(100, int(rules.max_override_rate / max(override, 1e-9) * 100)),
                "ok": override is not None and override < rules.max_override_rate,
            }
        )
    return bars


@router.get("/live")
async def live(request: Request, session: Visitor) -> EventSourceResponse:
    """Audit sequence numbers as they are written, for the open page to refresh what changed (no data in them:
    the page fetches what it may see through the same session)."""
    plane = plane_of(request)
    start = (await run(plane.audit_head)).seq

    async def stream() -> AsyncIterator[ServerSentEvent]:
        seen = start
        while not await request.is_disconnected() and not request.app.state.stopping.is_set():
            try:
                await run(session_of, request)  # a revoked token or an expired session ends the stream
                head = await run(plane.audit_head)
            except (TetherError, LoginRequired):
                return
            if head.seq > seen:
                batch = await run(lambda after=seen: list(plane.audit_events(after=after, limit=200)))
                kinds = sorted({e.kind for e in batch})
                seen = head.seq
                yield ServerSentEvent(data=json.dumps({"seq": seen, "kinds": kinds}), event="changed", id=str(seen))
            await request.app.state.changes.wait(max(_LIVE_IDLE, request.app.state.changes.fallback))

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})


__all__ = ["router"]
