"""The REST API under ``/v1``: what agents and reviewers do over HTTP.

Every route runs the control plane in a worker thread (the store is blocking) and checks the caller first:
agents act only on their own actions and never decide; reviewers decide only for their groups; viewers read.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request

from tether import _tracing as tracing
from tether.audit import Anchor, AuditEvent, redact
from tether.autonomy._shadow import ShadowStats
from tether.errors import Forbidden, NotFound, UsageError
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    Mode,
    Reject,
    Respond,
    Reversibility,
    Risk,
    Role,
    ShadowCase,
    Status,
    ToolCall,
    new_id,
)
from tether.plane import ControlPlane
from tether.plane._identity import Identity, Tokens
from tether.policy import Declared
from tether.policy._config import config_to_dict
from tether.server._schemas import (
    AgentProposalIn,
    ClaimIn,
    DecisionIn,
    DemoteIn,
    HumanOutcomeIn,
    IncidentIn,
    LeasesIn,
    ResolveIn,
    ResultIn,
    ReviewIn,
    SubmitCall,
    TokenIn,
    UndoIn,
    UndoResultIn,
    WithdrawIn,
)
from tether.server._wire import CONFLICT, ERROR_RESPONSES, NOT_FOUND
from tether.store import ActionFilter, ShadowFilter
from tether.wire import (
    ActionDetail,
    ActionList,
    ActionView,
    AnchorOut,
    AuditPage,
    BreakerList,
    BreakerOut,
    CaseList,
    CaseOut,
    ClosedOut,
    DeliveryList,
    DeliveryOut,
    EventOut,
    LaneList,
    LaneOut,
    LeasesOut,
    PolicyOut,
    PolicyToolOut,
    RevokedOut,
    ShadowCaseOut,
    ShadowReportOut,
    ShadowStatsOut,
    TokenCreated,
    TokenList,
    TokenOut,
    VerificationOut,
)

T = TypeVar("T")
router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)
ON_ACTION = {**NOT_FOUND, **CONFLICT}  # routes that act on one action: it may be missing, or in the wrong state

LONG_POLL_MAX = 60.0
MAX_SEQ = 2**62  # sequence numbers fit a signed 64-bit column with room to spare
_SCAN = 10_000


def plane_of(request: Request) -> ControlPlane:
    plane: ControlPlane = request.app.state.plane
    return plane


async def caller(request: Request) -> Identity:
    """The identity behind the request's bearer token (401 without a valid one)."""
    tokens: Tokens = request.app.state.tokens
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    return await run(tokens.authenticate, presented if scheme.lower() == "bearer" else None)


Caller = Annotated[Identity, Depends(caller)]


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(fn, *args, **kwargs)


async def load(
    request: Request, action_id: str, who: Identity, check: Callable[[Identity, Action], None]
) -> tuple[ControlPlane, Action]:
    """The plane and the action, once ``check`` has said this caller may act on it."""
    plane = plane_of(request)
    action = await run(plane.get, action_id)
    check(who, action)
    return plane, action


def shown(action: Action, who: Identity, plane: ControlPlane) -> ActionView:
    """An action as this caller may see it: viewers get secret-looking arguments redacted, as in the audit log;
    everyone but the agent that made the call and admins gets its result's secret-looking fields redacted (the
    agent needs the whole result to hand on; reviewers decide on arguments, not on results)."""
    owner = who.role is Role.AGENT and who.name == action.call.agent
    if action.result is not None and not owner and who.role is not Role.ADMIN:
        action = dataclasses.replace(action, result=redact(action.result, plane.policy.config.audit.redact))
    view = ActionView.of(action)
    if who.role is Role.VIEWER:
        fields = plane.policy.config.audit.redact

        def hide(args: dict[str, Any]) -> dict[str, Any]:
            hidden: dict[str, Any] = redact(args, fields)
            return hidden

        view = view.redacted(hide)
    return view


