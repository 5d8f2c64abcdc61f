"""A STAND-IN FOR OPENAI, for running examples/openai_agent.py offline: a tiny Chat Completions and Responses API on
127.0.0.1 that answers from a fixed script. It is not a model; it only shows what Tether does with the tool calls a
model makes."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCRIPT: list[list[tuple[str, dict[str, Any]]]] = [  # the calls of each turn, before the final answer
    [("search_web", {"query": "refund policy for double charges"})],
    [
        ("send_email", {"to": "c7@example.com", "subject": "Your double charge", "body": "Refund on its way."}),
        ("create_payment", {"account": "C-7", "amount": 42.0}),
    ],
]


def _turn(answers: list[str]) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
    """The calls to make next (by how many answers came back so far), or the final text."""
    done = 0
    for calls in SCRIPT:
        if len(answers) == done:
            return calls, None
        done += len(calls)
    return [], "Here is where things stand: " + " | ".join(answers[-len(SCRIPT[-1]) :])


def _chat(body: dict[str, Any]) -> dict[str, Any]:
    calls, text = _turn([m["content"] for m in body["messages"] if m["role"] == "tool"])
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = [
            {"id": _id("call"), "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for name, args in calls
        ]
    return {
        "id": _id("chatcmpl"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
    }


def _responses(body: dict[str, Any]) -> dict[str, Any]:
    calls, text = _turn([i["output"] for i in body["input"] if i.get("type") == "function_call_output"])
    output: list[dict[str, Any]] = [
        {"type": "function_call", "id": _id("fc"), "call_id": _id("call"), "name": name, "arguments": json.dumps(args)}
        for name, args in calls
    ]
    if text is not None:
        content = [{"type": "output_text", "text": text, "annotations": []}]
        output.append(
            {"type": "message", "id": _id("msg"), "role": "assistant", "status": "completed", "content": content}
        )
    return {
        "id": _id("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "model": body["model"],
        "status": "completed",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        reply = _responses(body) if self.path.endswith("/responses") else _chat(body)
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start() -> str:
    """Serve the stand-in in a daemon thread; returns its base URL (what OpenAI(base_url=...) takes)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/v1"
