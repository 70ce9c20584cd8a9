"""``scaffold serve``: process start to the first healthy ``GET /ping`` and to the first answer.

Each server is a fresh process on a free port of 127.0.0.1. The clock starts just before the process is
spawned; ``/ping`` is polled every 5 ms on a new connection; right after the first 200 one ``POST
/invocations`` (a tool call on the offline model) is sent and timed to its answer. The adapters import the
agent core in the background once the server is up, so /ping comes before the core is ready; both
numbers are reported. Same-run baseline: ``bench/bare_agentcore_app.py`` under uvicorn (a bare
``BedrockAgentCoreApp`` importing the core eagerly, so its ping means "ready"). Also shown: the same
AgentCore entrypoint under plain uvicorn, to separate the cost of the ``scaffold`` CLI itself.

    .venv/bin/python bench/bench_serve.py [--quick] [--json]

Target: ``scaffold serve`` (agentcore and fastapi) answers /ping in under 1 s (median of 5).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import _common as c  # bench/ is on sys.path when this file is run as a script

PING_TARGET_S = 1.0
BASELINE = "uvicorn bare_agentcore_app (eager core)"


@dataclass(frozen=True)
class Config:
    name: str
    argv: Callable[[c.GeneratedProject, int], list[str]]
    has_target: bool  # is the 1 s target about this one


def _scaffold(target: str) -> Callable[[c.GeneratedProject, int], list[str]]:
    return lambda _project, port: [c.SCAFFOLD, "serve", "--target", target, "--port", str(port)]


CONFIGS = (
    Config("scaffold serve --target agentcore", _scaffold("agentcore"), True),
    Config("scaffold serve --target fastapi", _scaffold("fastapi"), True),
    Config(
        "uvicorn PKG.entrypoints.agentcore_app:app",
        lambda p, port: c.uvicorn_argv(f"{p.package}.entrypoints.agentcore_app:app", port),
        False,
    ),
    Config(BASELINE, lambda _p, port: c.uvicorn_argv("bare_agentcore_app:app", port), False),
)


def measure_once(config: Config, project: c.GeneratedProject) -> tuple[float, float]:
    """(seconds to first healthy /ping, seconds to first /invocations answer), both from process start."""
    port = c.free_port()
    env = project.env({"BENCH_AGENT_PACKAGE": project.package})
    env["PYTHONPATH"] = f"{project.root}:{c.BENCH_DIR}"
    started = time.perf_counter()
    with c.running_server(config.argv(project, port), cwd=project.root, env=env, port=port) as (_, ping):
        status, body = c.http_request(port, "POST", "/invocations", {"prompt": c.TOOL_PROMPT}, timeout=60)
        answered = time.perf_counter() - started
    if status != 200 or "42" not in json.loads(body).get("text", ""):
        raise RuntimeError(f"{config.name}: unexpected answer {status} {body[:200]!r}")
    return ping, answered


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("Time from process start to first healthy /ping and first answer.").parse_args(argv)
    rounds = 3 if args.quick else 5
    info = c.machine()
    pings: dict[str, list[float]] = {cfg.name: [] for cfg in CONFIGS}
    answers: dict[str, list[float]] = {cfg.name: [] for cfg in CONFIGS}
    with c.generated_project() as project:
        for cfg in CONFIGS:  # warm-up, not counted: bytecode caches, page cache
            measure_once(cfg, project)
        for round_index in range(rounds):
            shift = round_index % len(CONFIGS)  # rotate the order so no config always goes first
            for cfg in CONFIGS[shift:] + CONFIGS[:shift]:
                ping, answered = measure_once(cfg, project)
                pings[cfg.name].append(ping)
                answers[cfg.name].append(answered)

    base_ping = c.median(pings[BASELINE])
    base_answer = c.median(answers[BASELINE])
    targets = {
        f"{cfg.name}: /ping < {PING_TARGET_S:.0f} s": {
            "value": c.median(pings[cfg.name]),
            "met": c.median(pings[cfg.name]) < PING_TARGET_S,
        }
        for cfg in CONFIGS
        if cfg.has_target
    }
    result = {
        **c.run_header("serve", info, rounds),
        "prompt": c.TOOL_PROMPT,
        "baseline": BASELINE,
        "ping_s": {name: c.summary(v) for name, v in pings.items()},
        "first_answer_s": {name: c.summary(v) for name, v in answers.items()},
        "targets": targets,
    }
    if c.emitted_as_json(
        args,
        result,
        f"process start -> first 200 /ping, and -> first /invocations answer; median of {rounds}",
    ):
        return 0
    rows = []
    for cfg in CONFIGS:
        ping, answer = c.median(pings[cfg.name]), c.median(answers[cfg.name])
        samples = " ".join(f"{x:.2f}" for x in pings[cfg.name])
        ratios = f"{ping / base_ping:.2f}x", f"{answer / base_answer:.2f}x"
        rows.append([cfg.name, ping, ratios[0], answer, ratios[1], samples])
    c.print_table(["server", "/ping s", "x baseline", "1st answer s", "x baseline", "/ping samples s"], rows)
    print()
    c.print_targets(targets, unit="s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
