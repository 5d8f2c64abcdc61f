"""A stand-in for a model provider on 127.0.0.1: real SDK clients talk HTTP to it, it answers from a script and keeps
every request body, so a test can assert exactly what the SDK sent back (tool results included).

The builders below produce the JSON the real APIs return: an Anthropic ``Message``, an OpenAI chat completion and an
OpenAI ``Response`` — only the fields the SDKs read.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any]


@dataclass
class FakeLLM:
    """Answers the n-th POST with ``script[n]`` (a reply, or a function of the request body giving one)."""

    script: list[Reply | Callable[[dict[str, Any]], Reply]]
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                with fake._lock:
                    turn = len(fake.requests)
                    fake.requests.append((self.path, body))
                if turn < len(fake.script):
                    step = fake.script[turn]
                    status, reply = 200, step(body) if callable(step) else step
                else:
                    status, reply = 500, {"error": {"type": "api_error", "message": f"unscripted request {turn}"}}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [body for _, body in self.requests]

    def paths(self) -> list[str]:
        with self._lock:
            return [path for path, _ in self.requests]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@contextmanager
def fake_llm(*script: Reply | Callable[[dict[str, Any]], Reply]) -> Iterator[FakeLLM]:
    fake = FakeLLM(list(script))
    try:
        yield fake
    finally:
        fake.stop()


# -- Anthropic Messages ----------------------------------------------------------------------------------------


def tool_use(id: str, name: str, input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": id, "name": name, "input": input}


def message(*content: dict[str, Any] | str, stop_reason: str | None = None) -> Reply:
    blocks = [{"type": "text", "text": c} if isinstance(c, str) else c for c in content]
    asks = any(b["type"] == "tool_use" for b in blocks)
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-fake",
        "content": blocks,
        "stop_reason": stop_reason or ("tool_use" if asks else "end_turn"),
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10},
    }


# -- OpenAI Chat Completions -----------------------------------------------------------------------------------


def tool_call(id: str, name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": id, "type": "function", "function": {"name": name, "arguments": text}}


def completion(content: str | None = None, *tool_calls: dict[str, Any]) -> Reply:
    msg: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        msg["tool_calls"] = list(tool_calls)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-fake",
        "choices": [
            {"index": 0, "message": msg, "finish_reason": "tool_calls" if tool_calls else "stop", "logprobs": None}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


# -- OpenAI Responses ------------------------------------------------------------------------------------------


def function_call(call_id: str, name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": text,
        "status": "completed",
    }


def output_message(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_fake",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def response(*output: dict[str, Any]) -> Reply:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": 1_700_000_000,
        "model": "gpt-fake",
        "status": "completed",
        "output": list(output),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 10,
            "output_tokens": 10,
            "total_tokens": 20,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }
