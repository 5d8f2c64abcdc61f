"""What every dashboard page shares: templates, the logged-in session, CSRF checks, form parsing, responses.

Pages are server-rendered with Jinja2 (autoescaping on: agents' text is untrusted) and served with a strict
Content-Security-Policy that allows only our own script and stylesheet, so injected markup could not run even if
it escaped the templates.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tether import __version__
from tether._display import visible
from tether._secrets import same
from tether.errors import Forbidden, Unauthenticated
from tether.model import Role
from tether.server._auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, Session, Sessions

HERE = Path(__file__).parent
MAX_FORM_BYTES = 256 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes browsers send "Origin: null" on form posts
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
NAV = [
    ("inbox", "Inbox", "/inbox"),
    ("windows", "Override windows", "/windows"),
    ("activity", "Activity", "/activity"),
    ("audit", "Audit", "/audit"),
    ("alerts", "Breakers & alerts", "/alerts"),
    ("charts", "Metrics", "/charts"),
    ("shadow", "Shadow mode", "/shadow"),
    ("lanes", "Autonomy", "/lanes"),
]


def _shown(value: Any) -> Any:
    """Every value a template prints, as a person must see it (``tether._display``): bidirectional and invisible
    characters shown as code points. Markup the templates built themselves is left as it is."""
    return visible(value) if isinstance(value, str) and not isinstance(value, Markup) else value


templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_shown,
)


class LoginRequired(Exception):
    """Raised by a page whose visitor has no valid session; the app answers with a redirect to /login."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def sessions(request: Request) -> Sessions:
    found: Sessions = request.app.state.sessions
    return found


def session_of(request: Request) -> Session:
    """The visitor's session (a page dependency); LoginRequired without one."""
    try:
        return sessions(request).check(request.cookies.get(SESSION_COOKIE))
    except Unauthenticated as exc:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target, str(exc)) from None


def same_origin(request: Request) -> None:
    """Refuse a state change whose Origin (or, without one, Referer) is another site."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source and source != "null":
        parts = urlsplit(source)
        if parts.netloc != request.headers.get("host", ""):
            raise Forbidden("this request came from another site; it was refused")
    elif source == "null":
        raise Forbidden("this request came from an opaque origin; it was refused")


async def form_of(request: Request, session: Session | None) -> dict[str, str]:
    """The url-encoded form of a POST, once its origin and (with a session) its CSRF token are checked."""
    same_origin(request)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Forbidden(f"forms are limited to {MAX_FORM_BYTES} bytes")
    try:
        fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    except UnicodeDecodeError:
        fields = {}
    if session is not None and not Sessions.csrf_ok(
        session, fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("the form's CSRF token is missing or stale; reload the page and try again")
    return fields


def safe_next(target: str | None, default: str = "/inbox") -> str:
    """A same-site path to go back to: never another host (``//evil``), never a scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def render(request: Request, session: Session | None, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = templates.get_template(template).render(
        request=request,
        session=session,
        me=session.identity if session else None,
        can_decide=bool(session and session.identity.can_decide),
        is_admin=bool(session and session.identity.role is Role.ADMIN),
        csrf_field=CSRF_FIELD,
        nav=NAV,
        version=__version__,
        flash=request.query_params.get("flash", "")[:300],
        **context,
    )
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


def back(target: str, flash: str) -> RedirectResponse:
    """303 to ``target`` with a one-line message for the next page to show."""
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}flash={quote(flash)}", status_code=303, headers=SECURITY_HEADERS)


def login_redirect(exc: LoginRequired) -> Response:
    return RedirectResponse(
        f"/login?next={quote(safe_next(exc.path))}&flash={quote(exc.message)}",
        status_code=303,
        headers=SECURITY_HEADERS,
    )


LOGIN_COOKIE = "tether_login"
LOGIN_FIELD = "login_csrf"


def login_form(request: Request, *, next: str, status: int = 200, error: str | None = None) -> HTMLResponse:
    """The login page with a fresh anti-forgery token, in a hidden field and a cookie scoped to /login: a login
    posted from another site (to log the victim into the attacker's account) has no matching pair."""
    token = secrets.token_urlsafe(24)
    response = render(request, None, "login.html", status=status, next=next, error=error, login_csrf=token)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/login",
    )
    return response


def login_csrf_ok(request: Request, fields: dict[str, str]) -> bool:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    return bool(cookie) and same(cookie, fields.get(LOGIN_FIELD))


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure over https — also behind a TLS-terminating proxy, when the policy's public URL is https."""
    base_url = request.app.state.plane.policy.config.notify.base_url or ""
    return request.url.scheme == "https" or base_url.startswith("https://")
