"""Benchmarks for the foundation (``make bench``): gate overhead and policy evaluation, then the approval round trip
(bench/approval.py), a LangGraph tool step and a LangChain agent turn against LangGraph's and LangChain's own
(bench/langchain_step.py), PostgreSQL against SQLite with one and two ``tether serve`` instances (bench/postgres.py;
skipped when Debian's PostgreSQL binaries are missing) and the dashboard at scale (bench/inbox.py, whose dataset
is built once and cached).

Method: every figure is the median of many single-call timings with ``time.perf_counter_ns`` after a warm-up,
all in one process and one run so the ratios compare like with like. The SQLite store runs with its defaults
(WAL, ``synchronous=FULL``): two fsynced commits per auto call (the claim before the tool runs, the result after).
Results go to stdout as a Markdown table; copy them into docs/benchmarks.md with the machine they came from.
"""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tether import Gate, LaneState, Policy, ToolCall

sys.path.insert(0, str(Path(__file__).parent))
import approval
import inbox
import langchain_step
import pg_server
import postgres

POLICY = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "send_email": {"risk": "medium", "reversible": "yes"},
        "refund": {"risk": "medium", "reversible": "partial"},
    },
    "rules": [
        {"id": "large-refund", "tool": "refund", "when": "args.amount > 1000", "mode": "approve"},
        {"id": "intern", "when": 'agent == "intern-bot"', "mode": "deny"},
    ],
    "limits": [{"id": "email-blast", "tool": "send_email", "max": 50, "per": "1h", "fanout": "size(args.to)"}],
}


def median_ns(fn: Callable[[], object], *, runs: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples)


def classify_ticket(ticket: str) -> str:
    return "billing"


def main() -> None:
    policy = Policy.from_dict(POLICY)
    auto_call = ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent="support-bot", confidence=0.95)
    rule_call = ToolCall(tool="refund", args={"order": "O-1", "amount": 50}, agent="support-bot", confidence=0.95)
    limit_call = ToolCall(tool="send_email", args={"to": ["a", "b"]}, agent="support-bot", confidence=0.95)
    lane = LaneState(usage={"email-blast": 10.0})

    rows: list[tuple[str, float]] = []
    rows.append(("direct function call", median_ns(lambda: classify_ticket("T-1"), runs=20000, warmup=1000)))
    rows.append(("Policy.evaluate, auto tool", median_ns(lambda: policy.evaluate(auto_call), runs=20000, warmup=1000)))
    rows.append(
        ("Policy.evaluate, 2 CEL rules", median_ns(lambda: policy.evaluate(rule_call), runs=20000, warmup=1000))
    )
    rows.append(
        (
            "Policy.evaluate, CEL fan-out limit",
            median_ns(lambda: policy.evaluate(limit_call, lane), runs=20000, warmup=1000),
        )
    )

    def fresh_call() -> ToolCall:  # a new call each time: the same call_id twice is the same action, run once
        return ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent="support-bot", confidence=0.95)

    memory = Gate(policy, "memory://")
    memory.tool(classify_ticket)
    rows.append(("gate.call auto, memory store", median_ns(lambda: memory.call(fresh_call()), runs=5000, warmup=500)))

    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        sqlite = Gate(policy, f"sqlite:///{tmp}/bench.db")
        sqlite.tool(classify_ticket)
        rows.append(
            (
                "gate.call auto, SQLite synchronous=FULL",
                median_ns(lambda: sqlite.call(fresh_call()), runs=3000, warmup=300),
            )
        )
        sqlite.close()

    direct = rows[0][1]
    print(f"# Tether benchmarks — Python {platform.python_version()}, {platform.machine()}, {sys.platform}\n")
    print("| what | median | vs direct call |")
    print("|---|---:|---:|")
    for name, ns in rows:
        figure = f"{ns / 1000:.1f} µs" if ns < 1_000_000 else f"{ns / 1_000_000:.2f} ms"
        print(f"| {name} | {figure} | {ns / direct:,.0f}× |")
    gate_ns = rows[-1][1]
    approval_rows = approval.run()
    print("\n| approval round trip | median |")
    print("|---|---:|")
    for name, ms in approval_rows:
        print(f"| {name} | {ms:.2f} ms |")
    if pg_server.available():
        print(postgres.table(postgres.run()))
    else:
        print(
            "\nPostgreSQL against SQLite: skipped, PostgreSQL's binaries are not installed (`make postgres-binaries`)."
        )
    langchain_rows = langchain_step.run()
    print(langchain_step.table(langchain_rows))
    inbox_figures, dataset = inbox.run()
    print(inbox.table(inbox_figures, dataset))
    print(
        f"\nTargets: gate.call (SQLite, FULL) ≤ 1 ms → {gate_ns / 1e6:.3f} ms; Policy.evaluate ≤ 20 µs → "
        f"{rows[1][1] / 1000:.1f} µs (auto), {rows[3][1] / 1000:.1f} µs (with a CEL fan-out limit); "
        f"decide → tool start in-process ≤ 5 ms → {approval_rows[0][1]:.2f} ms; the inbox's first page with "
        f"{dataset['pending']:,} pending actions and {dataset['events']:,} audit events ≤ {inbox.TARGET_MS:.0f} ms "
        f"server time → {inbox.inbox_ms(inbox_figures):.1f} ms."
    )


if __name__ == "__main__":
    main()
