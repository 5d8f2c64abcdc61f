"""What a notification says, once, and how each channel shows it (JSON, Slack Block Kit, plain-text email).

Arguments are redacted as in the audit log (``audit.redact``): messages leave Tether for other systems.
Agents' text is kept as text: Slack gets it in plain-text fields or escaped mrkdwn, never as markup of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tether._display import visible
from tether._json import iso
from tether.audit import AuditEvent, redact
from tether.model import Action

TITLES = {
    "approval_needed": "Approval needed",
    "override_executed": "Ran with an undo window",
    "alert_executed": "Ran (alert)",
    "escalated": "Escalated: still waiting for a decision",
    "breaker_opened": "Breaker opened",
    "lane_demoted": "Lane demoted",
    "unknown": "Crashed mid-run: did it take effect?",
    "not_run": "Approved, but not run yet",
}
VERBS = {"approval_needed": ("approve", "reject"), "escalated": ("approve", "reject"), "override_executed": ("undo",)}


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    summary: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    action_id: str | None = None
    url: str | None = None  # the action's page in the dashboard
    verbs: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # the machine-readable form (webhooks)


def build(
    kind: str, event: AuditEvent, action: Action | None, *, redact_fields: tuple[str, ...], base_url: str | None
) -> Message:
    title = TITLES.get(kind, kind)
    data: dict[str, Any] = {"event": kind, "seq": event.seq, "audit_kind": event.kind, "at": event.at}
    if action is None:  # lane events
        lane = str(event.body.get("lane", ""))
        summary = visible(f"{title}: lane {lane}", one_line=True)
        fields = [(k, _text(v)) for k, v in event.body.items() if k in ("lane", "from", "to", "reason")]
        data["lane"] = event.body
        return Message(kind, title, summary, _shown(fields), data=data)
    call, verdict = action.call, action.verdict
    args = redact(action.run_args, redact_fields)
    fields = [
        ("tool", call.tool),
        ("agent", call.agent),
        ("arguments", json.dumps(args, ensure_ascii=False, sort_keys=True)),
    ]
    if call.reasoning:
        fields.append(("reasoning", call.reasoning))
    if call.confidence is not None:
        fields.append(("confidence", f"{call.confidence:.2f}"))
    fields.append(("why", "; ".join(verdict.explain())))
    if kind in ("approval_needed", "escalated") and action.expires_at is not None:
        fields.append(("decide by", iso(action.expires_at) or ""))
    if kind == "override_executed" and action.window_ends_at is not None:
        fields.append(("undo until", iso(action.window_ends_at) or ""))
    if kind == "escalated":
        fields.append(("now for", action.reviewers or "any reviewer"))
    url = f"{base_url.rstrip('/')}/actions/{action.id}" if base_url else None
    data["action"] = {
        "id": action.id,
        "tool": call.tool,
        "agent": call.agent,
        "args": args,
        "reasoning": call.reasoning,
        "confidence": call.confidence,
        "mode": verdict.mode.value,
        "status": action.status.value,
        "urgency": verdict.urgency.value,
        "reasons": verdict.explain(),
        "reviewers": action.reviewers,
        "expires_at": iso(action.expires_at),
        "window_ends_at": iso(action.window_ends_at),
        "url": url,
    }
    summary = visible(f"{title}: {call.tool} by {call.agent}", one_line=True)  # an email's subject, too
    return Message(kind, title, summary, _shown(fields), action.id, url, VERBS.get(kind, ()), data)


def to_text(message: Message, links: dict[str, str] | None = None) -> str:
    """The plain-text body of an email (and of one-way channels)."""
    lines = [message.summary, ""]
    lines += [f"{name}: {value}" for name, value in message.fields]
    if links:
        lines.append("")
        for verb, link in links.items():
            lines.append(f"{verb.capitalize()}: {link}")
        lines.append("")
        lines.append("Each link opens a confirmation page; nothing happens until you confirm there.")
    if message.url:
        lines += ["", f"Details: {message.url}"]
    return "\n".join(lines)


def to_blocks(message: Message, *, outcome: str | None = None) -> list[dict[str, Any]]:
    """Block Kit: a header, the facts, and the buttons (or, once acted on, what happened)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.summary[:150]}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{name}*\n{escape_mrkdwn(value)[:1900]}"}
                for name, value in message.fields[:10]
            ],
        },
    ]
    if outcome:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape_mrkdwn(outcome)}]})
    elif message.verbs and message.action_id:
        style = {"approve": "primary", "reject": "danger", "undo": "danger"}
        blocks.append(
            {
                "type": "actions",
                "block_id": f"tether:{message.action_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": verb,
                        "text": {"type": "plain_text", "text": verb.capitalize()},
                        "value": f"{verb}:{message.action_id}",
                        "style": style[verb],
                    }
                    for verb in message.verbs
                ],
            }
        )
    if message.url:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{message.url}|Open in Tether>"}]})
    return blocks


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters escaped, so agent text cannot become links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shown(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each field on one line, as a person must see it: an agent's line breaks cannot forge the lines after it
    (a fake "why:" or "Approve:" line), nor can direction controls reorder what a reviewer reads."""
    return [(name, visible(value, one_line=True)) for name, value in fields]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
