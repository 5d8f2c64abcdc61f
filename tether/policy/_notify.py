"""The ``[notify]`` section of the policy: channels, who the people are, and which events go where.

Secrets never live in the policy file: a channel names the environment variable that holds its secret
(``secret_env``, ``token_env``, ...), and the server checks they are set when it starts.

```toml
[notify]
base_url = "https://tether.example.com"     # where links in messages point

[notify.channels.finance-mail]
type = "email"
to = ["alice", "bob"]                        # people, below
sender = "tether@example.com"
smtp = "smtp://mail.example.com:587"

[notify.people.alice]
email = "alice@example.com"
slack = "U024BE7LH"

[[notify.routes]]
events = ["approval_needed"]
risk = ["critical"]
channels = ["finance-mail"]
escalate_after = "30m"
escalate_to = ["ops-pager"]
```
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tether.model import Risk, Urgency
from tether.policy._durations import PositiveDuration

EVENTS = (
    "approval_needed",
    "override_executed",
    "alert_executed",
    "escalated",
    "breaker_opened",
    "lane_demoted",
    "unknown",
    "not_run",
)
Event = Literal[
    "approval_needed",
    "override_executed",
    "alert_executed",
    "escalated",
    "breaker_opened",
    "lane_demoted",
    "unknown",
    "not_run",
]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="an environment variable's name")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookChannel(_Strict):
    """POST a JSON payload, signed in the ``Tether-Signature`` header."""

    type: Literal["webhook"]
    url: str = Field(pattern=r"^https?://")
    secret_env: EnvName
    timeout_seconds: float = Field(10.0, gt=0, le=120)


class SlackChannel(_Strict):
    """A Block Kit message with Approve / Reject / Undo buttons, answered at ``/slack/interactions``."""

    type: Literal["slack"]
    channel: str = Field(min_length=1)
    token_env: EnvName = "SLACK_BOT_TOKEN"
    signing_secret_env: EnvName = "SLACK_SIGNING_SECRET"
    api_url: str | None = Field(None, pattern=r"^https?://")  # the Web API's base URL, if not Slack's own


class EmailChannel(_Strict):
    """One message per person, with approve / reject / undo links signed for that person alone."""

    type: Literal["email"]
    to: list[str] = Field(min_length=1)  # names of people in [notify.people]
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    smtp: str = Field("smtp://127.0.0.1:25", pattern=r"^smtps?(\+starttls)?://[^/:]+(:\d+)?/?$")
    username_env: EnvName | None = None
    password_env: EnvName | None = None
    link_ttl: PositiveDuration = timedelta(hours=24)


class AppriseChannel(_Strict):
    """Any one-way service apprise knows (needs ``pip install "tether[apprise]"``)."""

    type: Literal["apprise"]
    urls_env: EnvName  # apprise URLs carry credentials: they come from the environment, whitespace-separated


Channel = Annotated[WebhookChannel | SlackChannel | EmailChannel | AppriseChannel, Field(discriminator="type")]


class Person(_Strict):
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+$")
    slack: str | None = Field(None, min_length=1)  # the Slack user id (U…) that acts as this person


class Route(_Strict):
    """Events matching every filter given go to ``channels``; unanswered approvals go on to ``escalate_to``."""

    events: list[Event] = Field(min_length=1)
    channels: list[str] = Field(min_length=1)
    tools: list[str] | None = None
    risk: list[Risk] | None = None
    urgency: Urgency | None = None
    escalate_after: PositiveDuration | None = None
    escalate_to: list[str] = []

    @model_validator(mode="after")
    def _escalation_is_whole(self) -> Route:
        if bool(self.escalate_after) != bool(self.escalate_to):
            raise ValueError("escalate_after and escalate_to go together")
        if self.escalate_after is not None and "approval_needed" not in self.events:
            raise ValueError("escalate_after applies to approval_needed: add it to events")
        return self


class NotifyConfig(_Strict):
    base_url: str | None = Field(None, pattern=r"^https?://")
    channels: dict[str, Channel] = {}
    people: dict[str, Person] = {}
    routes: list[Route] = []
    max_attempts: int = Field(8, ge=1, le=50)
    backoff: PositiveDuration = timedelta(seconds=30)  # doubled after each failure, at most an hour

    @model_validator(mode="after")
    def _references_resolve(self) -> NotifyConfig:
        problems = []
        for i, route in enumerate(self.routes):
            for name in (*route.channels, *route.escalate_to):
                if name not in self.channels:
                    problems.append(f"routes[{i}] names channel {name!r}, which [notify.channels] does not define")
        for name, channel in self.channels.items():
            if isinstance(channel, EmailChannel):
                for person in channel.to:
                    if person not in self.people or not self.people[person].email:
                        problems.append(f"channels.{name}.to names {person!r}, who has no email in [notify.people]")
            if isinstance(channel, SlackChannel | EmailChannel) and not self.base_url:
                problems.append(f"channels.{name} needs notify.base_url: its messages link back to the server")
        if problems:
            raise ValueError("; ".join(problems))
        return self
