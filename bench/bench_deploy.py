"""``scaffold deploy`` against an AWS emulator: the no-change redeploy, first deploys, plan and status.

Moto's ``ThreadedMotoServer`` on 127.0.0.1 stands in for AWS (IAM, S3, Lambda, CloudWatch Logs, STS,
AgentCore control plane); the CLI reaches it through the standard ``AWS_ENDPOINT_URL`` with dummy
credentials, so the code measured is the code that talks to AWS. Artifacts are real ``scaffold.packaging``
builds (the first build of each target resolves and installs from the package index; later builds reuse).

Measured per target (lambda, agentcore), same generated project (defaults: every target, offline model):

- first deploy: ``scaffold deploy --target T`` in a fresh process (build included);
- no-change redeploy: the same command again, fresh process, median of N (interpreter start, artifact
  reuse check, the plan's read calls, no write); target <= 2 s;
- the same in-process through ``scaffold.deploy.engine.deploy`` with botocore hooks counting every API call
  (the mutating ones must be 0), and the artifact-reuse check alone;
- ``scaffold deploy --plan`` and ``scaffold status``, fresh processes.

Moto answers in milliseconds where AWS takes tens to hundreds: the AWS share of these numbers is small
here, so they measure the tool's own overhead. One uncounted warm-up of each measured command.

    .venv/bin/python bench/bench_deploy.py [--quick] [--json]

Exits 0 (the verdicts are in the output).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script

sys.path.insert(0, str(c.REPO_ROOT))

TARGETS = ("lambda", "agentcore")
NO_CHANGE_TARGET_S = 2.0
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def start_emulator() -> tuple[Any, str]:
    from moto.server import ThreadedMotoServer

    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address=c.HOST, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def cli(project: Path, endpoint: str, *args: str, timeout: float = 600.0) -> float:
    env = c.child_env({**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint})
    started = time.perf_counter()
    done = subprocess.run(
        [c.SCAFFOLD, *args, "--project", str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"scaffold {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def in_process(project: Path, target: str, endpoint: str, rounds: int) -> dict[str, Any]:
    from scaffold.deploy import artifacts
    from scaffold.deploy.aws import is_mutating, session_hooks
    from scaffold.deploy.engine import AwsOptions, deploy
    from scaffold.deploy.progress import Progress
    from scaffold.project import load_project

    loaded = load_project(project)
    calls: list[str] = []
    options = AwsOptions(endpoint_url=endpoint)
    times, build_times = [], []
    with session_hooks(("before-call", lambda model, **_: calls.append(model.name))):
        deploy(loaded, target, options, progress=Progress(quiet=True))  # warm-up
        for _ in range(rounds):
            calls.clear()
            started = time.perf_counter()
            deploy(loaded, target, options, progress=Progress(quiet=True))
            times.append(time.perf_counter() - started)
    for _ in range(rounds):
        started = time.perf_counter()
        artifacts.build(loaded, target, arch="arm64", python_version=None, progress=None)
        build_times.append(time.perf_counter() - started)
    return {
        "seconds": c.summary(times),
        "artifact_reuse_seconds": c.summary(build_times),
        "api_calls": len(calls),
        "mutating_calls": [name for name in calls if is_mutating(name)],
        "operations": calls,
    }


def main() -> int:
    args = c.parser(__doc__.splitlines()[0]).parse_args()
    rounds = 3 if args.quick else 7
    info = c.machine()
    server, endpoint = start_emulator()
    results: dict[str, dict[str, Any]] = {}
    try:
        with c.generated_project() as project:
            for target in TARGETS:
                first = cli(project.root, endpoint, "deploy", "--target", target)
                cli(project.root, endpoint, "deploy", "--target", target)  # warm-up
                no_change = [cli(project.root, endpoint, "deploy", "--target", target) for _ in range(rounds)]
                plan = [
                    cli(project.root, endpoint, "deploy", "--target", target, "--plan") for _ in range(rounds)
                ]
                status = [cli(project.root, endpoint, "status", "--target", target) for _ in range(rounds)]
                engine = in_process(project.root, target, endpoint, rounds)
                results[target] = {
                    "first_deploy_cli_seconds": first,
                    "no_change_cli_seconds": c.summary(no_change),
                    "plan_cli_seconds": c.summary(plan),
                    "status_cli_seconds": c.summary(status),
                    "no_change_in_process": engine,
                }
    finally:
        server.stop()

    targets = {
        f"{target}: no-change redeploy <= {NO_CHANGE_TARGET_S:.0f} s (CLI, median)": {
            "value": results[target]["no_change_cli_seconds"]["median"],
            "met": results[target]["no_change_cli_seconds"]["median"] <= NO_CHANGE_TARGET_S,
        }
        for target in TARGETS
    } | {
        f"{target}: no-change redeploy makes 0 mutating calls": {
            "value": len(results[target]["no_change_in_process"]["mutating_calls"]),
            "met": not results[target]["no_change_in_process"]["mutating_calls"],
        }
        for target in TARGETS
    }
    result = {
        **c.run_header("deploy", info, rounds),
        "results": results,
        "targets": targets,
    }
    if c.emitted_as_json(
        args, result, f"scaffold deploy against moto on {c.HOST} (median of {rounds}; seconds)"
    ):
        return 0
    rows = []
    for label, pick in (
        ("first deploy, CLI (build included)", lambda r: r["first_deploy_cli_seconds"]),
        ("no-change redeploy, CLI fresh process", lambda r: r["no_change_cli_seconds"]["median"]),
        ("no-change redeploy, in-process engine", lambda r: r["no_change_in_process"]["seconds"]["median"]),
        (
            "artifact reuse check alone, in-process",
            lambda r: r["no_change_in_process"]["artifact_reuse_seconds"]["median"],
        ),
        ("deploy --plan, CLI", lambda r: r["plan_cli_seconds"]["median"]),
        ("status, CLI", lambda r: r["status_cli_seconds"]["median"]),
        ("API calls in a no-change redeploy", lambda r: r["no_change_in_process"]["api_calls"]),
        ("  of which mutating", lambda r: len(r["no_change_in_process"]["mutating_calls"])),
    ):
        rows.append([label, *(pick(results[target]) for target in TARGETS)])
    c.print_table(["measurement", *TARGETS], rows)
    print()
    c.print_targets(targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
