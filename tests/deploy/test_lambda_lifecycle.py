"""The Lambda target end to end through the CLI against moto: deploy, status, a no-change redeploy (zero
mutating calls), a code change (one function update plus the upload), destroy (nothing left, nothing else
touched)."""

from __future__ import annotations

import json

from scaffold.deploy.errors import ExitCode
from scaffold.deploy.state import state_path

from .conftest import PROJECT, run_cli, someone_elses_function
from .sequences import LAMBDA_ALARMS, LAMBDA_FIRST

FIRST_DEPLOY = [*LAMBDA_FIRST, "CreateFunctionUrlConfig", *LAMBDA_ALARMS]


def deploy(project, moto, *extra):
    return run_cli(["deploy", "--target", "lambda", "--project", str(project.root), *moto.cli_args, *extra])


def test_deploy_then_status_then_no_change_then_code_change_then_destroy(project, moto, artifact, calls):
    unrelated = _unrelated_resources(moto)

    first = deploy(project, moto, "--json")
    assert first.exit_code == 0, first.output
    assert calls.mutating == FIRST_DEPLOY
    outcome = json.loads(first.stdout)
    assert outcome["applied"] and outcome["plan"]["counts"]["create"] == 12
    assert outcome["outputs"]["function_url"].startswith("https://")
    assert outcome["outputs"]["version"] == "1"

    lam = moto.client("lambda")
    function = lam.get_function(FunctionName=PROJECT)
    configuration = function["Configuration"]
    assert configuration["Architectures"] == ["arm64"]
    assert configuration["Runtime"] == "python3.12"
    assert configuration["Handler"] == "demo_agent.entrypoints.lambda_handler.handler"
    environment = configuration["Environment"]["Variables"]
    assert environment["AGENT_RUNTIME"] == "lambda"
    assert environment["AGENT_MODEL_PROVIDER"] == "offline"
    assert environment["AGENT_MEMORY"] == "file"
    assert lam.get_alias(FunctionName=PROJECT, Name="live")["FunctionVersion"] == "1"
    assert lam.get_function_url_config(FunctionName=PROJECT, Qualifier="live")["AuthType"] == "AWS_IAM"
    groups = moto.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{PROJECT}")["logGroups"]
    assert [group["retentionInDays"] for group in groups] == [30]

    calls.clear()
    status = run_cli(
        ["status", "--target", "lambda", "--project", str(project.root), *moto.cli_args, "--json"]
    )
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert report["in_sync"] and all(resource["exists"] for resource in report["resources"])
    assert calls.mutating == []

    calls.clear()
    again = deploy(project, moto)
    assert again.exit_code == 0, again.output
    assert calls.mutating == [], "a no-change redeploy must not change anything"
    assert "0 created, 0 updated, 0 deleted, 12 unchanged" in again.stdout

    artifact.code = "v2"
    calls.clear()
    changed = deploy(project, moto, "--json")
    assert changed.exit_code == 0, changed.output
    assert calls.mutating == ["PutObject", "UpdateFunctionCode", "UpdateAlias"]
    steps = {step["key"]: step for step in json.loads(changed.stdout)["plan"]["steps"]}
    assert steps["function"]["action"] == "update" and steps["function"]["changes"] == ["code_sha256"]
    assert lam.get_alias(FunctionName=PROJECT, Name="live")["FunctionVersion"] == "2"

    calls.clear()
    gone = run_cli(["destroy", "--target", "lambda", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert gone.exit_code == 0, gone.output
    assert not state_path(project.root, "lambda").exists()
    assert moto.inventory() == unrelated, "destroy removes what it made and nothing else"


def test_status_of_a_target_never_deployed_is_exit_5(project, moto):
    result = run_cli(
        ["status", "--target", "lambda", "--project", str(project.root), *moto.cli_args, "--json"]
    )
    assert result.exit_code == ExitCode.NOT_DEPLOYED
    assert json.loads(result.stdout) == {"project": PROJECT, "target": "lambda", "deployed": False}


def test_status_reports_drift_with_exit_11_and_deploy_repairs_it(project, moto, artifact, calls):
    assert deploy(project, moto).exit_code == 0
    moto.client("lambda").delete_function(FunctionName=PROJECT)

    status = run_cli(["status", "--target", "lambda", "--project", str(project.root), *moto.cli_args])
    assert status.exit_code == ExitCode.DRIFT
    assert "NOT in sync" in status.stdout

    calls.clear()
    repaired = deploy(project, moto, "--json")
    assert repaired.exit_code == 0, repaired.output
    actions = {step["key"]: step["action"] for step in json.loads(repaired.stdout)["plan"]["steps"]}
    assert actions["function"] == actions["alias"] == actions["function_url"] == "recreate"
    assert actions["role"] == actions["bucket"] == "unchanged"
    assert calls.mutating == ["CreateFunction", "CreateAlias", "CreateFunctionUrlConfig"]
    again = run_cli(["status", "--target", "lambda", "--project", str(project.root), *moto.cli_args])
    assert again.exit_code == 0, again.output


def _unrelated_resources(moto):
    """Things in the same account that scaffold must never touch, including a same-prefix bucket key."""
    someone_elses_function(
        moto,
        "someone-elses-function",
        role="someone-elses-role",
        bucket="someone-elses-bucket",
        key=f"{PROJECT}/lambda/keep.txt",
        body=b"mine",
    )
    moto.client("logs").create_log_group(logGroupName="/aws/lambda/someone-elses-function")
    return moto.inventory()
