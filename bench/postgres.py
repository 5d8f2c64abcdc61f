"""PostgreSQL against SQLite, one and two ``tether serve`` instances: actions per second and the approval round trip.

Everything runs in one run of this script, so the ratios compare like with like. PostgreSQL is a private cluster
started from Debian's binaries with its durable defaults (``fsync``, ``synchronous_commit`` and
``full_page_writes`` on, read back with ``SHOW``; bench/pg_server.py); SQLite runs with Tether's default
``synchronous=FULL``. Either way a commit returns only once its log is flushed to disk, and both live on the same
disk. Each configuration gets a fresh database (an SQLite file, or a database of the one PostgreSQL cluster) and its
own ``tether serve`` processes, started with ``python -m tether.cli --config FILE --db URL serve --port N`` as a
deployment would. All the configurations' servers run from start to end; their measurements are taken in turn
(one configuration after the other, ``REPEATS`` times), so a change in the machine's load falls on all of them.

1. Actions per second. Eight agents (8 tokens, 8 agent names), as 4 threads in each of 2 client processes, each
   loop over the full cycle of an auto call over HTTP: ``POST /v1/actions`` (the server evaluates the policy and
   returns the action already claimed, ``running``), then ``POST /v1/actions/{id}/result``. The clients use the
   standard library's ``http.client`` with kept-alive connections, to leave as much CPU as possible to the
   servers. With two instances every agent sends each request to the next instance in turn (client-side round
   robin, no load balancer): an agent's submit goes to one instance and its result to the other. After a
   warm-up the cycles completed in a fixed window are counted, and the latency of each cycle in the window is kept.
   The CPU time of the servers, of PostgreSQL's processes and of the clients is read from /proc over the same
   window, and so is the whole machine's, which other jobs share. Figures: the median of the windows' rates.
2. Approval round trip. An agent submits a call the policy holds for approval on instance A and long-polls
   ``GET /v1/actions/{id}/wait`` on A; after a random pause (50–150 ms, so the poll is parked) a reviewer approves
   with ``POST /v1/actions/{id}/decision`` on A (one instance) or on B (two instances). The figure is from the
   reviewer's response (body read) to the waiting agent's response (body read), both stamped with
   ``time.perf_counter_ns`` in one process. It can be negative: the waiter may be answered before the reviewer.
   Also given: from the decision request being sent to the agent's response. Rounds alternate between the
   configurations.
3. For context, in-process ``Gate.call`` on an auto tool (no HTTP), both stores' Gates open at once and measured in
   turn: blocks of single calls (median and p95), then windows of eight threads (calls completed per second).
   And the disk's part: a bare one-row INSERT and COMMIT on each store.

SQLite with two instances on one file is measured too, for context: without LISTEN/NOTIFY the waiting instance
learns of another's decision by polling the file (every 20 ms).

``TETHER_BENCH_QUICK=1`` takes one short window per configuration and fewer round trips (about a minute).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import pg_server

QUICK = os.environ.get("TETHER_BENCH_QUICK", "") not in ("", "0")
AGENTS, CLIENT_PROCESSES = 8, 2
WARMUP_S = 1.0 if QUICK else 1.5
WINDOW_S = 2.0 if QUICK else 4.0
REPEATS = 1 if QUICK else 3
ROUNDS, ROUND_WARMUP = (20, 3) if QUICK else (50, 5)
GATE_CALLS, GATE_WARMUP, GATE_BLOCKS = (300, 50, 3) if QUICK else (1000, 100, 5)
GATE_WINDOW_S = 2.0
TICK = os.sysconf("SC_CLK_TCK")

POLICY = """
[tools.classify_ticket]
risk = "low"
reversible = "yes"

