"""Email links: ``/links/<token>`` shows a confirmation page; only the POST from that page acts.

Mail scanners open links on delivery, so opening one changes nothing. A link names one action, one reviewer and
one verb, is signed with the signing secret (``tether.notify._keys``), expires, and is spent by its first use. A
forged, expired, reused or foreign-site request is refused with a page saying why, and leaves only a
``notify.refused`` audit event behind.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tether.errors import TetherError
from tether.notify._acting import act, outcome_text, refuse
from tether.notify._keys import SigningKeys
from tether.notify._signing import Link, LinkSigner, Refused
from tether.plane import ControlPlane
from tether.plane._identity import Identity, Tokens
from tether.server._api import plane_of, run
from tether.server.dashboard._present import card
from tether.server.dashboard._web import render, same_origin

router = APIRouter(include_in_schema=False)


def _check(plane: ControlPlane, tokens: Tokens, keys: SigningKeys, token: str) -> tuple[Link, Identity]:
    link = LinkSigner(keys.key("links")).read(token, plane.clock.now())
    who = tokens.person(link.reviewer)
    if who is None:
        raise Refused(f"{link.reviewer} is no longer a reviewer")
    revoked = tokens.revoked_since(link.reviewer)
    if revoked is not None and link.issued <= revoked.timestamp():
        raise Refused(f"this link was sent before {link.reviewer}'s access was revoked; use a newer message")
    return link, who


@router.get("/links/{token}", response_class=HTMLResponse)
async def confirm(token: str, request: Request) -> HTMLResponse:
    plane = plane_of(request)
    try:
        link, who = await run(_check, plane, request.app.state.tokens, request.app.state.keys, token)
        action = await run(plane.get, link.action_id)
    except (Refused, TetherError) as exc:
        await run(refuse, plane, "email", str(exc))
        return render(request, None, "error.html", status=403, message=f"This link cannot be used: {exc}")
    shown = card(action, plane.clock.now(), redact_fields=plane.policy.config.audit.redact)
    return render(request, None, "link.html", link=link, who=who, a=shown, token=token)


@router.post("/links/{token}", response_class=HTMLResponse)
async def use(token: str, request: Request) -> HTMLResponse:
    plane = plane_of(request)
    try:
        same_origin(request)
        link, who = await run(_check, plane, request.app.state.tokens, request.app.state.keys, token)
        if not await run(plane.store.use_nonce, f"link:{link.nonce}", at=plane.clock.now()):
            raise Refused("this link was used already")
    except (Refused, TetherError) as exc:
        await run(refuse, plane, "email", str(exc))
        return render(request, None, "error.html", status=403, message=f"This link cannot be used: {exc}")
    try:
        done = await run(act, plane, who, link.verb, link.action_id, via="email")
    except TetherError as exc:
        return render(request, None, "error.html", status=409, message=f"{who.name} could not {link.verb}: {exc}")
    return render(request, None, "link_done.html", text=outcome_text(done, link.verb, who.name), action_id=done.id)
