"""``scaffold logs`` reads the deployed target's CloudWatch log group (events put there with boto3 first),
and every deploy command documents its options and exit codes."""

from __future__ import annotations

import json
import time

import pytest

from scaffold.deploy.engine import deploy
from scaffold.deploy.logs import since_ms
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state
from scaffold.errors import ExitCode

from .conftest import PROJECT, run_cli


def put_events(moto, group, messages, *, start_ms):
    logs = moto.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName="2026/01/01/[$LATEST]abc")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="2026/01/01/[$LATEST]abc",
        logEvents=[{"timestamp": start_ms + i * 1000, "message": m} for i, m in enumerate(messages)],
    )


def test_lambda_logs_are_printed_oldest_first_and_as_json_lines(project, moto, artifact):
    deploy(project, "lambda", moto.options, progress=Progress(quiet=True))
    start = int(time.time() * 1000) - 60_000
    messages = ["START RequestId: 1", '{"status": 200, "target": "lambda"}', "END RequestId: 1"]
    put_events(moto, f"/aws/lambda/{PROJECT}", messages, start_ms=start)
    base = ["logs", "-t", "lambda", "--project", str(project.root), *moto.cli_args]

    text = run_cli(base)
    assert text.exit_code == 0, text.output
    assert [line.split(" ", 1)[1] for line in text.stdout.splitlines()] == messages
    assert text.stdout.splitlines()[0].startswith(time.strftime("%Y-%m-%dT", time.gmtime(start / 1000)))

    as_json = run_cli([*base, "--json", "--limit", "2"])
    assert as_json.exit_code == 0, as_json.output
    events = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [event["message"] for event in events] == messages[1:]
    assert all(
        event["stream"] == "2026/01/01/[$LATEST]abc" and event["timestamp"].endswith("Z") for event in events
    )

    later = run_cli([*base, "--since", "10s"])
    assert later.exit_code == 0 and later.stdout == ""
    assert "No log events in /aws/lambda/demo-agent since" in later.stderr


def test_agentcore_logs_come_from_the_live_endpoints_group(project, moto, artifact):
    deploy(project, "agentcore", moto.options, progress=Progress(quiet=True))
    group = load_state(project.root, "agentcore").resources["log_group"]["name"]
    assert group.startswith("/aws/bedrock-agentcore/runtimes/") and group.endswith("-live")
    put_events(moto, group, ["agent started"], start_ms=int(time.time() * 1000) - 5000)

    result = run_cli(["logs", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["message"] == "agent started"


def test_logs_of_a_target_never_deployed_is_exit_5(project, moto):
    result = run_cli(["logs", "-t", "lambda", "--project", str(project.root), *moto.cli_args])
    assert result.exit_code == 5


def test_since_takes_durations_and_iso_times():
    assert since_ms("90s", now_s=1000.0) == 910_000
    assert since_ms("2h", now_s=10_000.0) == 2_800_000
    assert since_ms("2026-01-01T00:00:00Z") == 1767225600000
    result = run_cli(["logs", "-t", "lambda", "--since", "yesterday"])
    assert result.exit_code == ExitCode.BAD_INPUT


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "deploy",
            ["--target", "--plan", "--offline", "--region", "--profile", "--endpoint-url", "--yes", "--json"],
        ),
        ("status", ["--target", "--region", "--profile", "--endpoint-url", "--json"]),
        ("logs", ["--target", "--since", "--limit", "--filter", "--follow", "--json"]),
        ("destroy", ["--target", "--plan", "--yes", "--json"]),
        ("invoke", ["--url", "--target", "--token", "--session-id", "--endpoint-url"]),
    ],
)
def test_help_lists_the_options_and_exit_codes(command, options):
    result = run_cli([command, "--help"])
    assert result.exit_code == 0
    for option in options:
        assert option in result.stdout
    assert "Exit codes:" in result.stdout
    text = " ".join(result.stdout.split())
    if command in ("status", "logs", "destroy", "invoke"):
        assert "5 not deployed" in text
    if command in ("deploy", "destroy"):
        assert "6 another deploy of this target is running" in text
    else:  # only what takes the deploy lock can find it taken
        assert "6 another deploy" not in text


def test_destroy_of_a_target_never_deployed_is_exit_5(project, moto):
    result = run_cli(["destroy", "-t", "lambda", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert result.exit_code == 5
    assert "run: scaffold deploy --target lambda" in result.stderr


def test_target_may_be_left_out_only_when_one_is_deployable(make_project, moto, artifact):
    only_lambda = make_project("targets=[local,lambda]")
    assert run_cli(["deploy", "--project", str(only_lambda.root), *moto.cli_args]).exit_code == 0
    several = make_project()
    ambiguous = run_cli(["deploy", "--project", str(several.root), *moto.cli_args])
    assert ambiguous.exit_code == ExitCode.BAD_INPUT
    assert "Choose a target with --target agentcore|lambda|fastapi." in ambiguous.stderr