[tools.pay]
risk = "critical"
reversible = "no"
"""


# -- clients (stdlib only: they also run as subprocesses) ------------------------------------------------------


class Client:
    """One kept-alive HTTP/1.1 connection per instance; each request goes to the next instance in turn."""

    def __init__(self, urls: list[str], token: str, first: int = 0) -> None:
        self.conns = [http.client.HTTPConnection(*_host_port(url), timeout=60) for url in urls]
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.turn = first

    def request(self, method: str, path: str, body: Any = None, *, on: int | None = None) -> tuple[int, Any]:
        if on is None:
            on, self.turn = self.turn % len(self.conns), self.turn + 1
        conn = self.conns[on]
        payload = None if body is None else json.dumps(body)
        for attempt in range(2):
            try:
                conn.request(method, path, body=payload, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):  # a dropped keep-alive connection: reconnect once
                conn.close()
                if attempt:
                    raise
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def _host_port(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _agent(urls: list[str], token: str, index: int, start: float, end: float, out: dict[str, Any]) -> None:
    """Auto calls in a loop until ``end`` (wall clock); counts the cycles completed in [start, end]."""
    client = Client(urls, token, first=index)
    worker = f"bench-w{index}"
    latencies, completed, errors, n = [], 0, 0, 0
    first_error = None
    while True:
        began, began_at = time.perf_counter_ns(), time.time()
        if began_at >= end:
            break
        n += 1
        call = {"tool": "classify_ticket", "args": {"ticket": f"T-{index}-{n}"}, "confidence": 0.95, "worker": worker}
        try:
            status, body = client.request("POST", "/v1/actions", call)
            if status == 201 and body["action"]["status"] == "running":
                result = {"worker": worker}
                status, body = client.request("POST", f"/v1/actions/{body['action']['id']}/result", result)
            ok = status == 200 and body["action"]["status"] == "executed"
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            ok, status, body = False, 0, repr(exc)
        done_at = time.time()
        if not ok:
            errors += 1
            first_error = first_error or f"{status}: {str(body)[:300]}"
        elif start <= done_at <= end:
            completed += 1
            if began_at >= start:
                latencies.append((time.perf_counter_ns() - began) / 1e6)
    client.close()
    out.update(latencies=latencies, completed=completed, errors=errors, error=first_error, total=n)


def agents_main(spec: dict[str, Any]) -> None:
    """A client process: says ``ready``, reads the window's start from stdin, runs its agents, prints JSON."""
    print("ready", flush=True)
    start = float(sys.stdin.readline())
    end = start + spec["window"]
    results: list[dict[str, Any]] = [{} for _ in spec["tokens"]]
    threads = [
        threading.Thread(target=_agent, args=(spec["urls"], token, spec["first"] + i, start, end, results[i]))
        for i, token in enumerate(spec["tokens"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(results), flush=True)


# -- CPU accounting --------------------------------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, and cutime, cstime: the postmaster's reaped backends (a pool's overflow connections
            # come and go) move there, so their CPU is neither lost nor counted twice.
            total += sum(int(x) for x in fields[11:15])
    return total / TICK


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores, every process: ours and other jobs')."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK  # less idle and iowait


# -- deployments -------------------------------------------------------------------------------------------------


class Instance:
    """A ``tether serve`` process on a free port (adapted from tests/deploy/instances.py)."""

    def __init__(self, config: Path, db: str, log: Path) -> None:
        self.port = pg_server._free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("TETHER_CONFIG", "TETHER_DB")}
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        command = ["-m", "tether.cli", "--config", str(config), "--db", db, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen([sys.executable, *command], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"tether serve exited with {self.process.returncode}; see {self.log.name}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            if time.monotonic() > deadline:
                raise RuntimeError(f"tether serve did not become ready; see {self.log.name}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


@dataclass
class Deployment:
    name: str
    db: str
    instances: list[Instance]
    agents: list[str]  # agent tokens, one per agent name
    reviewer: str
    pg: pg_server.PgServer | None

    @property
    def urls(self) -> list[str]:
        return [i.url for i in self.instances]

    def server_pids(self) -> list[int]:
        return [i.process.pid for i in self.instances]


@contextlib.contextmanager
def deployment(
    name: str, config: Path, db: str, count: int, logs: Path, pg: pg_server.PgServer | None
) -> Iterator[Deployment]:
    from tether.model import Role
    from tether.plane import ControlPlane
    from tether.plane._identity import Tokens
    from tether.policy import Policy
    from tether.store import open_store

    plane = ControlPlane(Policy.from_file(config), open_store(db))  # runs the migrations before any server starts
    tokens = Tokens(plane.store, plane.clock)
    agents = [tokens.issue(f"agent-{i}", Role.AGENT, by="bench")[1] for i in range(AGENTS)]
    reviewer = tokens.issue("reviewer", Role.REVIEWER, by="bench")[1]
    plane.close()
    instances: list[Instance] = []
    try:
        for i in range(count):
            instances.append(Instance(config, db, logs / f"{name.replace(' ', '-')}-{i}.log"))
        for instance in instances:
            instance.wait_ready()
        yield Deployment(name, db, instances, agents, reviewer, pg)
    finally:
        for instance in instances:
            instance.stop()


def _checked(db: str, config: Path) -> tuple[int, bool]:
    """How many auto calls were executed, and whether the audit chain verifies, once the servers have stopped."""
    from tether.model import Status
    from tether.plane import ControlPlane
    from tether.policy import Policy
    from tether.store import ActionFilter, open_store

    plane = ControlPlane(Policy.from_file(config), open_store(db))
    try:
        executed = plane.store.count_matching(ActionFilter(status={Status.EXECUTED}))
        return executed, plane.verify().ok
    finally:
        plane.close()


# -- 1. actions per second over HTTP -----------------------------------------------------------------------------


@dataclass
class Window:
    """One window of the agents' loop: cycles completed per second, each cycle's latency, and CPU use."""

    per_s: float
    latencies: list[float]
    errors: int
    cpu: dict[str, float]  # cores busy over the window: servers, postgres, clients, and the whole machine
    first_error: str | None = None


def throughput(dep: Deployment) -> Window:
    per_process = AGENTS // CLIENT_PROCESSES
    clients: list[subprocess.Popen[str]] = []
    try:
        for p in range(CLIENT_PROCESSES):
            spec = {
                "urls": dep.urls,
                "tokens": dep.agents[p * per_process : (p + 1) * per_process],
                "first": p * per_process,
                "window": WINDOW_S,
            }
            clients.append(
                subprocess.Popen(
                    [sys.executable, __file__, "agents", json.dumps(spec)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for client in clients:
            assert client.stdout is not None
            assert client.stdout.readline().strip() == "ready"
        start = time.time() + WARMUP_S
        for client in clients:
            assert client.stdin is not None
            client.stdin.write(f"{start}\n")
            client.stdin.close()
        groups: dict[str, Callable[[], list[int]]] = {
            "servers": dep.server_pids,
            "postgres": dep.pg.pids if dep.pg else list,
            "clients": lambda: [c.pid for c in clients],
        }
        time.sleep(max(start - time.time(), 0))
        before = {name: _cpu_seconds(pids()) for name, pids in groups.items()} | {"machine": _machine_busy()}
        time.sleep(max(start + WINDOW_S - time.time(), 0))
        after = {name: _cpu_seconds(pids()) for name, pids in groups.items()} | {"machine": _machine_busy()}
        results: list[dict[str, Any]] = []
        for client in clients:
            assert client.stdout is not None
            results += json.loads(client.stdout.read())
            client.wait(timeout=60)
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
                client.wait(timeout=10)
    return Window(
        per_s=sum(r["completed"] for r in results) / WINDOW_S,
        latencies=[ms for r in results for ms in r["latencies"]],
        errors=sum(r["errors"] for r in results),
        cpu={name: (after[name] - before[name]) / WINDOW_S for name in after},
        first_error=next((r["error"] for r in results if r["error"]), None),
    )


# -- 2. the approval round trip -------------------------------------------------------------------------------------


@dataclass
class RoundTrips:
    after_response: list[float] = field(default_factory=list)  # ms, decision's response → agent's response
    after_request: list[float] = field(default_factory=list)  # ms, decision request sent → agent's response


class Reviewing:
    """An agent waiting on instance A and a reviewer deciding on B (on A when there is one instance)."""

    def __init__(self, dep: Deployment) -> None:
        self.a, self.b = 0, len(dep.instances) - 1
        self.agent = Client(dep.urls, dep.agents[0])
        self.waiter = Client(dep.urls, dep.agents[0])
        self.reviewer = Client(dep.urls, dep.reviewer)
        self.found = RoundTrips()
        self.n = 0

    def round(self, rng: random.Random, *, keep: bool) -> None:
        self.n += 1
        call = {"tool": "pay", "args": {"amount": 1, "n": self.n}}
        status, body = self.agent.request("POST", "/v1/actions", call, on=self.a)
        assert status == 201, (status, body)
        assert body["action"]["status"] == "pending", body
        action_id, version = body["action"]["id"], body["action"]["version"]
        woken: dict[str, Any] = {}

        def wait() -> None:
            path = f"/v1/actions/{action_id}/wait?version={version}&timeout=30"
            woken["status"], woken["body"] = self.waiter.request("GET", path, on=self.a)
            woken["at"] = time.perf_counter_ns()

        thread = threading.Thread(target=wait)
        thread.start()
        time.sleep(rng.uniform(0.05, 0.15))  # the long poll is parked; the reviewer decides at no set moment
        sent = time.perf_counter_ns()
        status, body = self.reviewer.request(
            "POST", f"/v1/actions/{action_id}/decision", {"kind": "approve"}, on=self.b
        )
        answered = time.perf_counter_ns()
        assert status == 200, (status, body)
        thread.join(timeout=40)
        assert woken.get("status") == 200, woken
        assert woken["body"]["action"]["status"] == "approved", woken
        if keep:
            self.found.after_response.append((woken["at"] - answered) / 1e6)
            self.found.after_request.append((woken["at"] - sent) / 1e6)

    def close(self) -> None:
        for client in (self.agent, self.waiter, self.reviewer):
            client.close()


# -- 3. in-process Gate.call -------------------------------------------------------------------------------------


@dataclass
class GateFigures:
    median_ms: float
    p95_ms: float
    one_thread_per_s: float
    eight_threads_per_s: float


def classify_ticket(ticket: str) -> str:
    return "billing"


def _eight_threads(call: Callable[[str], None]) -> float:
    """Calls completed per second by AGENTS threads (one agent name each) over GATE_WINDOW_S, after 0.5 s."""
    counts = [0] * AGENTS
    start_at = time.perf_counter() + 0.5
    stop_at = start_at + GATE_WINDOW_S

    def loop(i: int) -> None:
        while time.perf_counter() < stop_at:
            call(f"bench-agent-{i}")
            if start_at <= time.perf_counter() <= stop_at:
                counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(AGENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / GATE_WINDOW_S


def gate_calls(config: Path, dbs: dict[str, str]) -> dict[str, GateFigures]:
    """Both stores' Gates at once, measured in turn: blocks of single calls, then eight-thread windows."""
    from tether import Gate, Policy, ToolCall

    policy = Policy.from_file(config)
    calls: dict[str, Callable[[str], None]] = {}
    with contextlib.ExitStack() as stack:
        for store, db in dbs.items():
            gate = stack.enter_context(contextlib.closing(Gate(policy, db)))
            gate.tool(classify_ticket)

            def one(agent: str, gate: Any = gate) -> None:  # a new call each time: a repeated call_id runs nothing
                gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent=agent, confidence=0.95))

            calls[store] = one
            for _ in range(GATE_WARMUP):
                one("bench-agent")
        samples: dict[str, list[float]] = {store: [] for store in calls}
        spent = dict.fromkeys(calls, 0.0)
        for _ in range(GATE_BLOCKS):
            for store, call in calls.items():
                began = time.perf_counter_ns()
                for _ in range(GATE_CALLS // GATE_BLOCKS):
                    start = time.perf_counter_ns()
                    call("bench-agent")
                    samples[store].append((time.perf_counter_ns() - start) / 1e6)
                spent[store] += (time.perf_counter_ns() - began) / 1e9
        windows: dict[str, list[float]] = {store: [] for store in calls}
        for _ in range(REPEATS):
            for store, call in calls.items():
                windows[store].append(_eight_threads(call))
    return {
        store: GateFigures(
            statistics.median(found),
            _p95(found),
            len(found) / spent[store],
            statistics.median(windows[store]),
        )
        for store, found in samples.items()
    }


def bare_commits(sqlite_path: Path, pg_url: str) -> dict[str, float]:
    """The disk's part: median ms of a one-row INSERT and COMMIT, SQLite (WAL, FULL) and PostgreSQL in turn."""
    import sqlite3

    import psycopg

    lite = sqlite3.connect(sqlite_path, isolation_level=None)
    lite.execute("PRAGMA journal_mode=WAL")
    lite.execute("PRAGMA synchronous=FULL")
    lite.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    pg = psycopg.connect(pg_url, autocommit=True)
    pg.execute("CREATE TABLE t (id SERIAL PRIMARY KEY, v TEXT)")

    def sqlite_commit() -> None:
        lite.execute("BEGIN IMMEDIATE")
        lite.execute("INSERT INTO t (v) VALUES ('x')")
        lite.execute("COMMIT")

    def pg_commit() -> None:
        with pg.transaction():
            pg.execute("INSERT INTO t (v) VALUES ('x')")

    samples: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    try:
        for _ in range(GATE_BLOCKS):
            for store, commit in (("sqlite", sqlite_commit), ("postgresql", pg_commit)):
                for _ in range(60):
                    start = time.perf_counter_ns()
                    commit()
                    samples[store].append((time.perf_counter_ns() - start) / 1e6)
    finally:
        lite.close()
        pg.close()
    return {store: statistics.median(found) for store, found in samples.items()}


def _pressure() -> str:
    """The machine's load: load average and CPU pressure (the share of time something waited for a CPU)."""
    load = os.getloadavg()[0]
    with contextlib.suppress(OSError, ValueError, IndexError):
        cpu = Path("/proc/pressure/cpu").read_text().split()[3]  # some avg60=…
        return f"load average {load:.1f}, CPU pressure {cpu.split('=')[1]} %"
    return f"load average {load:.1f}"


# -- the run -------------------------------------------------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)  # progress: stdout is the Markdown results


@dataclass
class Results:
    settings: dict[str, str]
    gate: dict[str, GateFigures] = field(default_factory=dict)
    windows: dict[str, list[Window]] = field(default_factory=dict)
    trips: dict[str, RoundTrips] = field(default_factory=dict)
    checks: dict[str, tuple[int, bool]] = field(default_factory=dict)
    commits: dict[str, float] = field(default_factory=dict)
    load: list[str] = field(default_factory=list)  # at the start and at the end
    elapsed_s: float = 0.0


CONFIGURATIONS = (  # name, store, instances
    ("SQLite, 1 instance", "sqlite", 1),
    ("PostgreSQL, 1 instance", "postgresql", 1),
    ("PostgreSQL, 2 instances", "postgresql", 2),
    ("SQLite, 2 instances (context)", "sqlite", 2),
)


@contextlib.contextmanager
def _terminated_cleanly() -> Iterator[None]:
    """SIGTERM exits through the ``finally`` blocks, so servers, clients and the cluster are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run() -> Results:
    """Gate.call in-process on each store, then every configuration's servers at once: the throughput windows
    taken in turn (configuration after configuration, REPEATS times), then the round trips, also in turn."""
    began = time.perf_counter()
    rng = random.Random(7)
    with _terminated_cleanly(), tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-pgvs-") as tmp_name:
        tmp = Path(tmp_name)
        config = tmp / "tether.toml"
        config.write_text(POLICY, encoding="utf-8")
        pg = pg_server.PgServer(Path.cwd())
        try:
            results = Results(settings=pg.settings, load=[_pressure()])
            results.commits = bare_commits(tmp / "commits.db", pg.fresh_database())
            _say("Gate.call in-process, SQLite and PostgreSQL in turn …")
            results.gate = gate_calls(config, {"sqlite": f"sqlite:///{tmp}/gate.db", "postgresql": pg.fresh_database()})
            dbs = {
                name: f"sqlite:///{tmp}/{i}.db" if store == "sqlite" else pg.fresh_database()
                for i, (name, store, _) in enumerate(CONFIGURATIONS)
            }
            with contextlib.ExitStack() as stack:
                _say("starting the servers …")
                deps = {
                    name: stack.enter_context(
                        deployment(name, config, dbs[name], count, tmp, pg if store == "postgresql" else None)
                    )
                    for name, store, count in CONFIGURATIONS
                }
                for repeat in range(REPEATS):
                    for name, dep in deps.items():
                        _say(f"actions per second over HTTP, {name} ({repeat + 1}/{REPEATS}) …")
                        results.windows.setdefault(name, []).append(throughput(dep))
                _say("approval round trips …")
                reviewing = {
                    name: stack.enter_context(contextlib.closing(Reviewing(dep))) for name, dep in deps.items()
                }
                for n in range(ROUND_WARMUP + ROUNDS):
                    for review in reviewing.values():
                        review.round(rng, keep=n >= ROUND_WARMUP)
                results.trips = {name: review.found for name, review in reviewing.items()}
            for name, db in dbs.items():
                results.checks[name] = _checked(db, config)
            results.load.append(_pressure())
        finally:
            pg.destroy()
    results.elapsed_s = time.perf_counter() - began
    return results


def actions_per_s(r: Results, name: str) -> float:
    return statistics.median(w.per_s for w in r.windows[name])


def table(r: Results) -> str:
    s = r.settings
    lines = [
        f"\n## PostgreSQL against SQLite — PostgreSQL {s['server_version'].split()[0]} (fsync={s['fsync']}, "
        f"synchronous_commit={s['synchronous_commit']}, full_page_writes={s['full_page_writes']}, "
        f"wal_sync_method={s['wal_sync_method']}, shared_buffers={s['shared_buffers']}); SQLite synchronous=FULL\n",
        f"| actions per second over HTTP ({AGENTS} agents; {REPEATS} × {WINDOW_S:.0f} s) | actions/s | range "
        "| cycle median | cycle p95 | errors | CPU per action (servers + PostgreSQL) "
        "| cores: servers | PostgreSQL | clients | whole machine |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, windows in r.windows.items():
        cpu = {key: statistics.median(w.cpu[key] for w in windows) for key in windows[0].cpu}
        latencies = [ms for w in windows for ms in w.latencies]
        per_s = actions_per_s(r, name)
        rates = [w.per_s for w in windows]
        lines.append(
            f"| {name} | {per_s:,.0f} | {min(rates):,.0f}–{max(rates):,.0f} | {statistics.median(latencies):.1f} ms "
            f"| {_p95(latencies):.1f} ms | {sum(w.errors for w in windows)} "
            f"| {(cpu['servers'] + cpu['postgres']) / per_s * 1000:.1f} ms "
            f"| {cpu['servers']:.2f} | {cpu['postgres']:.2f} | {cpu['clients']:.2f} | {cpu['machine']:.2f} |"
        )
    lines += [
        f"\n| approval round trip, wait on A, decide on A or B ({ROUNDS} rounds) | decision's response → agent's "
        "response: median | p95 | decision sent → agent's response: median | p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, rt in r.trips.items():
        lines.append(
            f"| {name} | {statistics.median(rt.after_response):.2f} ms | {_p95(rt.after_response):.2f} ms "
            f"| {statistics.median(rt.after_request):.2f} ms | {_p95(rt.after_request):.2f} ms |"
        )
    lines += [
        "\n| Gate.call auto, in-process (no HTTP) | median | p95 | calls/s, 1 thread | calls/s, 8 threads |",
        "|---|---:|---:|---:|---:|",
    ]
    for store, g in r.gate.items():
        label = "SQLite, synchronous=FULL" if store == "sqlite" else "PostgreSQL, durable"
        lines.append(
            f"| {label} | {g.median_ms:.2f} ms | {g.p95_ms:.2f} ms | {g.one_thread_per_s:,.0f} "
            f"| {g.eight_threads_per_s:,.0f} |"
        )
    sq, pg1, pg2, sq2 = (actions_per_s(r, name) for name, _, _ in CONFIGURATIONS)
    gate_sq, gate_pg = r.gate["sqlite"], r.gate["postgresql"]
    trip = {name: statistics.median(rt.after_response) for name, rt in r.trips.items()}
    names = [name for name, _, _ in CONFIGURATIONS]
    lines.append(
        f"\nRatios (this run): actions/s PostgreSQL ÷ SQLite, one instance each = {pg1 / sq:.2f}; PostgreSQL two "
        f"instances ÷ one = {pg2 / pg1:.2f}; PostgreSQL two instances ÷ SQLite one = {pg2 / sq:.2f}; SQLite two "
        f"instances ÷ one = {sq2 / sq:.2f}. Gate.call PostgreSQL ÷ SQLite: median latency "
        f"{gate_pg.median_ms / gate_sq.median_ms:.2f}×, calls/s "
        f"{gate_pg.one_thread_per_s / gate_sq.one_thread_per_s:.2f} (1 thread), "
        f"{gate_pg.eight_threads_per_s / gate_sq.eight_threads_per_s:.2f} (8 threads). Round trip "
        f"median PostgreSQL ÷ SQLite, one instance = {trip[names[1]] / trip[names[0]]:.2f}; PostgreSQL two instances "
        f"÷ one = {trip[names[2]] / trip[names[1]]:.2f}."
    )
    lines.append(
        "CPU columns: cores busy over a window (1.00 = one core), median of the windows; the whole machine's "
        "includes other jobs. CPU per action: the servers' and PostgreSQL's CPU time divided by the actions."
    )
    checks = "; ".join(
        f"{name}: {n:,} executed, chain {'valid' if ok else 'INVALID'}" for name, (n, ok) in r.checks.items()
    )
    lines.append(f"After the run — {checks}. This part took {r.elapsed_s:.0f} s.")
    lines.append(
        f"A bare one-row commit (the disk's flush): SQLite {r.commits['sqlite']:.2f} ms, PostgreSQL "
        f"{r.commits['postgresql']:.2f} ms (medians). Machine at the start: {r.load[0]}; at the end: {r.load[-1]}."
    )
    for name, windows in r.windows.items():
        for w in windows:
            if w.first_error:
                lines.append(f"\nFirst error, {name}: {w.first_error}")
                break
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "agents":
        agents_main(json.loads(sys.argv[2]))
    else:
        print(table(run()))
