"""``scaffold new --defaults`` wall time next to plain ``copier copy`` of the same template, same run.

Both run as fresh processes (what a user runs), alternating which goes first in each round so neither
always meets a warmer page cache; one uncounted warm-up of each first (bytecode caches, page cache, and
scaffold's versioned copy of the built-in template in its cache). ``scaffold new`` does more than copier
here: it renders from that versioned git source and makes the project's first git commit.

The AWS AgentCore CLI's ``agentcore create`` (a Strands project, ``--skip-install``: it writes the project
and stops, as ``scaffold new`` does) is the baseline when it is on ``PATH`` (``/work/shared/tools/`` or
``npm i -g @aws/agentcore``; its Python projects need ``uv`` on ``PATH``, the venv's is put first). When it
is missing the script says so and leaves that ratio out. The generated project's Python lines are counted
too (the runtime library is a dependency, not a copy).

    .venv/bin/python bench/bench_new.py [--quick] [--json]

Targets: scaffold <= 1.3x plain copier, under 1 s on a 2-core machine, <= 0.4x ``agentcore create``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import _common as c  # bench/ is on sys.path when this file is run as a script

NAME = "my-agent"  # copier's default project_name, so both tools render the same answers
RATIO_TARGET = 1.3
SECONDS_TARGET = 1.0
AGENTCORE_TARGET = 0.4
AGENTCORE = shutil.which("agentcore")


def scaffold_argv(dest_parent: Path) -> list[str]:
    return [c.SCAFFOLD, "new", NAME, "--defaults", "--output", str(dest_parent)]


def copier_argv(dest_parent: Path) -> list[str]:
    return [c.COPIER, "copy", "--defaults", "--quiet", str(c.TEMPLATE_DIR), str(dest_parent / NAME)]


def agentcore_argv(dest_parent: Path) -> list[str]:
    dest_parent.mkdir(parents=True, exist_ok=True)
    return [
        str(AGENTCORE), "create", "--name", "benchagent", "--framework", "Strands",
        "--model-provider", "Bedrock", "--memory", "none", "--skip-install", "--skip-git",
        "--output-dir", str(dest_parent),
    ]  # fmt: skip


TOOLS = {"scaffold new": scaffold_argv, "copier copy": copier_argv}
if AGENTCORE:
    TOOLS["agentcore create"] = agentcore_argv


def timed_run(argv: Sequence[str], timeout: float = 60.0) -> float:
    env = c.child_env({"AGENTCORE_TELEMETRY_DISABLED": "1"})
    env["PATH"] = f"{c.BIN_DIR}{os.pathsep}{env.get('PATH', '')}"  # agentcore create needs uv
    started = time.perf_counter()
    subprocess.run(
        argv, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, timeout=timeout
    )
    return time.perf_counter() - started


def files_of(root: Path) -> set[str]:
    """The project's files, without the git repository ``scaffold new`` also makes (copier does not)."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if not {"__pycache__", ".git"} & set(p.parts)}


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("scaffold new --defaults wall time next to plain copier copy.").parse_args(argv)
    rounds = 3 if args.quick else 5
    info = c.machine()
    times: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    with c.temp_dir("bench-new-") as work:
        # Warm-up (not counted), and a check that both produce the same files.
        outputs = {}
        for index, (tool, make_argv) in enumerate(TOOLS.items()):
            parent = work / f"warmup-{index}"
            timed_run(make_argv(parent))
            outputs[tool] = files_of(parent / NAME)
        project = work / "warmup-0" / NAME
        python_files = [p for p in project.rglob("*.py") if ".git" not in p.parts]
        python_lines = sum(len(p.read_bytes().splitlines()) for p in python_files)
        same_files = outputs["scaffold new"] == outputs["copier copy"]
        for round_index, tool in c.alternating(list(TOOLS), rounds):
            parent = work / f"{round_index}-{tool.split()[0]}"
            times[tool].append(timed_run(TOOLS[tool](parent)))
            shutil.rmtree(parent, ignore_errors=True)

    scaffold_s = c.median(times["scaffold new"])
    copier_s = c.median(times["copier copy"])
    ratio = scaffold_s / copier_s
    ratio_met = ratio <= RATIO_TARGET
    seconds_met = scaffold_s < SECONDS_TARGET
    agentcore_ratio = scaffold_s / c.median(times["agentcore create"]) if AGENTCORE else None
    result = {
        **c.run_header("new", info, rounds),
        "same_files": same_files,
        "seconds": {tool: c.summary(values) for tool, values in times.items()},
        "ratio_scaffold_to_copier": ratio,
        "targets": {
            f"scaffold/copier <= {RATIO_TARGET}": {"value": ratio, "met": ratio_met},
            f"scaffold < {SECONDS_TARGET} s": {"value": scaffold_s, "met": seconds_met},
            f"scaffold/agentcore create <= {AGENTCORE_TARGET}": {
                "value": agentcore_ratio,
                "met": agentcore_ratio is not None and agentcore_ratio <= AGENTCORE_TARGET,
            },
        },
        "project_python_lines": python_lines,
        "project_python_files": len(python_files),
        "agentcore_cli": AGENTCORE,
    }
    heading = f"scaffold new --defaults vs copier copy --defaults --quiet, median of {rounds} (alternating)"
    if c.emitted_as_json(args, result, heading):
        return 0
    print(f"same project files from both (apart from scaffold's .git): {same_files}")
    print(f"the project: {python_lines} lines of Python in {len(python_files)} files")
    print(f"agentcore CLI: {AGENTCORE or 'not on PATH: the agentcore create baseline was not run'}\n")
    rows = [
        [tool, c.median(v), min(v), max(v), f"{c.median(v) / copier_s:.2f}x", " ".join(f"{x:.3f}" for x in v)]
        for tool, v in times.items()
    ]
    c.print_table(["command", "median s", "min s", "max s", "x copier", "samples s"], rows)
    print()
    c.print_table(
        ["target", "measured", "result"],
        [
            [f"scaffold new <= {RATIO_TARGET}x copier copy", f"{ratio:.2f}x", c.verdict(ratio_met)],
            [f"scaffold new < {SECONDS_TARGET:.0f} s", f"{scaffold_s:.3f} s", c.verdict(seconds_met)],
            [
                f"scaffold new <= {AGENTCORE_TARGET}x agentcore create",
                f"{agentcore_ratio:.2f}x" if agentcore_ratio is not None else "not run",
                c.verdict(agentcore_ratio is not None and agentcore_ratio <= AGENTCORE_TARGET),
            ],
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