def require_reader(who: Identity, action: Action | None = None) -> None:
    if who.can_read or (who.role is Role.AGENT and action is not None and action.call.agent == who.name):
        return
    raise Forbidden(f"{who.name} ({who.role.value}) may not read this")


def require_owner(who: Identity, action: Action) -> None:
    if who.role is not Role.AGENT or action.call.agent != who.name:
        raise Forbidden(f"only the agent that proposed action {action.id} ({action.call.agent}) may do this")


def require_decider(who: Identity, action: Action) -> None:
    if not who.may_decide_for(action.reviewers):
        group = f"reviewer group {action.reviewers!r}" if action.reviewers else "reviewers"
        raise Forbidden(f"{who.name} ({who.role.value}) may not decide action {action.id}: it is for {group}")


def require_role(who: Identity, *roles: Role) -> None:
    if who.role not in roles:
        raise Forbidden(
            f"{who.name} ({who.role.value}) may not do this; it needs {' or '.join(r.value for r in roles)}"
        )


# -- agents ---------------------------------------------------------------------------------------------------------


@router.post("/actions", status_code=201, tags=["agents"], summary="Submit a tool call")
async def submit(body: SubmitCall, request: Request, who: Caller) -> ActionView:
    """The server evaluates the policy. A call that may run now comes back claimed by ``worker`` (``running``):
    run the tool, then report its result. Otherwise the outcome says what happens next."""
    require_role(who, Role.AGENT)
    if body.agent is not None and body.agent != who.name:
        raise Forbidden(f"the token belongs to agent {who.name!r}; it cannot submit as {body.agent!r}")
    call = ToolCall(
        tool=body.tool,
        args=body.args,
        agent=who.name,
        thread=body.thread,
        reasoning=body.reasoning,
        confidence=body.confidence,
        subject=body.subject,
        **({"call_id": body.call_id} if body.call_id else {}),
    )
    declared = Declared(
        risk=Risk(body.risk) if body.risk else None,
        reversible=Reversibility(body.reversible) if body.reversible else None,
    )
    worker = body.worker or f"http-{new_id()[:12]}"  # a runnable call comes back claimed: say by whom
    action = await run(plane_of(request).submit, call, declared, worker=worker, has_undo=body.has_undo)
    tracing.annotate(tracing.verdict_attributes(action))  # on this request's span, for agents in any language
    return ActionView.of(action)


@router.get(
    "/actions/{action_id}/wait", tags=["agents"], summary="Long-poll until an action changes", responses=ON_ACTION
)
async def wait(
    action_id: str,
    request: Request,
    who: Caller,
    version: Annotated[int, Query(ge=0, description="Return as soon as the action's version differs.")] = 0,
    timeout: Annotated[float, Query(ge=0, le=LONG_POLL_MAX, description="Seconds to wait at most.")] = 30.0,
) -> ActionView:
    plane, action = await load(request, action_id, who, require_reader)
    deadline = time.monotonic() + timeout
    changes = request.app.state.changes
    while action.version == version and time.monotonic() < deadline:
        await changes.wait(min(deadline - time.monotonic(), changes.fallback))
        if await request.is_disconnected() or request.app.state.stopping.is_set():
            break  # nobody is listening any more (or the server is stopping): stop reading the store for them
        action = await run(_fresh, plane, action_id)
    who = await caller(request)  # the token may have been revoked while the poll waited: then it learns nothing
    return shown(action, who, plane)


@router.post(
    "/actions/{action_id}/claim",
    tags=["agents"],
    summary="Claim an approved (or due deferred) action",
    responses=ON_ACTION,
)
async def claim(action_id: str, body: ClaimIn, request: Request, who: Caller) -> ActionView:
    """Exactly one claim succeeds; every other gets 409. ``retry`` claims a crashed run again."""
    plane, action = await load(request, action_id, who, require_owner)
    if body.retry:
        if plane.reversible_of(action.call.tool) is not Reversibility.YES:
            raise Forbidden(
                f"action {action_id} ({action.call.tool}) is not reversible by policy: a crashed run of it is never "
                "retried; a human must check whether it took effect"
            )
        claimed = await run(plane.retry, action, worker=body.worker)
    else:
        claimed = await run(plane.claim, action, worker=body.worker)
    return ActionView.of(claimed)


