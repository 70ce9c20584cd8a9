"""Fresh-process import time of each entrypoint module, and time to its first offline answer.

Every number comes from its own ``python -c`` process with cwd = a generated project and PYTHONPATH = that
project, timed inside the process with ``time.perf_counter`` (interpreter start-up is not included):

- import: ``t=perf_counter(); import MOD; print(perf_counter()-t)``;
- first answer: import + one call on the offline model: Lambda ``handler({"prompt": "hi"}, None)``, local
  ``main(["hi"])`` with stdout captured, the HTTP apps a ``POST /invocations`` through Starlette's
  ``TestClient`` in-process (importing ``starlette.testclient`` itself, which the app never does, is timed
  separately and left out).

Same-run baseline: importing ``strands``, ``boto3``, ``bedrock_agentcore.runtime`` and ``fastapi`` together
in one fresh process. One uncounted warm-up of everything first (bytecode caches); then the measurements
run in rounds, the order rotated each round.

    .venv/bin/python bench/bench_imports.py [--quick] [--json]

Target: the Lambda handler module imports in <= 60% of the baseline.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import _common as c  # bench/ is on sys.path when this file is run as a script

LAMBDA_TARGET = 0.6
BASELINE = "baseline: import strands, boto3, bedrock_agentcore.runtime, fastapi"
ENTRYPOINTS = ("agentcore_app", "lambda_handler", "http_app", "local")

IMPORT_ONLY = "import time; t=time.perf_counter(); import {mod}; print(time.perf_counter()-t)"

FIRST_ANSWER = {
    "lambda_handler": """
import time
t = time.perf_counter()
import {mod} as m
reply = m.handler({{"prompt": "hi"}}, None)
elapsed = time.perf_counter() - t
assert reply["text"], reply
print(elapsed)
""",
    "local": """
import contextlib, io, time
t = time.perf_counter()
import {mod} as m
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = m.main(["hi"])
elapsed = time.perf_counter() - t
assert code == 0 and out.getvalue().strip(), (code, out.getvalue())
print(elapsed)
""",
    "http": """
import time
t = time.perf_counter()
import {mod} as m
imported = time.perf_counter() - t
from starlette.testclient import TestClient
t = time.perf_counter()
with TestClient(m.app) as client:
    response = client.post("/invocations", json={{"prompt": "hi"}})
    called = time.perf_counter() - t
assert response.status_code == 200 and response.json()["text"], response.text
print(imported + called)
""",
}


@dataclass(frozen=True)
class Measurement:
    label: str
    code: str
    is_import: bool


def measurements(package: str) -> list[Measurement]:
    baseline = IMPORT_ONLY.format(mod="strands, boto3, bedrock_agentcore.runtime, fastapi")
    found = [Measurement(BASELINE, baseline, True)]
    for name in ENTRYPOINTS:
        mod = f"{package}.entrypoints.{name}"
        found.append(Measurement(f"import {mod}", IMPORT_ONLY.format(mod=mod), True))
        answer = FIRST_ANSWER.get(name, FIRST_ANSWER["http"])
        found.append(Measurement(f"first answer {name}", answer.format(mod=mod), False))
    return found


def run_one(m: Measurement, project: c.GeneratedProject) -> float:
    completed = subprocess.run(
        [c.PYTHON, "-c", m.code],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{m.label} failed:\n{completed.stderr[-2000:]}")
    return float(completed.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("Fresh-process import time and first offline answer per entrypoint.").parse_args(argv)
    rounds = 3 if args.quick else 7
    info = c.machine()
    with c.generated_project() as project:
        todo = measurements(project.package)
        for m in todo:  # warm-up, not counted
            run_one(m, project)
        times: dict[str, list[float]] = {m.label: [] for m in todo}
        for round_index in range(rounds):
            shift = round_index % len(todo)
            for m in todo[shift:] + todo[:shift]:
                times[m.label].append(run_one(m, project))

    base = c.median(times[BASELINE])
    lambda_label = f"import {project.package}.entrypoints.lambda_handler"
    lambda_ratio = c.median(times[lambda_label]) / base
    met = lambda_ratio <= LAMBDA_TARGET
    target_name = f"lambda_handler import <= {LAMBDA_TARGET:.0%} of baseline"
    result = {
        **c.run_header("imports", info, rounds),
        "baseline": BASELINE,
        "seconds": {label: c.summary(v) for label, v in times.items()},
        "ratio_to_baseline": {label: c.median(v) / base for label, v in times.items()},
        "targets": {target_name: {"value": lambda_ratio, "met": met}},
    }
    if c.emitted_as_json(
        args,
        result,
        f"fresh-process import, and import + first offline answer; median of {rounds}, cwd = project",
    ):
        return 0

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f}"

    rows = [
        [label, ms(c.median(v)), f"{c.median(v) / base:.2f}x", ms(min(v)), ms(max(v))]
        for label, v in times.items()
    ]
    c.print_table(["measurement", "median ms", "x baseline", "min ms", "max ms"], rows)
    print()
    c.print_table(
        ["target", "measured", "result"],
        [[target_name, f"{lambda_ratio:.1%}", c.verdict(met)]],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
