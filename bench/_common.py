"""Helpers shared by the benchmark scripts: projects, ports, server processes, statistics, output.

Every benchmark runs with the interpreter that runs it (the venv from the README: ``.venv/bin/python``); the
``scaffold`` and ``copier`` console scripts are taken from the same ``bin`` directory. All traffic stays
on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # the helpers the benchmarks share with the tests (tests/support)
from tests.support.processes import stop_process  # noqa: E402  (importable from here on)
from tests.support.processes import uvicorn_argv as uvicorn_argv  # noqa: E402  (c.uvicorn_argv in the benchmarks)

BENCH_DIR = REPO_ROOT / "bench"
TEMPLATE_DIR = REPO_ROOT / "templates" / "agent"
PYTHON = sys.executable
BIN_DIR = Path(sys.executable).parent  # not resolved: the venv's bin, not the base interpreter's
SCAFFOLD = str(BIN_DIR / "scaffold")
COPIER = str(BIN_DIR / "copier")
HOST = "127.0.0.1"
PROJECT_NAME = "bench-agent"
PACKAGE_NAME = PROJECT_NAME.replace("-", "_")
# Makes the offline model call the calculator tool once, then answer "The calculator tool returned: 42".
TOOL_PROMPT = "use calculator expression=6*7"


# --- command line and output ---------------------------------------------------------------------------


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, noisier numbers)")
    return p


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "loadavg_1m_at_start": round(load[0], 2),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_in_code": bool(_git("status", "--porcelain", "--", "scaffold", "templates")),
    }


def run_header(benchmark: str, info: Mapping[str, Any], rounds: int) -> dict[str, Any]:
    """What every ``--json`` result starts with: the benchmark, the machine it ran on, the rounds."""
    return {"benchmark": benchmark, "machine": info, "rounds": rounds}


def _git(*args: str) -> str:
    """The code under test is a shared, moving checkout: record which commit (and whether it was dirty)."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A GitHub-flavoured Markdown table, so it can be pasted into docs/benchmarks.md as is."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)) + " |"

    print(line(cells[0]))
    print("| " + " | ".join("-" * width for width in widths) + " |")
    for row in cells[1:]:
        print(line(row))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def emit_json(result: Mapping[str, Any]) -> None:
    print(json.dumps(result, indent=2, default=str))


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def emitted_as_json(args: argparse.Namespace, result: Mapping[str, Any], heading: str) -> bool:
    """Every benchmark's report starts here: with ``--json`` the whole result as JSON (True: nothing else
    is printed), otherwise ``heading`` and the ``machine`` line of the result (False)."""
    if args.json:
        emit_json(result)
        return True
    print(heading)
    print(f"machine: {result['machine']}\n")
    return False


def print_targets(targets: Mapping[str, Mapping[str, Any]], unit: str = "") -> None:
    """The table that ends a report: each target's measured value (``unit`` unless the target names its
    own ``unit``) and whether it was met."""
    rows = []
    for name, target in targets.items():
        suffix = target.get("unit", unit)
        rows.append(
            [name, f"{target['value']:.3f}" + (f" {suffix}" if suffix else ""), verdict(target["met"])]
        )
    print_table(["target", "measured", "result"], rows)


# --- statistics ----------------------------------------------------------------------------------------


def alternating(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """``(round, name)`` for every round, the names in order in even rounds and reversed in odd ones, so
    no command always runs first (against a colder page cache, or a warmer download cache)."""
    for round_index in range(rounds):
        for name in names if round_index % 2 == 0 else list(reversed(names)):
            yield round_index, name


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): p99 of 2000 samples is the 1980th smallest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "median": median(values),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
        "samples": [round(v, 4) for v in values],
    }


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for measured children: this one, with Python's default bytecode caching.

    ``PYTHONDONTWRITEBYTECODE`` is dropped (it is set on the benchmark machine, not on a user's), so the
    uncounted warm-up run of each benchmark leaves ``.pyc`` files and the measured runs use them.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


# --- generated projects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedProject:
    root: Path
    package: str

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment ``scaffold run/serve`` give project code: its root on PYTHONPATH, offline model."""
        env = child_env()
        env["PYTHONPATH"] = str(self.root)
        env["PYTHONUNBUFFERED"] = "1"
        for name in ("AGENT_MODEL_PROVIDER", "AGENT_MODEL_ID", "AGENT_SYSTEM_PROMPT"):
            env.pop(name, None)  # the project's defaults: the offline model
        env.update(extra or {})
        return env


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def scaffold_new(parent: Path, name: str = PROJECT_NAME, timeout: float = 60.0) -> GeneratedProject:
    """``scaffold new NAME --defaults --output PARENT`` as a user runs it (every target, offline model)."""
    subprocess.run(
        [SCAFFOLD, "new", name, "--defaults", "--output", str(parent)],
        check=True,
        stdout=subprocess.DEVNULL,
        env=child_env(),
        timeout=timeout,
    )
    return GeneratedProject(root=parent / name, package=name.replace("-", "_"))


@contextlib.contextmanager
def generated_project(name: str = PROJECT_NAME) -> Iterator[GeneratedProject]:
    """A fresh project in a temporary directory, removed afterwards."""
    with temp_dir("bench-project-") as parent:
        yield scaffold_new(parent, name)


# --- ports and server processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def http_request(
    port: int, method: str, path: str, body: Any = None, timeout: float = 30.0
) -> tuple[int, bytes]:
    """One request on a new connection (stdlib only, so polling stays cheap); raises OSError when refused."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for_ping(
    port: int, started: float, process: subprocess.Popen[bytes], timeout: float = 30.0, poll: float = 0.005
) -> float:
    """Seconds from ``started`` (a ``perf_counter`` value) to the first ``GET /ping`` answered with 200."""
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering /ping")
        try:
            status, _ = http_request(port, "GET", "/ping", timeout=2.0)
        except OSError:
            time.sleep(poll)
            continue
        if status == 200:
            return time.perf_counter() - started
        time.sleep(poll)
    raise TimeoutError(f"no healthy /ping on port {port} within {timeout} s")


def start_process(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start a child with stdout discarded and stderr to ``log`` (a file, never a pipe that could fill)."""
    return subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log if log is not None else subprocess.DEVNULL,
    )


@contextlib.contextmanager
def running_server(
    argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], port: int, timeout: float = 30.0
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """Start a server, wait for a healthy /ping, yield (process, seconds to ping); always stops it."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = start_process(argv, cwd=cwd, env=env, log=log)
        try:
            try:
                ping = wait_for_ping(port, started, process, timeout=timeout)
            except (RuntimeError, TimeoutError) as exc:
                stop_process(process)
                log.seek(0)
                tail = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"{' '.join(argv)}: {exc}\n{tail}") from exc
            yield process, ping
        finally:
            stop_process(process)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, all threads (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5), after pid and comm
    return (utime + stime) / os.sysconf("SC_CLK_TCK")