@router.post(
    "/actions/{action_id}/withdraw",
    tags=["agents"],
    summary="Take back a held call (the proposing agent only)",
    responses=ON_ACTION,
)
async def withdraw(action_id: str, body: WithdrawIn, request: Request, who: Caller) -> ActionView:
    """The agent's application rejected its own held call: it is rejected in the agent's name, so no reviewer can
    approve it into a call that will never be made. 409 once it is decided."""
    plane, action = await load(request, action_id, who, require_owner)
    return ActionView.of(await run(plane.withdraw, action.id, agent=who.name, note=body.note))


@router.post("/actions/{action_id}/result", tags=["agents"], summary="Report what the tool did", responses=ON_ACTION)
async def result(action_id: str, body: ResultIn, request: Request, who: Caller) -> ActionView:
    plane, action = await load(request, action_id, who, require_owner)
    if action.claimed_by != body.worker:
        raise Forbidden(f"action {action_id} is claimed by worker {action.claimed_by!r}, not {body.worker!r}")
    finished = await run(plane.finish, action, result=body.result, error=body.error)
    return ActionView.of(finished)


@router.post("/leases", tags=["agents"], summary="Renew the leases of running actions")
async def leases(body: LeasesIn, request: Request, who: Caller) -> LeasesOut:
    require_role(who, Role.AGENT)
    plane = plane_of(request)

    def own_claims() -> list[tuple[str, str]]:
        mine = []
        for claim in body.claims:
            try:
                if plane.get(claim.action_id).call.agent == who.name:
                    mine.append((claim.action_id, claim.worker))
            except NotFound:
                continue
        return mine

    claims = await run(own_claims)
    renewed = await run(plane.renew_leases, claims)
    return LeasesOut(renewed=renewed)


@router.post("/actions/{action_id}/undo/claim", tags=["agents"], summary="Claim a requested undo", responses=ON_ACTION)
async def claim_undo(action_id: str, body: ClaimIn, request: Request, who: Caller) -> ActionView:
    plane, action = await load(request, action_id, who, require_owner)
    return ActionView.of(await run(plane.claim_undo, action, worker=body.worker))


@router.post(
    "/actions/{action_id}/undo/result", tags=["agents"], summary="Report what the compensator did", responses=ON_ACTION
)
async def undo_result(action_id: str, body: UndoResultIn, request: Request, who: Caller) -> ActionView:
    plane, action = await load(request, action_id, who, require_owner)
    if action.claimed_by != body.worker:
        raise Forbidden(f"the undo of {action_id} is claimed by worker {action.claimed_by!r}, not {body.worker!r}")
    return ActionView.of(await run(plane.finish_undo, action, result=body.result, error=body.error))


@router.get("/policy", tags=["agents"], summary="The policy in force, as its file would say it")
async def policy(request: Request, who: Caller) -> PolicyOut:
    """Agents get what they act on (tools, matrix, rules, limits, decision options), not the ``[notify]`` section:
    reviewers' addresses and Slack ids, the SMTP host, webhook URLs are the people's, and no agent's business."""
    current = plane_of(request).policy
    config = config_to_dict(current.config)
    if who.role is Role.AGENT:
        config.pop("notify", None)
    return PolicyOut(
        version=current.version,
        source=current.source,
        config=config,
        lease_seconds=plane_of(request).lease.total_seconds(),
    )


@router.get("/policy/tools/{tool}", tags=["agents"], summary="How the policy classifies a tool")
async def policy_tool(tool: str, request: Request, who: Caller) -> PolicyToolOut:
    config = plane_of(request).policy.config.tools.get(tool)
    return PolicyToolOut(
        tool=tool,
        known=config is not None,
        risk=config.risk if config else None,
        reversible=config.reversible if config else None,
        policy_version=plane_of(request).policy.version,
    )


