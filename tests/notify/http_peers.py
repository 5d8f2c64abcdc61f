"""Local stand-ins for the services notifications go to: a tiny HTTP server on 127.0.0.1 that records every request
and answers from a table the test controls (a fake Slack Web API, a response_url, an apprise json:// receiver)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or (a form post) its fields, with ``blocks`` decoded when Slack's SDK sends them so."""
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form: dict[str, Any] = {k: v[0] for k, v in parse_qs(self.body.decode()).items()}
            if isinstance(form.get("blocks"), str):
                form["blocks"] = json.loads(form["blocks"])
            return form
        return json.loads(self.body)


Answer = tuple[int, Any]  # HTTP status and a JSON-able body


class Peer:
    """An HTTP server in a thread; ``answer(path)`` decides each reply, every request is kept in ``received``."""

    def __init__(self, answer: Callable[[str], Answer]) -> None:
        self.answer = answer
        self.received: list[Received] = []
        self._lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with peer._lock:  # recorded before the reply: once the client has its answer, the test sees it
                    peer.received.append(Received("POST", self.path, headers, body))
                status, reply = peer.answer(self.path)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def to(self, prefix: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.startswith(prefix)]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
