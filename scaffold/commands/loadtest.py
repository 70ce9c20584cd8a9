"""``scaffold loadtest``: Locust, headless and bounded, against a local server it starts or a running URL."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import click

from ..deploy.cli_options import aws_options, target_option, token_option
from ..deploy.options import AwsOptions
from ..errors import BadInput, ExitCode
from ..targets import SERVER_TARGETS
from ._common import dir_option, file_option, project_option, require_target

EPILOG = """\b
Examples:
  scaffold loadtest                                   # start the agentcore app locally, 10 users, 60 s
  scaffold loadtest --users 50 --spawn-rate 10 --duration 2m
  scaffold loadtest --serve fastapi --max-p95 2000 --max-error-rate 0.01
  scaffold loadtest --url https://agent.example.com --token "$JWT" --json
  scaffold loadtest --target agentcore --users 20     # the deployed runtime, SigV4-signed

\b
Every virtual user has its own identity (a token from a local issuer when the project uses
auth=jwt; SigV4 with your AWS credentials for IAM targets) and its own session, and checks
every answer. The locustfile is the project's
tests/load/locustfile.py (extend it), else the built-in one. Reports (Locust's HTML, CSV, JSON)
go to --out. For more load than one machine makes, run Locust distributed (docs/eval.md)."""

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h)?\s*$")


def parse_duration(raw: str) -> int:
    match = _DURATION.match(raw)
    if not match or int(match.group(1)) <= 0:
        raise BadInput(f"Invalid duration {raw!r}; use seconds or a unit: 30, 45s, 2m, 1h.")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2) or "s"]


@click.command(
    "loadtest", epilog=EPILOG, short_help="Load test the agent with Locust; report latency and errors."
)
@click.option(
    "--users", "-u", type=click.IntRange(1, 10_000), default=10, show_default=True, help="Virtual users."
)
@click.option(
    "--spawn-rate",
    "-r",
    type=click.FloatRange(min=0, min_open=True),
    default=10,
    show_default=True,
    help="Users started per second.",
)
@click.option("--duration", default="60s", show_default=True, metavar="TIME", help="How long: 30, 45s, 2m.")
@click.option("--url", metavar="URL", help="A running server instead of starting one locally.")
@click.option(
    "--serve", "serve_target", type=click.Choice(sorted(SERVER_TARGETS)), help="Which app to start locally."
)
@target_option(help="A deployed target (see scaffold deploy) instead of a local server.")
@token_option("Bearer token for every user (--url, --target)")
@dir_option("--out", "out_dir", help="Report directory.  [default: build/loadtest]")
@file_option("--locustfile", exists=True, help="Another locustfile.")
@click.option(
    "--max-p95", type=click.FloatRange(min=0), metavar="MS", help="Fail when p95 latency is above MS."
)
@click.option(
    "--max-error-rate", type=click.FloatRange(0, 1), metavar="R", help="Fail when errors/requests is above R."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@aws_options
@project_option
def loadtest(
    users: int,
    spawn_rate: float,
    duration: str,
    url: str | None,
    serve_target: str | None,
    target: str | None,
    token: str | None,
    out_dir: Path | None,
    locustfile: Path | None,
    max_p95: float | None,
    max_error_rate: float | None,
    as_json: bool,
    aws: AwsOptions,
    project_dir: Path | None,
) -> None:
    """Put USERS virtual users on the agent for DURATION and report what they saw."""
    from ..loadtest.run import PROJECT_LOCUSTFILE, LoadPlan, builtin_locustfile, text_report
    from ..project import locate_project

    if sum(option is not None for option in (url, serve_target, target)) > 1:
        raise click.UsageError("Give one of --url, --target or --serve.")
    seconds = parse_duration(duration)
    project = locate_project(project_dir)
    out = (out_dir or project.root / "build" / "loadtest").resolve()
    chosen = locustfile or (project.root / PROJECT_LOCUSTFILE)
    plan = LoadPlan(users, spawn_rate, seconds, out, chosen if chosen.is_file() else builtin_locustfile())
    endpoint = None
    if target is not None:  # before any output: a target never deployed is one clear error line
        from ..loadtest.deployed import deployed_endpoint

        endpoint = deployed_endpoint(
            project,
            target,
            region=aws.region,
            endpoint_url=aws.endpoint_url,
            token=token,
            environment=aws.environment,
        )
    if not as_json:
        where = (
            url
            or (target and f"the deployed {target}")
            or f"a local {serve_target or _server_target(project)} server"
        )
        click.echo(
            f"Load testing {where}: {users} users for {seconds} s (locustfile {plan.locustfile})", err=True
        )
    if url is not None:
        report = _against_url(url, plan, token)
    elif target is not None:
        assert endpoint is not None
        report = _against_target(project, endpoint, plan, token, aws.profile)
    else:
        target = serve_target or _server_target(project)
        require_target(project, target)
        report = _against_local_server(project, target, plan)
    if max_p95 is not None and report.p95_ms > max_p95:
        report.violations.append(f"p95 latency {report.p95_ms:g} ms is above --max-p95 {max_p95:g} ms")
    if max_error_rate is not None and report.error_rate > max_error_rate:
        report.violations.append(
            f"error rate {report.error_rate:.4f} is above --max-error-rate {max_error_rate:g}"
        )
    if report.turns_lost:
        report.violations.append(f"{report.turns_lost} turn(s) missing from the session history")
    if report.requests == 0:
        report.violations.append("no request completed")
    (out / "report.json").write_text(json.dumps(report.to_dict(), indent=2), encoding="utf-8")
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else text_report(report))
    if report.violations:
        raise click.exceptions.Exit(ExitCode.FAILURE)


def _server_target(project: Any) -> str:
    candidates = [name for name in project.targets if name in SERVER_TARGETS]
    if not candidates:
        raise BadInput(f"{project.project_name} has no server target (agentcore, fastapi); use --url URL.")
    return "agentcore" if "agentcore" in candidates else candidates[0]


def _locust_env(plan: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOADTEST_")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **extra)
    env["LOADTEST_TURNS_FILE"] = str(plan.out_dir / "turns.json")
    return env


def _against_url(url: str, plan: Any, token: str | None) -> Any:
    from urllib.parse import urlsplit

    from ..invoke_client import invocation_url
    from ..loadtest.run import read_turns, run_locust

    full = urlsplit(invocation_url(url))
    extra = {"LOADTEST_PATH": full.path}
    if token:
        extra["LOADTEST_TOKENS_FILE"] = str(_token_file(plan, token))
    report = run_locust(f"{full.scheme}://{full.netloc}", plan, _locust_env(plan, **extra))
    turns = read_turns(plan.out_dir / "turns.json")
    report.sessions, report.turns_completed = len(turns), sum(turns.values())
    return report


def _against_target(project: Any, endpoint: Any, plan: Any, token: str | None, profile: str | None) -> Any:
    from ..loadtest.run import read_turns, run_locust

    exact = str(project.answers.get("model_provider", "")) == "offline"
    extra = {"LOADTEST_PATH": endpoint.path, "LOADTEST_EXACT": "1" if exact else "0"}
    if profile:
        extra["AWS_PROFILE"] = profile
    if endpoint.sigv4 is not None:
        extra["LOADTEST_SIGV4"] = ":".join(endpoint.sigv4)
    if token:
        extra["LOADTEST_TOKENS_FILE"] = str(_token_file(plan, token))
    report = run_locust(endpoint.host, plan, _locust_env(plan, **extra))
    turns = read_turns(plan.out_dir / "turns.json")
    report.sessions, report.turns_completed = len(turns), sum(turns.values())
    return report


def _token_file(plan: Any, token: str) -> Path:
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    tokens: Path = plan.out_dir / "tokens.txt"
    tokens.write_text(token + "\n", encoding="utf-8")
    tokens.chmod(0o600)
    return tokens


def _against_local_server(project: Any, target: str, plan: Any) -> Any:
    import contextlib

    from ..loadtest.issuer import started_issuer, trusting_env, user_tokens
    from ..loadtest.run import read_turns, run_locust
    from ..loadtest.server import local_server, stored_turns

    provider = (os.environ.get("AGENT_MODEL_PROVIDER") or project.model_provider or "offline").strip().lower()
    extra = {"LOADTEST_EXACT": "1" if provider == "offline" else "0"}
    server_env: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        if str(project.answers.get("auth", "none")) == "jwt" or os.environ.get("AGENT_AUTH") == "jwt":
            issuer = started_issuer()
            stack.callback(issuer.stop)
            server_env.update(trusting_env(issuer))
            plan.out_dir.mkdir(parents=True, exist_ok=True)
            tokens = plan.out_dir / "tokens.txt"
            tokens.write_text("\n".join(user_tokens(issuer, plan.users)) + "\n", encoding="utf-8")
            tokens.chmod(0o600)
            extra["LOADTEST_TOKENS_FILE"] = str(tokens)
        elif str(project.answers.get("auth", "none")) == "iam":
            server_env["AGENT_AUTH"] = (
                "none"  # no SigV4 front door locally; each user still has its own session
            )
        server = stack.enter_context(local_server(project, target, server_env, plan.out_dir / "server.log"))
        before = server.rss_bytes()
        report = run_locust(server.url, plan, _locust_env(plan, **extra))
        after = server.rss_bytes()
        turns = read_turns(plan.out_dir / "turns.json")
        report.sessions, report.turns_completed = len(turns), sum(turns.values())
        report.turns_lost = sum(
            max(0, done - stored_turns(server.session_dir, sid)) for sid, done in turns.items()
        )
        report.rss_before_mb = None if before is None else round(before / 2**20, 1)
        report.rss_after_mb = None if after is None else round(after / 2**20, 1)
    return report
