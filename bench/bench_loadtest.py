"""Load generator capacity: requests/s ``scaffold loadtest`` (one Locust process) sustains against a trivial
local endpoint, next to a plain threaded ``http.client`` loop against the same endpoint, same run.

The endpoint is a raw ASGI app under uvicorn (its own process, one worker, ``--log-level warning``) that
answers every ``POST /invocations`` with a wire-contract reply for the request's session, so every Locust
check passes and the agent costs nothing: what is measured is the load generator. ``scaffold loadtest
--url`` runs the project's locustfile (the generated one) with ``LOADTEST_EXACT`` off; the baseline is 32
threads, each with one keep-alive ``http.client`` connection, for the same duration. The machine has 2
cores shared by the endpoint and the generator, so both numbers are lower bounds of a dedicated machine.

    .venv/bin/python bench/bench_loadtest.py [--quick] [--json]

No target: the figure tells users when one machine is not enough (then: Locust's --processes, or
master/workers, docs/eval.md).
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _common as c  # bench/ is on sys.path when this file is run as a script

ENDPOINT = """
import json

from starlette.requests import Request


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = await Request(scope, receive).body()
    if scope["path"] == "/ping":
        reply = {"status": "Healthy"}
    else:
        request = json.loads(body or b"{}")
        reply = {"text": "ok", "stop_reason": "end_turn", "session_id": request.get("session_id", "s"),
                 "usage": {}, "metrics": {}}
    data = json.dumps(reply).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})
"""
CONCURRENCY = 32


def baseline_rps(port: int, seconds: float) -> float:
    done = [0] * CONCURRENCY
    stop = time.perf_counter() + seconds
    body = json.dumps({"prompt": "hi", "session_id": "s"}).encode()

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(c.HOST, port, timeout=30)
        while time.perf_counter() < stop:
            connection.request("POST", "/invocations", body, {"content-type": "application/json"})
            response = connection.getresponse()
            assert response.status == 200 and b'"text"' in response.read()
            done[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def loadtest_rps(project: Path, url: str, users: int, seconds: int, out: Path) -> dict[str, object]:
    argv = [c.SCAFFOLD, "loadtest", "--project", str(project), "--url", url, "--users", str(users)]
    argv += ["--spawn-rate", str(users), "--duration", f"{seconds}s", "--out", str(out), "--json"]
    completed = subprocess.run(argv, capture_output=True, text=True, env=c.child_env(), timeout=seconds + 120)
    if completed.returncode != 0:
        raise RuntimeError(f"scaffold loadtest failed: {completed.stderr[-2000:]}")
    report = json.loads(completed.stdout)
    assert report["failures"] == 0, report["errors"]
    return report


def main() -> int:
    args = c.parser(__doc__.splitlines()[0]).parse_args()
    seconds = 5 if args.quick else 15
    rows, results = [], []
    with c.generated_project() as project, tempfile.TemporaryDirectory() as work:
        app = Path(work) / "trivial_endpoint.py"
        app.write_text(ENDPOINT, encoding="utf-8")
        port = c.free_port()
        argv = c.uvicorn_argv("trivial_endpoint:app", port)
        with c.running_server(argv, cwd=Path(work), env=c.child_env({"PYTHONPATH": work}), port=port):
            url = f"http://{c.HOST}:{port}"
            base = baseline_rps(port, seconds)
            for users in (10, 50):
                report = loadtest_rps(project.root, url, users, seconds, Path(work) / f"out-{users}")
                rps = float(report["requests_per_s"])  # type: ignore[arg-type]
                latency = report["latency_ms"]
                results.append(
                    {"users": users, "requests_per_s": rps, "latency_ms": latency, "ratio": rps / base}
                )
                rows.append([f"scaffold loadtest, {users} users", f"{rps:.0f}", f"{rps / base:.2f}x"])
    rows.insert(0, [f"http.client, {CONCURRENCY} threads (baseline)", f"{base:.0f}", "1.00x"])
    result = {"machine": c.machine(), "seconds": seconds, "baseline_rps": base, "loadtest": results}
    if args.json:
        c.emit_json(result)
    else:
        c.print_table(["load generator", "requests/s", "vs baseline"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
