"""Eval overhead: ``scaffold eval`` of N offline cases next to N direct ``call_agent`` calls, same process.

The script generates a project (``scaffold new``, defaults, offline model) in a temporary directory and
writes one eval set of N cases built from the generated ``evals/smoke.yaml`` (its single-turn cases,
repeated; each checks the output, the trajectory and the limits; judges and faults left out, since a judge
needs a real model and a fault changes the work done). Both sides import the core once and run the same
prompts, in the same order, with ``AGENT_MEMORY=file`` in a temporary directory:

* **direct:** ``call_agent("bench", prompt, session_id=<fresh>)`` for each case;
* **eval:** what ``scaffold eval`` does after parsing its options: load the set, ``run_cases`` on
  strands-agents-evals (a ``ChaosExperiment`` with the four evaluators, one worker) and render the table.

Rounds alternate the order (ABBA) after an uncounted warm-up of each. The ratio is eval / direct of the
median round time (wall clock); the CPU ratio (``process_time``, all threads of this process) is reported
too, since on a shared machine it is much steadier than wall time.

    .venv/bin/python bench/bench_eval.py [--quick] [--json] [--cases N]

Target: eval <= 1.5x direct.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script
import yaml

RATIO_TARGET = 1.5


def eval_set(project: Path, count: int) -> tuple[Path, list[str]]:
    smoke = yaml.safe_load((project / "evals" / "smoke.yaml").read_text(encoding="utf-8"))
    singles = [
        case
        for case in smoke["cases"]
        if "input" in case and "judge" not in case.get("expect", {}) and "faults" not in case
    ]
    cases = []
    for index in range(count):
        case = dict(singles[index % len(singles)])
        case["name"] = f"{case['name']} #{index}"
        cases.append(case)
    path = project / "evals" / "bench.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}, sort_keys=False), encoding="utf-8")
    return path, [case["input"] for case in cases]


def main() -> int:
    p = c.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=40, help="cases per round (default 40)")
    args = p.parse_args()
    rounds = 2 if args.quick else 6
    with c.generated_project() as project, tempfile.TemporaryDirectory() as sessions:
        os.environ.update(AGENT_MODEL_PROVIDER="offline", AGENT_MEMORY="file", AGENT_SESSION_DIR=sessions)
        os.environ.update(AGENT_TELEMETRY="none", AGENT_AUTH="none")
        sys.path.insert(0, str(c.REPO_ROOT))
        from agent_scaffold_runtime.evals import CoreRunner, load_set, run_cases

        from scaffold.evals.report import table
        from scaffold.evals.runners import import_core
        from scaffold.project import load_project

        core = import_core(load_project(project.root))
        path, prompts = eval_set(project.root, args.cases)

        def direct() -> None:
            for prompt in prompts:
                reply = core.call_agent("bench", prompt, session_id=str(uuid.uuid4()))
                assert reply.text, prompt

        def evaluate() -> None:
            results = run_cases(load_set(path), CoreRunner(core))
            table(results)
            assert len(results) == len(prompts)
            failed = [r.name for r in results if r.status != "pass"]
            assert not failed, failed

        sides: dict[str, Any] = {"direct call_agent": direct, "scaffold eval": evaluate}
        for run in sides.values():
            run()  # warm-up, not counted
        times: dict[str, list[float]] = {name: [] for name in sides}
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        for index in range(rounds):
            order = list(sides) if index % 4 in (0, 3) else list(reversed(sides))
            for name in order:
                started, started_cpu = time.perf_counter(), time.process_time()
                sides[name]()
                times[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)
    direct_s = c.median(times["direct call_agent"])
    eval_s = c.median(times["scaffold eval"])
    ratio = eval_s / direct_s
    cpu_ratio = c.median(cpu["scaffold eval"]) / c.median(cpu["direct call_agent"])
    result = {
        "machine": c.machine(),
        "cases": args.cases,
        "rounds": rounds,
        "direct_s": c.summary(times["direct call_agent"]),
        "eval_s": c.summary(times["scaffold eval"]),
        "direct_cpu_s": c.summary(cpu["direct call_agent"]),
        "eval_cpu_s": c.summary(cpu["scaffold eval"]),
        "ratio": round(ratio, 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "target": RATIO_TARGET,
        "verdict": c.verdict(ratio <= RATIO_TARGET),
    }
    if args.json:
        c.emit_json(result)
    else:
        c.print_table(
            ["side", f"median wall s per {args.cases} cases", "per case ms", "median CPU s"],
            [
                [name, f"{c.median(times[name]):.3f}", f"{c.median(times[name]) / args.cases * 1000:.1f}",
                 f"{c.median(cpu[name]):.3f}"]
                for name in sides
            ],
        )  # fmt: skip
        print(
            f"ratio eval/direct: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU "
            f"(target <= {RATIO_TARGET}x: {result['verdict']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
