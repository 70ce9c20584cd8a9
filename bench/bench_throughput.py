"""Requests per second through the AgentCore and FastAPI adapters next to a bare ``BedrockAgentCoreApp``.

Each server runs alone in its own uvicorn subprocess (one process, one worker, the same flags for all) on
127.0.0.1; this process is the client: 32 threads, each with one keep-alive ``http.client`` connection,
send a fixed number of ``POST /invocations`` with one prompt that makes the offline model call the
calculator tool. A warm-up batch goes first (the adapters import the core lazily). Rounds rotate the
server order. The machine has 2 cores and the client shares them with the server. The CPU each side spends
per request is reported too: when other work shares the machine, req/s also depends on how much CPU the
scheduler gave each server ("server cores busy"), while CPU per request does not.

Same-run baseline: ``bench/bare_agentcore_app.py``, whose sync entrypoint calls the project's
``call_agent`` (the SDK runs it in its thread pool).

    .venv/bin/python bench/bench_throughput.py [--quick] [--json]

Target: each adapter >= 0.9x the bare app's requests/s. p50/p99 latency reported too.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import _common as c  # bench/ is on sys.path when this file is run as a script

CONCURRENCY = 32
RATIO_TARGET = 0.9
BASELINE = "bare BedrockAgentCoreApp"
EXPECTED = b"returned: 42"


@dataclass
class RunResult:
    requests: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    server_cpu_s: float = float("nan")
    client_cpu_s: float = float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def load(port: int, total: int, timeout_s: float = 600.0) -> RunResult:
    """``total`` requests from CONCURRENCY threads, one keep-alive connection each; bounded by ``timeout_s``.

    Threads with ``http.client`` rather than ``httpx.AsyncClient``: measured here, httpx cost the client
    ~3.6 ms of CPU per request against ~0.2 ms for this, and on 2 cores that halved the req/s of every server.
    """
    body = json.dumps({"prompt": c.TOOL_PROMPT}).encode()
    headers = {"content-type": "application/json"}
    result = RunResult(requests=total, seconds=0.0)
    lock = threading.Lock()
    remaining = total
    deadline = time.perf_counter() + timeout_s

    def take() -> bool:
        nonlocal remaining
        with lock:
            if remaining <= 0 or time.perf_counter() > deadline:
                return False
            remaining -= 1
            return True

    def record(latency: float, error: str | None) -> None:
        with lock:
            result.latencies.append(latency)
            if error is not None:
                result.errors += 1
                result.first_error = result.first_error or error

    def worker() -> None:
        conn = http.client.HTTPConnection(c.HOST, port, timeout=60)
        try:
            while take():
                started = time.perf_counter()
                try:
                    conn.request("POST", "/invocations", body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    ok = response.status == 200 and EXPECTED in data
                    error = None if ok else f"{response.status} {data[:200]!r}"
                except (OSError, http.client.HTTPException) as exc:
                    error = repr(exc)
                    conn.close()  # reconnects on the next request
                record(time.perf_counter() - started, error)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(CONCURRENCY, total))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + 65)
    result.seconds = time.perf_counter() - started
    result.requests = len(result.latencies)
    return result


@dataclass
class ServerStats:
    rps_median: float
    rps_rounds: list[float]
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_request: float
    client_cpu_ms_per_request: float
    server_cores_busy: float  # server CPU seconds / wall seconds: below 1, it was starved or waiting
    errors: int
    first_errors: list[str]
    x_bare: float = float("nan")
    # CPU efficiency, insensitive to how much CPU the scheduler gave the server: bare CPU/req over this one's
    x_bare_cpu: float = float("nan")

    @classmethod
    def of(cls, runs: Sequence[RunResult]) -> ServerStats:
        latencies = [x for run in runs for x in run.latencies]
        return cls(
            rps_median=c.median([run.rps for run in runs]),
            rps_rounds=[run.rps for run in runs],
            p50_ms=c.percentile(latencies, 50) * 1000,
            p99_ms=c.percentile(latencies, 99) * 1000,
            server_cpu_ms_per_request=c.median([run.server_cpu_s / run.requests * 1000 for run in runs]),
            client_cpu_ms_per_request=c.median([run.client_cpu_s / run.requests * 1000 for run in runs]),
            server_cores_busy=c.median([run.server_cpu_s / run.seconds for run in runs]),
            errors=sum(run.errors for run in runs),
            first_errors=[run.first_error for run in runs if run.errors],
        )


def servers(package: str) -> dict[str, str]:
    return {
        "AgentCore adapter": f"{package}.entrypoints.agentcore_app:app",
        "FastAPI adapter": f"{package}.entrypoints.http_app:app",
        BASELINE: "bare_agentcore_app:app",
    }


def measure(app: str, project: c.GeneratedProject, total: int, warmup: int) -> RunResult:
    with c.temp_dir("bench-sessions-") as sessions:
        return _measure(app, project, total, warmup, sessions)


def _measure(app: str, project: c.GeneratedProject, total: int, warmup: int, sessions: Path) -> RunResult:
    """One server run. The project's default file memory writes every new session under ``sessions``: a
    fresh directory per run, so no server meets the thousands of session files an earlier one left."""
    port = c.free_port()
    env = project.env({"BENCH_AGENT_PACKAGE": project.package, "AGENT_SESSION_DIR": str(sessions)})
    env["PYTHONPATH"] = f"{project.root}:{c.BENCH_DIR}"
    with c.running_server(c.uvicorn_argv(app, port), cwd=project.root, env=env, port=port) as (server, _):
        warm = load(port, warmup)
        if warm.errors:
            raise RuntimeError(f"{app}: warm-up failed: {warm.first_error}")
        server_cpu, client_cpu = c.process_cpu_seconds(server.pid), time.process_time()
        result = load(port, total)
        result.server_cpu_s = c.process_cpu_seconds(server.pid) - server_cpu
        result.client_cpu_s = time.process_time() - client_cpu
        return result


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("Adapter throughput vs a bare BedrockAgentCoreApp.").parse_args(argv)
    total, rounds, warmup = (400, 1, 64) if args.quick else (2000, 5, 200)
    info = c.machine()
    runs: dict[str, list[RunResult]] = {}
    with c.generated_project() as project:
        apps = servers(project.package)
        names = list(apps)
        runs = {name: [] for name in names}
        for round_index in range(rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                runs[name].append(measure(apps[name], project, total, warmup))

    stats = {name: ServerStats.of(rs) for name, rs in runs.items()}
    base_rps = stats[BASELINE].rps_median
    targets = {}
    for name, st in stats.items():
        st.x_bare = st.rps_median / base_rps
        st.x_bare_cpu = stats[BASELINE].server_cpu_ms_per_request / st.server_cpu_ms_per_request
        if name != BASELINE:
            met = st.x_bare >= RATIO_TARGET
            targets[f"{name} >= {RATIO_TARGET}x bare"] = {
                "value": st.x_bare,
                "met": met,
                "cpu_normalized": st.x_bare_cpu,
            }
    result = {
        "benchmark": "throughput",
        "machine": info,
        "requests_per_round": total,
        "rounds": rounds,
        "warmup_requests": warmup,
        "concurrency": CONCURRENCY,
        "prompt": c.TOOL_PROMPT,
        "servers": {name: asdict(st) for name, st in stats.items()},
        "targets": targets,
    }
    heading = (
        f"{total} POST /invocations x {rounds} round(s), {CONCURRENCY} concurrent clients, "
        f"warm-up {warmup}; prompt {c.TOOL_PROMPT!r}"
    )
    if c.emitted_as_json(args, result, heading):
        return 0
    rows = [
        [
            name,
            f"{st.rps_median:.1f}",
            f"{st.x_bare:.2f}x",
            f"{st.p50_ms:.1f}",
            f"{st.p99_ms:.1f}",
            f"{st.server_cpu_ms_per_request:.2f}",
            f"{st.client_cpu_ms_per_request:.2f}",
            f"{st.server_cores_busy:.2f}",
            st.errors,
            " ".join(f"{x:.1f}" for x in st.rps_rounds),
        ]
        for name, st in stats.items()
    ]
    headers = ["server", "req/s", "x bare", "p50 ms", "p99 ms", "server CPU ms/req", "client CPU ms/req"]
    headers.append("server cores busy")
    c.print_table([*headers, "errors", "req/s per round"], rows)
    print()
    c.print_table(
        ["target", "measured req/s ratio", "result", "CPU/req ratio (bare / adapter)"],
        [
            [name, f"{t['value']:.2f}x", c.verdict(bool(t["met"])), f"{t['cpu_normalized']:.2f}x"]
            for name, t in targets.items()
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
