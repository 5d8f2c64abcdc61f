"""A STAND-IN FOR CLAUDE, for running examples/anthropic_agent.py offline: a tiny Messages API on 127.0.0.1 that
answers from a fixed script. It is not a model; it only shows what Tether does with the tool calls a model makes."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _reply(body: dict[str, Any]) -> dict[str, Any]:
    """Step through the script by how many rounds of tool results the conversation holds."""
    messages = body["messages"]
    rounds = sum(1 for m in messages if m["role"] == "user" and isinstance(m["content"], list))
    if rounds == 0:
        content = [
            _text("I'll look up the refund policy first."),
            _use("search_web", {"query": "refund policy for double charges"}),
        ]
    elif rounds == 1:
        content = [
            _text("The policy allows a refund. I'll tell the customer and pay the money back."),
            _use("send_email", {"to": "c7@example.com", "subject": "Your double charge", "body": "Refund on its way."}),
            _use("create_payment", {"account": "C-7", "amount": 42.0}),
        ]
    else:
        results = [block["content"] for block in messages[-1]["content"]]
        content = [_text("Here is where things stand: " + " | ".join(results))]
    asks = any(block["type"] == "tool_use" for block in content)
    return {
        "id": f"msg_{uuid.uuid4().hex[:12]}",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": "tool_use" if asks else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 0, "output_tokens": 0},
    }


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _use(name: str, input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:16]}", "name": name, "input": input}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        data = json.dumps(_reply(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start() -> str:
    """Serve the stand-in in a daemon thread; returns its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"
