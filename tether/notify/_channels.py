"""The senders behind each channel type: webhook (httpx), Slack (slack_sdk), email (smtplib), apprise.

A sender raises on failure; the outbox retries with backoff and, out of attempts, keeps it as a dead letter.
Senders are built once from the policy's ``[notify.channels]`` and the environment; a missing secret is a
configuration error naming the channel and the variable, found when the server starts rather than at 3 a.m.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from tether.clock import Clock, SystemClock
from tether.errors import ConfigError
from tether.notify._messages import Message, escape_mrkdwn, to_blocks, to_text
from tether.notify._signing import LinkSigner, sign_webhook
from tether.policy._notify import AppriseChannel, EmailChannel, NotifyConfig, SlackChannel, WebhookChannel
from tether.store import Delivery


class Sender(Protocol):
    def send(self, message: Message, delivery: Delivery) -> str | None:
        """Deliver, or raise; returns the provider's reference for the message, if any."""


class WebhookSender:
    def __init__(self, channel: WebhookChannel, secret: str) -> None:
        self.channel = channel
        self.secret = secret

    def send(self, message: Message, delivery: Delivery) -> str | None:
        body = json.dumps({"delivery": delivery.id, **message.data}, ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "Tether-Signature": sign_webhook(self.secret, body, int(time.time())),
            "Tether-Delivery": delivery.id,
            "Tether-Event": message.kind,
        }
        response = httpx.post(self.channel.url, content=body, headers=headers, timeout=self.channel.timeout_seconds)
        if response.status_code >= 300:
            raise RuntimeError(f"the webhook answered HTTP {response.status_code}")
        return None


class SlackSender:
    def __init__(self, channel: SlackChannel, token: str) -> None:
        try:
            from slack_sdk import WebClient
        except ImportError:
            raise ImportError('Slack channels need slack_sdk: pip install "tether[slack]"') from None
        base = (channel.api_url.rstrip("/") + "/") if channel.api_url else WebClient.BASE_URL
        self.client = WebClient(token=token, base_url=base, timeout=15)
        self.channel = channel

    def send(self, message: Message, delivery: Delivery) -> str | None:
        blocks = to_blocks(message)
        # the top-level text is the notification's fallback, and Slack reads it as mrkdwn too: escaped like the blocks
        text = escape_mrkdwn(message.summary)
        reply = self.client.chat_postMessage(channel=self.channel.channel, text=text, blocks=blocks)
        return str(reply.get("ts")) if reply.get("ts") else None


class EmailSender:
    def __init__(
        self, channel: EmailChannel, config: NotifyConfig, links: LinkSigner, env: Mapping[str, str], clock: Clock
    ) -> None:
        self.clock = clock
        self.channel = channel
        self.config = config
        self.links = links
        parts = urlsplit(channel.smtp)
        self.host = parts.hostname or "127.0.0.1"
        self.tls = parts.scheme.startswith("smtps")
        self.starttls = parts.scheme.endswith("+starttls")
        self.port = parts.port or (465 if self.tls else 25)
        self.username = env.get(channel.username_env) if channel.username_env else None
        self.password = env.get(channel.password_env) if channel.password_env else None

    def send(self, message: Message, delivery: Delivery) -> str | None:
        person = self.config.people[delivery.recipient or ""]
        links = self._links(message, delivery.recipient or "")
        mail = EmailMessage()
        mail["From"] = self.channel.sender
        mail["To"] = person.email or ""
        mail["Subject"] = f"[Tether] {message.summary}"
        mail["Message-ID"] = f"<{delivery.id}@tether>"
        mail.set_content(to_text(message, links))
        smtp_class = smtplib.SMTP_SSL if self.tls else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=15) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(mail)
        return None

    def _links(self, message: Message, reviewer: str) -> dict[str, str]:
        if not message.action_id or not self.config.base_url:
            return {}
        now = self.clock.now().timestamp()
        expires = int(now + self.channel.link_ttl.total_seconds())
        base = self.config.base_url.rstrip("/")
        return {
            verb: f"{base}/links/{self.links.make(message.action_id, reviewer, verb, expires, issued=now)}"
            for verb in message.verbs
        }


class AppriseSender:
    def __init__(self, channel: AppriseChannel, urls: str) -> None:
        try:
            import apprise
        except ImportError:
            raise ImportError('apprise channels need apprise: pip install "tether[apprise]"') from None
        self.apprise: Any = apprise.Apprise()
        for url in urls.split():
            if not self.apprise.add(url):
                raise ConfigError(f"apprise does not understand the URL scheme of {url.split(':', 1)[0]!r}")

    def send(self, message: Message, delivery: Delivery) -> str | None:
        if not self.apprise.notify(title=f"[Tether] {message.title}", body=to_text(message)):
            raise RuntimeError("apprise could not deliver to every URL")
        return None


def build_senders(
    config: NotifyConfig, env: Mapping[str, str], links: LinkSigner, clock: Clock | None = None
) -> dict[str, Sender]:
    """One sender per channel; ConfigError naming the channel and variable when a secret is missing."""
    senders: dict[str, Sender] = {}
    problems = []

    def need(name: str, variable: str) -> str:
        value = env.get(variable, "")
        if not value:
            problems.append(f"notify.channels.{name}: the environment variable {variable} is not set")
        return value

    for name, channel in config.channels.items():
        if isinstance(channel, WebhookChannel):
            senders[name] = WebhookSender(channel, need(name, channel.secret_env))
        elif isinstance(channel, SlackChannel):
            token = need(name, channel.token_env)
            need(name, channel.signing_secret_env)
            if token:
                senders[name] = SlackSender(channel, token)
        elif isinstance(channel, EmailChannel):
            senders[name] = EmailSender(channel, config, links, env, clock or SystemClock())
        else:
            urls = need(name, channel.urls_env)
            if urls:
                senders[name] = AppriseSender(channel, urls)
    if problems:
        raise ConfigError("; ".join(problems), key=f"notify.channels.{problems[0].split('.')[2].split(':')[0]}")
    return senders
