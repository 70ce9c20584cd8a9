"""``scaffold dev``: spawn to playground served and ``/ping`` healthy, and chunk-to-visible text in Chromium.

1. **Start.** The clock starts just before the process is spawned (a project from ``scaffold new --defaults``
   in a temporary directory, a free port on 127.0.0.1). ``scaffold dev`` is ready when ``GET /`` returns
   the playground page and ``GET /ping`` returns 200, polled every 5 ms on new connections. Same-run
   baseline: ``scaffold serve --target agentcore`` to its first healthy ``/ping``. ``scaffold dev`` is
   measured with hot reload (its default: uvicorn's reloader process plus a worker) and with
   ``--no-reload``. Every process runs in its own session and is stopped with its children.
2. **Chunk to visible.** Debian's Chromium (Playwright, headless) opens the playground and sends prompts
   (offline model, one word per SSE chunk). Per turn the page records when its ``fetch`` stream reader
   received the first text chunk, when that text was in the DOM (rendered as Markdown), and when the next
   animation frame ran (the frame that paints it). Reported: medians of those two deltas over the turns.

    .venv/bin/python bench/bench_dev.py [--quick] [--json]

Targets (issue 12): spawn to ready <= 1.5 s on 2 cores; first chunk to visible <= 50 ms median.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script

READY_TARGET_S = 1.5
VISIBLE_TARGET_MS = 50.0
BASELINE = "scaffold serve --target agentcore"
CONFIGS: dict[str, tuple[list[str], bool]] = {  # name -> (scaffold arguments, serves the page)
    "scaffold dev --target agentcore": (["dev", "--target", "agentcore"], True),
    "scaffold dev --target agentcore --no-reload": (["dev", "--target", "agentcore", "--no-reload"], True),
    BASELINE: (["serve", "--target", "agentcore"], False),
}


@contextlib.contextmanager
def spawned(
    argv: Sequence[str], project: c.GeneratedProject
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """Start ``argv`` in its own session; yield it and the perf_counter value taken just before the spawn."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=project.root,
            env=project.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # the reloader and its worker are stopped together
        )
        try:
            yield process, started
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def ready_once(name: str, project: c.GeneratedProject) -> tuple[float, float]:
    """(wall seconds from spawn to ready, CPU seconds the command's processes had used by then)."""
    arguments, serves_page = CONFIGS[name]
    port = c.free_port()
    with spawned([c.SCAFFOLD, *arguments, "--port", str(port)], project) as (process, started):
        c.wait_for_ping(port, started, process)
        if serves_page:
            _wait_for_page(port, started, process)
        return time.perf_counter() - started, session_cpu_seconds(process.pid)


def session_cpu_seconds(session_id: int) -> float:
    """User + system CPU of every live process in the session (the reloader and its worker): a measure
    that a busy machine stretches far less than wall time, since waiting for a core costs no CPU."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id:  # field 6 of proc(5): the session id
            total += c.process_cpu_seconds(int(stat.parent.name))
    return total


def _wait_for_page(port: int, started: float, process: subprocess.Popen[bytes]) -> None:
    while time.perf_counter() - started < 30:
        if process.poll() is not None:
            raise RuntimeError(f"scaffold dev exited with {process.returncode}")
        with contextlib.suppress(OSError):
            status, body = c.http_request(port, "GET", "/", timeout=2.0)
            if status == 200 and b"scaffold dev" in body:
                return
        time.sleep(0.005)
    raise TimeoutError("the playground page was not served within 30 s")


def visible_latencies(project: c.GeneratedProject, turns: int) -> tuple[list[float], list[float]]:
    """(first chunk -> in the DOM, first chunk -> next animation frame) in ms, one pair per turn."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch_chromium  # the browser the tests launch

    port = c.free_port()
    with (
        spawned([c.SCAFFOLD, "dev", "--target", "agentcore", "--port", str(port)], project) as (
            process,
            started,
        ),
        sync_playwright() as playwright,
    ):
        c.wait_for_ping(port, started, process)
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(f"http://{c.HOST}:{port}/")
            page.wait_for_selector("body[data-ready=true]")
            for turn in range(1, turns + 2):  # the first turn warms the core up and is not counted
                page.fill("#prompt", f"turn {turn}: the quick brown fox jumps over the lazy dog")
                page.press("#prompt", "Enter")
                page.locator("#turns > .turn").nth(turn - 1).locator("[data-metric=latency]").wait_for()
            page.wait_for_function("window.__devTimings.every((t) => t.firstFrameAt !== null)")
            timings: list[dict[str, Any]] = page.evaluate("window.__devTimings")[1:]
        finally:
            browser.close()
    in_dom = [t["firstVisibleAt"] - t["firstChunkAt"] for t in timings]
    painted = [t["firstFrameAt"] - t["firstChunkAt"] for t in timings]
    return in_dom, painted


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("scaffold dev start time and chunk-to-visible latency.").parse_args(argv)
    rounds, turns = (3, 10) if args.quick else (5, 30)
    info = c.machine()
    ready: dict[str, list[float]] = {name: [] for name in CONFIGS}
    cpu: dict[str, list[float]] = {name: [] for name in CONFIGS}
    names = list(CONFIGS)
    with c.generated_project() as project:
        for name in names:  # warm-up, not counted: bytecode caches, page cache
            ready_once(name, project)
        for round_index in range(rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                wall, used = ready_once(name, project)
                ready[name].append(wall)
                cpu[name].append(used)
        in_dom, painted = visible_latencies(project, turns)

    base = c.median(ready[BASELINE])
    targets = {
        f"{name}: ready <= {READY_TARGET_S} s": {"value": c.median(ready[name]), "unit": "s"}
        for name in names
        if CONFIGS[name][1]
    }
    targets["first chunk -> next frame: median <= 50 ms"] = {"value": c.median(painted), "unit": "ms"}
    for target in targets.values():
        limit = READY_TARGET_S if target["unit"] == "s" else VISIBLE_TARGET_MS
        target["met"] = target["value"] <= limit
    result = {
        **c.run_header("dev", info, rounds),
        "turns": turns,
        "baseline": BASELINE,
        "ready_s": {name: c.summary(values) for name, values in ready.items()},
        "cpu_to_ready_s": {name: c.summary(values) for name, values in cpu.items()},
        "chunk_to_dom_ms": c.summary(in_dom),
        "chunk_to_frame_ms": c.summary(painted),
        "targets": targets,
    }
    if c.emitted_as_json(
        args, result, f"spawn -> ready (page served and /ping 200; serve: /ping 200); median of {rounds}"
    ):
        return 0
    base_cpu = c.median(cpu[BASELINE])
    rows = [
        [
            name,
            c.median(values),
            f"{c.median(values) / base:.2f}x",
            c.median(cpu[name]),
            f"{c.median(cpu[name]) / base_cpu:.2f}x",
            " ".join(f"{v:.2f}" for v in values),
        ]
        for name, values in ready.items()
    ]
    c.print_table(["command", "ready s", "x baseline", "CPU s", "x baseline", "samples s"], rows)
    print(f"\nfirst SSE chunk received by the page -> visible, over {turns} turns (ms)")
    c.print_table(
        ["measure", "median", "p90", "max"],
        [
            ["in the DOM", c.median(in_dom), c.percentile(in_dom, 90), max(in_dom)],
            ["next animation frame", c.median(painted), c.percentile(painted, 90), max(painted)],
        ],
    )
    print()
    c.print_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
