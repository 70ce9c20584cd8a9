"""``scaffold eval``: run the project's eval sets (``evals/*.yaml``) on the core, a server or a target."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import click

from ..deploy.cli_options import aws_options, target_option, token_option
from ..deploy.options import AwsOptions
from ..errors import BadInput, ExitCode, ScaffoldError
from ._common import file_option, project_option

EPILOG = """\b
Examples:
  scaffold eval                                  # every evals/*.yaml, on the core in this process
  scaffold eval smoke                            # one set (evals/smoke.yaml)
  scaffold eval --url :8080                      # the same cases against scaffold serve
  scaffold eval --target agentcore               # ... against the deployed target
  scaffold eval --json > baseline.json           # keep a run to compare with
  scaffold eval --baseline baseline.json         # what regressed (pass rate, tokens, latency)
  scaffold eval --junit reports/evals.xml        # for CI

\b
Output, tool trajectory and limit checks always run. Judge rubrics run only on a real model
(AGENT_MODEL_PROVIDER other than offline) and are reported as "not run (offline)" otherwise.
Fault cases (faults: {tool: error|timeout}) run only in process."""


@click.command("eval", epilog=EPILOG, short_help="Run the eval sets (evals/*.yaml) and report what passed.")
@click.argument("sets", nargs=-1, metavar="[SET]...")
@click.option("--url", "-u", metavar="URL", help="A running server instead of the core in process.")
@target_option(help="A deployed target instead of the core in process (see scaffold deploy).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON document.")
@file_option("--junit", "junit_path", help="Write a JUnit XML report.")
@file_option("--baseline", exists=True, help="Compare with an earlier --json run and fail on regressions.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Cases run at once."
)
@token_option("Bearer token for auth=jwt servers")
@aws_options
@project_option
def eval_command(
    sets: tuple[str, ...],
    url: str | None,
    target: str | None,
    as_json: bool,
    junit_path: Path | None,
    baseline: Path | None,
    workers: int,
    token: str | None,
    aws: AwsOptions,
    project_dir: Path | None,
) -> None:
    """Run the eval cases of SET (names under evals/, or paths; default: all of them)."""
    from agent_scaffold_runtime.evals import EvalSetError, discover_sets, load_sets, run_cases

    from ..evals import report
    from ..project import locate_project

    if url is not None and target is not None:
        raise click.UsageError("Give --url or --target, not both.")
    project = locate_project(project_dir)
    try:
        cases = load_sets(discover_sets(project.root, sets))
    except EvalSetError as exc:
        raise BadInput(str(exc)) from None
    runner = _runner(project, url, target, token, aws)
    old = report.load_baseline(baseline) if baseline else None
    if not as_json:
        click.echo(f"Running {len(cases)} case(s) against {runner.label}", err=True)

    finished = itertools.count(1)  # next() is atomic: cases may finish on several worker threads

    def progress(name: str) -> None:
        number = next(finished)
        if not as_json:
            click.echo(f"  [{number}/{len(cases)}] {name}", err=True)

    results = run_cases(cases, runner, judge_model=_judge_model(project), workers=workers, on_ran=progress)
    errors = {r.error for r in results if r.status == "error"}
    if len(errors) == 1 and all(r.status in ("error", "skipped") for r in results):
        raise ScaffoldError(errors.pop())  # the same failure everywhere (no server, no credentials): one line
    if junit_path is not None:
        report.write_junit(results, junit_path, runner.label)
    regressions = report.compare(results, old) if old is not None else []
    if as_json:
        document = report.document(results, runner.label)
        if old is not None:
            document["regressions"] = [r.__dict__ for r in regressions]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(report.table(results))
        if old is not None:
            click.echo(report.regressions_text(regressions))
    failed = any(r.status in ("fail", "error") for r in results) or any(r.blocking for r in regressions)
    if failed:
        raise click.exceptions.Exit(ExitCode.FAILURE)


def _runner(
    project: Any,
    url: str | None,
    target: str | None,
    token: str | None,
    aws: AwsOptions,
) -> Any:
    from ..evals.runners import DeployedRunner, HttpRunner, core_runner

    if url is not None:
        return HttpRunner(url, token=token)
    if target is not None:
        return DeployedRunner(project, target, aws, token)
    return core_runner(project)


def _judge_model(project: Any) -> Any | None:
    """The project's model when it is a real one (AGENT_MODEL_PROVIDER, else the project's answer)."""
    provider = (os.environ.get("AGENT_MODEL_PROVIDER") or project.model_provider or "offline").strip().lower()
    if provider == "offline":
        return None
    model_id = (os.environ.get("AGENT_MODEL_ID") or str(project.answers.get("model_id") or "")).strip()
    from agent_scaffold_runtime.models import build_model

    try:
        return build_model(provider, model_id)
    except (ValueError, ImportError) as exc:
        raise BadInput(f"Cannot build the judge model ({provider}): {exc}") from None
    except Exception as exc:  # a provider SDK refusing its configuration (no key, bad region)
        raise ScaffoldError(f"Cannot build the judge model ({provider}): {exc}") from None
