"""Environments: the plan of a no-change environment (offline and online) and ``scaffold promote``.

Moto's ``ThreadedMotoServer`` on 127.0.0.1 stands in for AWS, reached through ``AWS_ENDPOINT_URL`` with
dummy credentials (as ``bench_deploy.py``); artifacts are real ``scaffold.packaging`` builds. One generated
project (defaults) with an ``environments.toml`` declaring ``staging`` and ``prod``; every command is a fresh
``scaffold`` process (interpreter start included), median of N after one uncounted warm-up.

- baseline: ``scaffold deploy --target lambda --env staging``, the first deploy (build and create);
- ``deploy --plan --offline --env staging``: the plan from the recorded state alone (no AWS call);
- ``deploy --plan --env staging``: the plan against the emulator (reads only);
- ``promote --from staging --to prod``: the first promotion (creates prod from staging's artifact), then a
  no-change promotion; and ``promote --rebuild`` after a code change, for comparison.

    .venv/bin/python bench/bench_environments.py [--quick] [--json]

Exits 0 (the verdicts are in the output).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script
from bench_deploy import cli, start_emulator

TARGET = "lambda"
ENVIRONMENTS = """\
[defaults]
region = "us-east-1"

[environments.staging]

[environments.prod]
log_retention_days = 365
"""


def measure(project: Path, endpoint: str, rounds: int, *args: str) -> dict[str, Any]:
    cli(project, endpoint, *args)  # warm-up
    return c.summary([cli(project, endpoint, *args) for _ in range(rounds)])


def main() -> int:
    args = c.parser(__doc__.splitlines()[0]).parse_args()
    rounds = 3 if args.quick else 7
    info = c.machine()
    server, endpoint = start_emulator()
    deploy = ("deploy", "--target", TARGET)
    promote = ("promote", "--from", "staging", "--to", "prod", "--target", TARGET, "--yes")
    try:
        with c.generated_project() as project:
            root = project.root
            (root / "environments.toml").write_text(ENVIRONMENTS, encoding="utf-8")
            first = cli(root, endpoint, *deploy, "--env", "staging")
            offline = measure(root, endpoint, rounds, *deploy, "--env", "staging", "--plan", "--offline")
            online = measure(root, endpoint, rounds, *deploy, "--env", "staging", "--plan")
            first_promote = cli(root, endpoint, *promote)
            no_change_promote = measure(root, endpoint, rounds, *promote)
            agent = next(root.glob("*/agent.py"))
            agent.write_text(agent.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
            rebuild = cli(root, endpoint, *promote, "--rebuild")
    finally:
        server.stop()

    results = {
        "first_deploy_staging_s": first,
        "plan_offline_s": offline,
        "plan_online_s": online,
        "first_promote_s": first_promote,
        "no_change_promote_s": no_change_promote,
        "promote_rebuild_after_change_s": rebuild,
    }
    rows = [
        ["first deploy of staging (baseline: build + create)", f"{first:.3f}", "1.00x"],
        [
            "no-change plan, offline (recorded state)",
            f"{offline['median']:.3f}",
            f"{offline['median'] / first:.2f}x",
        ],
        ["no-change plan, online (moto)", f"{online['median']:.3f}", f"{online['median'] / first:.2f}x"],
        ["promote staging -> prod (creates prod)", f"{first_promote:.3f}", f"{first_promote / first:.2f}x"],
        [
            "promote staging -> prod again (no change)",
            f"{no_change_promote['median']:.3f}",
            f"{no_change_promote['median'] / first:.2f}x",
        ],
        ["promote --rebuild after a code change", f"{rebuild:.3f}", f"{rebuild / first:.2f}x"],
    ]
    targets = {
        "offline plan faster than the online plan": {
            "value": offline["median"] / online["median"],
            "met": offline["median"] < online["median"],
        },
        "first promote faster than the first deploy (no build)": {
            "value": first_promote / first,
            "met": first_promote < first,
        },
    }
    if args.json:
        c.emit_json(
            {
                **c.run_header("environments", info, rounds),
                "results": results,
                "targets": targets,
            }
        )
        return 0
    print(f"environments and promote against moto on {c.HOST} (median of {rounds}; seconds; fresh processes)")
    print(f"machine: {info}\n")
    c.print_table(["measurement", "seconds", "x baseline"], rows)
    print()
    c.print_table(
        ["target", "ratio", "result"],
        [[name, f"{t['value']:.2f}", c.verdict(t["met"])] for name, t in targets.items()],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
