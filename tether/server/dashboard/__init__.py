"""The reviewer dashboard, served by ``tether serve`` at ``/``: server-rendered pages, our own small script for
live updates and keyboard shortcuts, no build step and nothing fetched from elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from tether.errors import TetherError
from tether.server._auth import Sessions
from tether.server._wire import error_status
from tether.server.dashboard import _forms as forms
from tether.server.dashboard import _pages as pages
from tether.server.dashboard._web import HERE, LoginRequired, login_redirect, render, session_of


def install(app: FastAPI) -> None:
    """Add the dashboard's pages, forms and static files to ``app`` (whose state holds the plane)."""
    app.state.sessions = Sessions(app.state.plane.store, app.state.plane.clock, app.state.keys)
    app.include_router(pages.router)
    app.include_router(forms.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(exc)


def dashboard_error(request: Request, exc: TetherError) -> Response:
    """A refused dashboard request (forged CSRF token, foreign origin): an HTML page naming the reason."""
    status, _ = error_status(exc)
    try:
        session = session_of(request)
    except LoginRequired:
        session = None
    return render(request, session, "error.html", status=status, message=str(exc))


__all__ = ["dashboard_error", "install"]
