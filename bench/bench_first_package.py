"""The first ``scaffold package -t agentcore`` in a fresh project, next to ``agentcore package``, same run.

What a new user waits for the first time they package: ``scaffold new NAME --defaults``, then
``scaffold package -t agentcore`` with an empty scaffold cache (``SCAFFOLD_CACHE_DIR``), so the runtime
library's wheel is built into the wheelhouse and every dependency is installed for the target. The
baseline is the AWS AgentCore CLI doing the same for the project it creates: ``agentcore create --name
benchagent --framework Strands --model-provider Bedrock --memory none --skip-install --skip-git``, then
``agentcore package -d PROJECT``. Creating either project is not timed; packaging is, as a fresh process.

pip's and uv's own download caches are left as they are, and one uncounted warm-up of each tool fills
them, so both tools install from a warm download cache and the time measured is resolving and installing,
not this machine's network. Rounds alternate which tool goes first.

The baseline runs when ``agentcore`` is on ``PATH`` (``/work/shared/tools/install-aws-agentcore-cli.sh
DEST``, then ``PATH=DEST/node_modules/.bin:$PATH``); its Python projects need ``uv``, and the venv's is put
first on ``PATH``. Without it the script says so and reports scaffold's time alone.

    PATH=DEST/node_modules/.bin:$PATH .venv/bin/python bench/bench_first_package.py [--quick] [--json]

Where this machine has the target's Python (3.12; pyenv's count), ``scaffold package`` precompiles the
dependencies' bytecode, which ``agentcore package`` does not do: about half the cold start on Lambda
(``bench_package.py``) for a few seconds, once per dependency layer. ``scaffold package --no-precompile``,
the same zip without bytecode, is timed too.

Target (issue 10): the first ``scaffold package -t agentcore`` <= 1.0x ``agentcore package``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import _common as c  # bench/ is on sys.path when this file is run as a script

from scaffold.packaging.bytecode import find_interpreter
from scaffold.packaging.platforms import DEFAULT_PYTHON

RATIO_TARGET = 1.0
AGENTCORE = shutil.which("agentcore")
NAME = "pkagent"
TARGET_PYTHON = DEFAULT_PYTHON  # what scaffold packages the agentcore target for by default
TIMEOUT_S = 900.0


def _run(argv: Sequence[str], cwd: Path | None = None, extra: dict[str, str] | None = None) -> float:
    """Run ``argv`` to completion as a fresh process and return its wall time; a failure stops the run
    with the command's own output (a benchmark of a failing command measures nothing)."""
    env = c.child_env({"AGENTCORE_TELEMETRY_DISABLED": "1", **(extra or {})})
    env["PATH"] = f"{c.BIN_DIR}{os.pathsep}{env.get('PATH', '')}"  # uv, scaffold and pip of this venv
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def _slug(tool: str) -> str:
    return "-".join(word.strip("-") for word in tool.split())


def scaffold_first_package(work: Path, *options: str) -> float:
    _run([c.SCAFFOLD, "new", NAME, "--defaults", "--output", str(work)])
    return _run(
        [c.SCAFFOLD, "package", "-t", "agentcore", *options],
        cwd=work / NAME,
        extra={"SCAFFOLD_CACHE_DIR": str(work / "scaffold-cache")},  # empty: the first package ever
    )


def agentcore_first_package(work: Path) -> float:
    work.mkdir(parents=True, exist_ok=True)
    _run(
        [
            str(AGENTCORE), "create", "--name", "benchagent", "--framework", "Strands",
            "--model-provider", "Bedrock", "--memory", "none", "--skip-install", "--skip-git",
            "--output-dir", str(work),
        ]
    )  # fmt: skip
    return _run([str(AGENTCORE), "package", "-d", str(work / "benchagent")], cwd=work / "benchagent")


TOOLS: dict[str, Callable[[Path], float]] = {
    "scaffold package": scaffold_first_package,
    "scaffold package --no-precompile": lambda work: scaffold_first_package(work, "--no-precompile"),
}
if AGENTCORE:
    TOOLS["agentcore package"] = agentcore_first_package


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("First scaffold package -t agentcore next to agentcore package.").parse_args(argv)
    rounds = 1 if args.quick else 3
    info = c.machine()
    times: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    with c.temp_dir("bench-first-package-") as work:
        for tool, first_package in TOOLS.items():  # warm-up: fills pip's and uv's download caches
            first_package(work / f"warmup-{_slug(tool)}")
        for round_index, tool in c.alternating(list(TOOLS), rounds):
            folder = work / f"{round_index}-{_slug(tool)}"
            times[tool].append(TOOLS[tool](folder))
            shutil.rmtree(folder, ignore_errors=True)

    baseline_s = c.median(times["agentcore package"]) if AGENTCORE else None
    ratio = c.median(times["scaffold package"]) / baseline_s if baseline_s else None
    plain_ratio = c.median(times["scaffold package --no-precompile"]) / baseline_s if baseline_s else None
    result = {
        **c.run_header("first-package", info, rounds),
        "seconds": {tool: c.summary(values) for tool, values in times.items()},
        "targets": {
            f"scaffold package/agentcore package <= {RATIO_TARGET}": {
                "value": ratio,
                "met": ratio is not None and ratio <= RATIO_TARGET,
            }
        },
        "ratio_without_bytecode": plain_ratio,
        "target_python_here": find_interpreter(TARGET_PYTHON) is not None,
        "agentcore_cli": AGENTCORE,
    }
    heading = f"first package of a fresh project, agentcore target, median of {rounds} (alternating)"
    if c.emitted_as_json(args, result, heading):
        return 0
    print(f"agentcore CLI: {AGENTCORE or 'not on PATH: the agentcore package baseline was not run'}")
    here = (
        "found: the default package precompiles" if result["target_python_here"] else "not found: no bytecode"
    )
    print(f"Python {TARGET_PYTHON} on this machine: {here}\n")
    rows = [[tool, c.median(v), min(v), max(v), " ".join(f"{x:.1f}" for x in v)] for tool, v in times.items()]
    c.print_table(["command", "median s", "min s", "max s", "samples s"], rows)
    print()
    if ratio is None:
        print("target: not measured (no agentcore package baseline)")
    else:
        c.print_targets(result["targets"], unit="x")
        print(f"without bytecode (as agentcore package ships): {plain_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
