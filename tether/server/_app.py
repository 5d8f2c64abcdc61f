"""The Tether server: a FastAPI app around one control plane (``tether serve``).

Besides the API it runs one background task, the sweeper, which fires due timers every second (expiry,
escalation, window ends, dead leases), so timers fire even when no agent or reviewer is active.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tether import __version__
from tether.errors import TetherError
from tether.notify._keys import SigningKeys
from tether.notify._outbox import Outbox
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.server import _api as api
from tether.server import _events as events
from tether.server import _links as links
from tether.server import _slack as slack
from tether.server import dashboard
from tether.server._changes import ChangeSignal
from tether.server._metrics import CONTENT_TYPE, Metrics
from tether.server._wire import error_body, error_status

log = logging.getLogger("tether.server")

MAX_BODY_BYTES = 2 * 1024 * 1024
API_PREFIXES = ("/v1/", "/healthz", "/readyz", "/metrics")
DESCRIPTION = """Tether's control plane over HTTP. Agents submit tool calls, wait for decisions, claim and report
runs; reviewers list, read and decide held actions, undo inside override windows, and read the audit log.
Authenticate with `Authorization: Bearer tth_…` (see `tether token create`)."""


def create_app(
    plane: ControlPlane,
    *,
    tokens: Tokens | None = None,
    sweep_interval: float = 1.0,
    env: Mapping[str, str] | None = None,
) -> FastAPI:
    """An app serving ``plane``; ``sweep_interval`` ≤ 0 disables the background sweeper (tests drive time).

    ``env`` (default: the process environment) holds the notification channels' secrets; a channel whose secret
    is missing is a ConfigError here, when the server starts.
    """
    environment = dict(os.environ if env is None else env)
    keys = SigningKeys.from_env(plane.store, environment)  # refuses another secret than the database's
    outbox = Outbox(plane, env=environment, keys=keys)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.changes = ChangeSignal(plane, asyncio.get_running_loop())
        sweeper = asyncio.create_task(_sweep_forever(plane, outbox, sweep_interval)) if sweep_interval > 0 else None
        try:
            yield
        finally:
            app.state.stopping.set()
            app.state.changes.close()
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper

    # FastAPI's own OpenTelemetry spans: one per request, in the caller's trace. Its per-request operation spans
    # (dependencies, endpoint, serialization) are left out: three more spans per request say nothing a reader of
    # Tether's traces needs, and the verdict belongs on the request's own span.
    app = FastAPI(
        title="Tether",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry={"operation_spans": False},
        # FastAPI's /docs and /redoc pages load their scripts from a public CDN: a page of the control plane must
        # not run code from elsewhere (nor need the internet). /openapi.json is the reference; load it into any
        # OpenAPI viewer.
        docs_url=None,
        redoc_url=None,
    )
    app.state.plane = plane
    app.state.tokens = tokens or Tokens(plane.store, plane.clock)
    app.state.metrics = Metrics(plane)
    app.state.stopping = asyncio.Event()  # set at shutdown: long polls end at once instead of holding it up
    app.state.env = environment
    app.state.keys = keys
    app.state.outbox = outbox
    app.include_router(api.router)
    app.include_router(events.router)
    app.include_router(slack.router)
    app.include_router(links.router)
    dashboard.install(app)
    _install_error_handlers(app)

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.get("/healthz", tags=["operations"], summary="The process is up")
    async def healthz() -> dict[str, Any]:
        return {"ok": True, "version": __version__}

    @app.get("/readyz", tags=["operations"], summary="The store is reachable")
    async def readyz() -> JSONResponse:
        try:
            head = await asyncio.to_thread(plane.audit_head)
        except TetherError as exc:
            return JSONResponse({"ready": False, "reason": str(exc)}, status_code=503)
        return JSONResponse({"ready": True, "audit_head": head.seq})

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}, "description": "The metrics"}},
    )
    async def metrics() -> Response:
        body = await asyncio.to_thread(app.state.metrics.render)
        return Response(body, media_type=CONTENT_TYPE)

    return app


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 — counted as they arrive, so a chunked upload with no
    Content-Length cannot fill the server's memory before anyone checks its token."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(send)
                return
        seen = 0
        too_big = False

        async def counted() -> Message:
            nonlocal seen, too_big
            if too_big:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    too_big = True  # stop reading: to the app the client has gone away
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            if not too_big:  # whatever the app answers to a cut-off body, the client gets the 413 below
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not too_big:
                raise
        if too_big:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            error_body("too_large", f"request bodies are limited to {self.limit} bytes"), status_code=413
        )
        await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TetherError)
    async def tether_error(request: Request, exc: TetherError) -> Response:
        if not request.url.path.startswith(API_PREFIXES):
            return dashboard.dashboard_error(request, exc)  # a person in a browser: a page, not JSON
        status, kind = error_status(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(kind, str(exc)), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(part) for part in err["loc"]), "message": str(err["msg"])} for err in exc.errors()
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "invalid request"
        return JSONResponse(error_body("invalid_request", message, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body("http_error", str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "an unexpected error; it was logged"), status_code=500)


LADDER_EVERY = 60.0  # seconds between passes of the autonomy ladder (demotions, and promote = "auto")
SWEEP_BATCH = 500  # due timers one sweep fires at most; after a full batch the next sweep starts at once


async def _sweep_forever(plane: ControlPlane, outbox: Outbox, interval: float) -> None:
    last_ladder = 0.0
    while True:
        backlog = False
        try:
            fired = await asyncio.to_thread(plane.sweep, limit=SWEEP_BATCH)
            backlog = len(fired) >= SWEEP_BATCH  # a full batch: more may be due, so no pause before the next
            await asyncio.to_thread(outbox.run_once)  # notifications: never on an agent's path
            if asyncio.get_running_loop().time() - last_ladder >= LADDER_EVERY:
                last_ladder = asyncio.get_running_loop().time()
                await asyncio.to_thread(plane.apply_ladder)
        except Exception:  # an unreachable store must not kill the sweeper; it tries again
            log.exception("sweep failed")
        await asyncio.sleep(0 if backlog else interval)
