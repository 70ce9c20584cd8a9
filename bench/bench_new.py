"""``scaffold new --defaults`` wall time next to plain ``copier copy`` of the same template, same run.

Both run as fresh processes (what a user runs), alternating which goes first in each round so neither
always meets a warmer page cache; one uncounted warm-up of each first (bytecode caches, page cache, and
scaffold's versioned copy of the built-in template in its cache). ``scaffold new`` does more than copier
here: it renders from that versioned git source and makes the project's first git commit.

    .venv/bin/python bench/bench_new.py [--quick] [--json]

Targets: scaffold <= 1.3x plain copier, and under 1 s on a 2-core machine.
"""

from __future__ import annotations

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


def scaffold_argv(dest_parent: Path) -> list[str]:
    return [c.SCAFFOLD, "new", NAME, "--defaults", "--output", str(dest_parent)]


def copier_argv(dest_parent: Path) -> list[str]:
    return [c.COPIER, "copy", "--defaults", "--quiet", str(c.TEMPLATE_DIR), str(dest_parent / NAME)]


TOOLS = {"scaffold new": scaffold_argv, "copier copy": copier_argv}


def timed_run(argv: Sequence[str], timeout: float = 60.0) -> float:
    env = c.child_env()
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
        same_files = outputs["scaffold new"] == outputs["copier copy"]
        for round_index in range(rounds):
            order = list(TOOLS) if round_index % 2 == 0 else list(reversed(TOOLS))
            for tool in order:
                parent = work / f"{round_index}-{tool.split()[0]}"
                times[tool].append(timed_run(TOOLS[tool](parent)))
                shutil.rmtree(parent, ignore_errors=True)

    scaffold_s = c.median(times["scaffold new"])
    copier_s = c.median(times["copier copy"])
    ratio = scaffold_s / copier_s
    ratio_met = ratio <= RATIO_TARGET
    seconds_met = scaffold_s < SECONDS_TARGET
    result = {
        "benchmark": "new",
        "machine": info,
        "rounds": rounds,
        "same_files": same_files,
        "seconds": {tool: c.summary(values) for tool, values in times.items()},
        "ratio_scaffold_to_copier": ratio,
        "targets": {
            f"scaffold/copier <= {RATIO_TARGET}": {"value": ratio, "met": ratio_met},
            f"scaffold < {SECONDS_TARGET} s": {"value": scaffold_s, "met": seconds_met},
        },
    }
    if args.json:
        c.emit_json(result)
        return 0
    print(f"scaffold new --defaults vs copier copy --defaults --quiet, median of {rounds} (alternating)")
    print(f"machine: {info}\nsame project files from both (apart from scaffold's .git): {same_files}\n")
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
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