# -- reading --------------------------------------------------------------------------------------------------------


@router.get("/actions", tags=["reviewers"], summary="List and filter actions, newest first")
async def list_actions(
    request: Request,
    who: Caller,
    status: Annotated[list[Status] | None, Query()] = None,
    agent: Annotated[str | None, Query(max_length=200)] = None,
    tool: Annotated[list[str] | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    oldest_first: bool = False,
) -> ActionList:
    if who.role is Role.AGENT:
        agent = who.name  # an agent sees its own actions only
    else:
        require_reader(who)
    query = ActionFilter(
        status=set(status) if status else None,
        agent=agent,
        tools=set(tool) if tool else None,
        limit=limit,
        offset=offset,
        oldest_first=oldest_first,
    )
    plane = plane_of(request)
    found = await run(plane.actions, query)
    return ActionList(actions=[shown(a, who, plane) for a in found])


@router.get(
    "/actions/{action_id}", tags=["reviewers"], summary="One action with its whole timeline", responses=ON_ACTION
)
async def get_action(action_id: str, request: Request, who: Caller) -> ActionDetail:
    plane = plane_of(request)
    action = await run(_fresh, plane, action_id)
    require_reader(who, action)
    timeline = await run(plane.timeline, action_id)
    view = shown(action, who, plane)
    return ActionDetail(action=view.action, outcome=view.outcome, timeline=[EventOut.of(e) for e in timeline])


# -- reviewers ------------------------------------------------------------------------------------------------------


@router.post(
    "/actions/{action_id}/decision", tags=["reviewers"], summary="Approve, edit, reject or respond", responses=ON_ACTION
)
async def decide(action_id: str, body: DecisionIn, request: Request, who: Caller) -> ActionView:
    plane, _ = await load(request, action_id, who, require_decider)
    decision: Decision
    if body.kind == "approve":
        decision = Approve(by=who.name, note=body.note)
    elif body.kind == "edit":
        decision = Edit(by=who.name, args=body.args or {}, note=body.note)
    elif body.kind == "reject":
        decision = Reject(by=who.name, note=body.note)
    else:
        decision = Respond(by=who.name, message=body.message or "")
    decided = await run(functools.partial(plane.decide, action_id, decision, may_decide_for=who.may_decide_for))
    request.app.state.metrics.observe_decision(decided)
    return ActionView.of(decided)


@router.post(
    "/actions/{action_id}/undo",
    tags=["reviewers"],
    summary="Undo inside the window, or veto a deferred run",
    responses=ON_ACTION,
)
async def undo(action_id: str, body: UndoIn, request: Request, who: Caller) -> ActionView:
    plane, _ = await load(request, action_id, who, require_decider)
    return ActionView.of(await run(plane.request_undo, action_id, by=who.name))


@router.post(
    "/actions/{action_id}/resolve", tags=["reviewers"], summary="Say whether an unknown action ran", responses=ON_ACTION
)
async def resolve(action_id: str, body: ResolveIn, request: Request, who: Caller) -> ActionView:
    plane, _ = await load(request, action_id, who, require_decider)
    return ActionView.of(await run(plane.resolve_unknown, action_id, ran=body.ran, by=who.name, note=body.note))


# -- shadow mode ----------------------------------------------------------------------------------------------------


@router.post("/shadow/human", status_code=201, tags=["shadow"], summary="Record what the human really did")
async def record_human(body: HumanOutcomeIn, request: Request, who: Caller) -> CaseOut:
    """The human process reports its action for a subject; Tether pairs it with the agent's shadow proposal.
    Agents cannot: an agent must never grade its own shadow run."""
    require_role(who, Role.REVIEWER, Role.ADMIN)
    plane = plane_of(request)
    case = await run(plane.record_human, body.subject, tool=body.tool, args=body.args, by=who.name)
    return CaseOut(case=ShadowCaseOut.of(case))


@router.post("/shadow/agent", status_code=201, tags=["shadow"], summary="Record what the agent would have done")
async def record_agent(body: AgentProposalIn, request: Request, who: Caller) -> CaseOut:
    """Only for tools the policy lists: every (agent, tool) pair seen becomes a lane, so an agent inventing tool
    names here would grow the lanes (and the ladder's work) without bound."""
    require_role(who, Role.AGENT)
    plane = plane_of(request)
    if body.tool is not None and body.tool not in plane.policy.config.tools:
        raise UsageError(f"tool {body.tool!r} is not in the policy: shadow comparisons are kept for the tools it lists")
    case = await run(
        plane.record_agent,
        body.subject,
        agent=who.name,
        tool=body.tool,
        args=body.args,
        confidence=body.confidence,
        error=body.error,
    )
    return CaseOut(case=ShadowCaseOut.of(case))


@router.get("/shadow/cases", tags=["shadow"], summary="Shadow cases, oldest first")
async def shadow_cases(
    request: Request,
    who: Caller,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    agent: Annotated[str | None, Query(max_length=200)] = None,
    tool: Annotated[str | None, Query(max_length=200)] = None,
    compared: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> CaseList:
    require_reader(who)
    query = ShadowFilter(subject=subject, agent=agent, tool=tool, compared=compared, limit=limit)
    plane = plane_of(request)
    cases = viewable_cases(await run(plane.shadow_cases, query), who, plane)
    return CaseList(cases=[ShadowCaseOut.of(c) for c in cases])


def viewable_cases(cases: list[ShadowCase], who: Identity, plane: ControlPlane) -> list[ShadowCase]:
    """Shadow cases as this caller may see them: as for actions, viewers get secret-looking arguments redacted."""
    if who.role is not Role.VIEWER:
        return cases
    fields = plane.policy.config.audit.redact
    return [
        dataclasses.replace(c, agent_args=redact(c.agent_args, fields), human_args=redact(c.human_args, fields))
        for c in cases
    ]


def viewable_stats(rows: list[ShadowStats], who: Identity, plane: ControlPlane) -> list[ShadowStats]:
    return [dataclasses.replace(row, edge_cases=viewable_cases(row.edge_cases, who, plane)) for row in rows]


@router.get("/shadow/report", tags=["shadow"], summary="Agreement and disagreements per lane or per tool")
async def shadow_report(
    request: Request,
    who: Caller,
    by: Literal["lane", "tool"] = "lane",
    lane: Annotated[str | None, Query(max_length=401, pattern=r"^[^/]+/[^/]+$")] = None,
) -> ShadowReportOut:
    require_reader(who)
    plane = plane_of(request)
    rows = viewable_stats(await run(plane.shadow_report, by=by, lane=lane), who, plane)
    return ShadowReportOut(by=by, rows=[ShadowStatsOut.of(row) for row in rows])


# -- audit and breakers ---------------------------------------------------------------------------------------------


@router.get("/audit", tags=["audit"], summary="Read the audit log in chain order", responses=NOT_FOUND)
async def audit(
    request: Request,
    who: Caller,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action_id: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditPage:
    """Events after ``after``, at most ``limit``. With ``kind`` (a prefix) the log is scanned forward until
    ``limit`` events match (or 10,000 were read); continue from ``next_after``."""
    require_reader(who)
    plane = plane_of(request)

    def read() -> tuple[list[AuditEvent], int]:
        if action_id is not None:
            events = [e for e in plane.timeline(action_id) if e.seq > after]
            matched = [e for e in events if kind is None or e.kind.startswith(kind)][:limit]
            return matched, (matched[-1].seq if matched else after)
        matched, cursor = [], after
        for event in plane.audit_events(after=after, limit=None if kind else limit):
            cursor = event.seq
            if kind is None or event.kind.startswith(kind):
                matched.append(event)
            if len(matched) >= limit or cursor - after >= _SCAN:
                break
        return matched, cursor

    events, next_after = await run(read)
    return AuditPage(events=[EventOut.of(e) for e in events], next_after=next_after)


@router.get("/audit/head", tags=["audit"], summary="The head of the chain, to keep as an anchor")
async def audit_head(request: Request, who: Caller) -> AnchorOut:
    require_reader(who)
    return AnchorOut.of(await run(plane_of(request).audit_head))


@router.get("/audit/verify", tags=["audit"], summary="Recompute the chain; name the first broken event")
async def audit_verify(
    request: Request,
    who: Caller,
    anchor_seq: Annotated[int | None, Query(ge=0, le=MAX_SEQ)] = None,
    anchor_hash: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None,
) -> VerificationOut:
    require_reader(who)
    if (anchor_seq is None) != (anchor_hash is None):
        raise UsageError("an anchor is anchor_seq and anchor_hash together: half an anchor checks nothing")
    anchor = Anchor(anchor_seq, anchor_hash) if anchor_seq is not None and anchor_hash is not None else None
    return VerificationOut.of(await run(plane_of(request).verify, anchor))


# -- lanes ----------------------------------------------------------------------------------------------------------


@router.get("/lanes", tags=["lanes"], summary="Every lane with its level, evidence and next step")
async def list_lanes(request: Request, who: Caller) -> LaneList:
    require_reader(who)
    plane = plane_of(request)
    reports = await run(plane.lanes)
    return LaneList(lanes=[LaneOut.of(r, plane.clock.now()) for r in reports])


@router.post("/lanes/apply", tags=["lanes"], summary="Run the ladder now; the lanes it moved")
async def apply_ladder(request: Request, who: Caller) -> LaneList:
    """What the server does every minute on its own: demote lanes whose accuracy fell below the bar and, with
    ``promote = "auto"``, promote the ready ones."""
    require_role(who, Role.ADMIN)
    plane = plane_of(request)
    changed = await run(plane.apply_ladder)
    return LaneList(lanes=[LaneOut.of(r, plane.clock.now()) for r in changed])


@router.get(
    "/lanes/{agent}/{tool:path}", tags=["lanes"], summary='One lane (a tool name may hold "/")', responses=NOT_FOUND
)
async def get_lane(agent: str, tool: str, request: Request, who: Caller) -> LaneOut:
    require_reader(who)
    plane = plane_of(request)
    return LaneOut.of(await run(plane.lane, f"{agent}/{tool}"), plane.clock.now())


@router.post(
    "/lanes/{agent}/{tool:path}/promote",
    tags=["lanes"],
    summary="Confirm a ready lane's promotion",
    responses=NOT_FOUND,
)
async def promote_lane(agent: str, tool: str, request: Request, who: Caller) -> LaneOut:
    require_role(who, Role.ADMIN)
    plane = plane_of(request)
    return LaneOut.of(await run(plane.promote, f"{agent}/{tool}", by=who.name), plane.clock.now())


@router.post(
    "/lanes/{agent}/{tool:path}/demote", tags=["lanes"], summary="Lower a lane's autonomy", responses=NOT_FOUND
)
async def demote_lane(agent: str, tool: str, body: DemoteIn, request: Request, who: Caller) -> LaneOut:
    require_role(who, Role.ADMIN)
    plane = plane_of(request)
    target = Mode(body.to) if body.to else None
    return LaneOut.of(await run(plane.demote, f"{agent}/{tool}", by=who.name, to=target), plane.clock.now())


@router.post(
    "/actions/{action_id}/incident", tags=["lanes"], summary="Flag a critical error on an action", responses=ON_ACTION
)
async def incident(action_id: str, body: IncidentIn, request: Request, who: Caller) -> LaneOut:
    plane, _ = await load(request, action_id, who, require_decider)
    report = await run(plane.report_incident, action_id, note=body.note, by=who.name)
    return LaneOut.of(report, plane.clock.now())


@router.post(
    "/actions/{action_id}/review", tags=["lanes"], summary="Record a sampled review of a run", responses=ON_ACTION
)
async def review(action_id: str, body: ReviewIn, request: Request, who: Caller) -> LaneOut:
    plane, _ = await load(request, action_id, who, require_decider)
    report = await run(plane.review_run, action_id, ok=body.ok, note=body.note, by=who.name)
    return LaneOut.of(report, plane.clock.now())


@router.get("/samples", tags=["lanes"], summary="Runs at auto picked for a human's review, not reviewed yet")
async def samples(request: Request, who: Caller, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> ActionList:
    require_reader(who)
    plane = plane_of(request)
    return ActionList(actions=[shown(a, who, plane) for a in await run(plane.samples, limit=limit)])


@router.post("/tokens", status_code=201, tags=["admin"], summary="Create an API token (its secret is shown once)")
async def create_token(body: TokenIn, request: Request, who: Caller) -> TokenCreated:
    require_role(who, Role.ADMIN)
    tokens: Tokens = request.app.state.tokens
    record, secret = await run(tokens.issue, body.name, body.role, tuple(body.groups), by=who.name)
    return TokenCreated(id=record.id, name=record.name, role=record.role, groups=list(record.groups), token=secret)


@router.get("/tokens", tags=["admin"], summary="Every token, without its secret")
async def list_tokens(request: Request, who: Caller) -> TokenList:
    require_role(who, Role.ADMIN)
    found = await run(plane_of(request).store.list_tokens)
    return TokenList(tokens=[TokenOut.of(t) for t in found])


@router.delete(
    "/tokens/{name_or_id}", tags=["admin"], summary="Revoke a token, or every token of a name", responses=NOT_FOUND
)
async def revoke_token(name_or_id: str, request: Request, who: Caller) -> RevokedOut:
    require_role(who, Role.ADMIN)
    tokens: Tokens = request.app.state.tokens
    return RevokedOut(revoked=await run(tokens.revoke, name_or_id, by=who.name))


@router.get("/outbox", tags=["admin"], summary="Notification deliveries, newest first")
async def outbox(
    request: Request,
    who: Caller,
    status: Literal["pending", "sending", "sent", "skipped", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryList:
    require_reader(who)
    found = await run(plane_of(request).store.outbox_list, status=status, limit=limit)
    return DeliveryList(deliveries=[DeliveryOut.of(d) for d in found])


@router.post("/outbox/{delivery_id}/retry", tags=["admin"], summary="Queue a dead delivery again", responses=NOT_FOUND)
async def outbox_retry(delivery_id: str, request: Request, who: Caller) -> DeliveryOut:
    require_role(who, Role.ADMIN)
    plane = plane_of(request)
    return DeliveryOut.of(await run(plane.store.outbox_retry, delivery_id, now=plane.clock.now()))


@router.get("/breakers", tags=["admin"], summary="Open breakers")
async def breakers(request: Request, who: Caller) -> BreakerList:
    require_reader(who)
    found = await run(plane_of(request).breakers)
    return BreakerList(breakers=[BreakerOut.of(b) for b in found])


@router.post(
    "/breakers/{agent}/{tool:path}/close", tags=["admin"], summary="Close a lane's breaker", responses=NOT_FOUND
)
async def close_breaker(agent: str, tool: str, request: Request, who: Caller) -> ClosedOut:
    require_role(who, Role.ADMIN)
    await run(plane_of(request).close_breaker, f"{agent}/{tool}", by=who.name)
    return ClosedOut(closed=f"{agent}/{tool}")


def _fresh(plane: ControlPlane, action_id: str) -> Action:
    """The action, with its own due timer fired first, so a reader never sees an approval past its deadline, nor a
    run whose worker died as still running (a remote agent's long poll learns it, as a local waiting call does)."""
    return plane.fire_due(plane.get(action_id))
