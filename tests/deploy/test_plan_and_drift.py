"""--plan changes nothing; out-of-band deletions are recreated; strangers are never adopted; a plan that
deletes asks first; the region, the lock and the settings are honoured."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from scaffold.deploy.lock import lock_path
from scaffold.deploy.state import load_state, state_path
from scaffold.errors import ExitCode

from .conftest import PROJECT, run_cli, someone_elses_function


def deploy(project, moto, target, *extra):
    return run_cli(["deploy", "-t", target, "--project", str(project.root), *moto.cli_args, *extra])


@pytest.mark.parametrize("target", ["lambda", "agentcore"])
def test_plan_prints_every_step_and_makes_no_mutating_call(project, moto, artifact, calls, target):
    result = deploy(project, moto, target, "--plan")

    assert result.exit_code == 0, result.output
    assert calls.mutating == []
    assert calls.made, "the plan did read what AWS has"
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"Plan to deploy {PROJECT} ({target}, environment dev) in us-east-1, account 123456789012:"
    )
    assert lines[-2].startswith("Artifact: sha256:")  # the digest this plan would deploy
    steps = [line for line in lines[1:-2] if not line.startswith("Note: ")]
    assert steps and all(line.startswith("  + create") for line in steps)
    notes = [line for line in lines[1:-2] if line.startswith("Note: ")]
    assert lines[1 : 1 + len(steps)] == steps  # the notes follow the steps
    assert bool(notes) == (target == "lambda")  # the defaults turn SnapStart on, whose limits are noted
    assert f"scaffold-{PROJECT}-{target}" in result.stdout
    assert not state_path(project.root, target).exists(), "a plan records nothing"
    assert not lock_path(project.root, target).exists()


def test_plan_after_a_code_change_shows_the_update_as_json(project, moto, artifact, calls):
    assert deploy(project, moto, "lambda").exit_code == 0
    artifact.code = "v2"
    calls.clear()

    result = deploy(project, moto, "lambda", "--plan", "--json")

    assert result.exit_code == 0, result.output
    assert calls.mutating == []
    plan = json.loads(result.stdout)
    actions = {step["key"]: (step["action"], step["changes"]) for step in plan["steps"]}
    assert actions["code"] == ("create", [])
    assert actions["function"] == ("update", ["code_sha256"])
    assert actions["alias"] == ("update", ["version"])
    assert actions["role"] == ("unchanged", [])
    assert plan["counts"] == {
        "create": 1,
        "recreate": 0,
        "update": 2,
        "delete": 0,
        "adopt": 0,
        "unchanged": 9,  # with the five alarms
    }


def test_a_role_deleted_out_of_band_is_recreated(project, moto, artifact, calls):
    assert deploy(project, moto, "lambda").exit_code == 0
    iam = moto.client("iam")
    role = f"scaffold-{PROJECT}-lambda"
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    iam.delete_role(RoleName=role)
    calls.clear()

    result = deploy(project, moto, "lambda", "--json")

    assert result.exit_code == 0, result.output
    steps = {step["key"]: step for step in json.loads(result.stdout)["plan"]["steps"]}
    assert steps["role"]["action"] == "recreate"
    assert steps["role"]["reason"] == "missing in AWS: deleted outside scaffold"
    assert calls.mutating == ["CreateRole", "PutRolePolicy"]
    assert iam.get_role_policy(RoleName=role, PolicyName="agent-scaffold-execution")["PolicyDocument"]


def test_a_runtime_deleted_out_of_band_is_recreated_and_its_old_log_group_still_destroyed(
    project, moto, artifact, calls
):
    assert deploy(project, moto, "agentcore").exit_code == 0
    old = load_state(project.root, "agentcore")
    control = moto.client("bedrock-agentcore-control")
    control.delete_agent_runtime(agentRuntimeId=old.resources["runtime"]["id"])
    calls.clear()

    result = deploy(project, moto, "agentcore", "--json")

    assert result.exit_code == 0, result.output
    actions = {step["key"]: step["action"] for step in json.loads(result.stdout)["plan"]["steps"]}
    assert actions["runtime"] == actions["endpoint"] == "recreate"
    assert actions["log_group"] == "create", "the new runtime has a new id, so a new log group"
    assert calls.mutating == [
        "CreateAgentRuntime",
        "CreateAgentRuntimeEndpoint",
        "CreateLogGroup",
        "PutRetentionPolicy",
        *["PutMetricAlarm"] * 4,  # the runtime's alarms follow its new id; the agent's stay as they are
    ]
    new = load_state(project.root, "agentcore")
    assert new.resources["runtime"]["id"] != old.resources["runtime"]["id"]
    assert [rt["agentRuntimeName"] for rt in control.list_agent_runtimes()["agentRuntimes"]] == ["demo_agent"]
    retired = [record for key, record in new.resources.items() if record.get("retired")]
    assert [record["name"] for record in retired] == [old.resources["log_group"]["name"]]

    calls.clear()
    assert deploy(project, moto, "agentcore").exit_code == 0
    assert calls.mutating == [], "a retired record is kept for destroy, never deleted by a deploy"

    assert (
        run_cli(
            ["destroy", "-t", "agentcore", "--project", str(project.root), *moto.cli_args, "-y"]
        ).exit_code
        == 0
    )
    assert moto.client("logs").describe_log_groups()["logGroups"] == []


def test_a_function_with_our_name_that_is_not_ours_is_never_touched(project, moto, artifact, calls):
    role_arn = someone_elses_function(
        moto, PROJECT, role="theirs", bucket="their-code", key="code.zip", body=b"zip"
    )
    calls.clear()

    result = deploy(project, moto, "lambda")

    assert result.exit_code == ExitCode.CONFLICT
    assert (
        f"A lambda_function named {PROJECT} already exists and was not created by scaffold" in result.stderr
    )
    assert calls.mutating == [], "the conflict is found while planning, before any change"
    lam = moto.client("lambda")
    assert lam.get_function(FunctionName=PROJECT)["Configuration"]["Role"] == role_arn


def test_a_plan_that_deletes_needs_yes_when_nobody_can_be_asked(make_project, moto, artifact, calls):
    project = make_project(
        "auth=jwt",
        "jwt_discovery_url=https://issuer.example.com/.well-known/openid-configuration",
        "jwt_allowed_clients=client-a",
    )
    assert deploy(project, moto, "lambda").exit_code == 0
    answers_file = project.root / ".copier-answers.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers["auth"] = "iam"  # the project is re-answered: the URL goes back to AWS_IAM, no public statements
    answers_file.write_text(yaml.safe_dump(answers))
    calls.clear()

    refused = deploy(project, moto, "lambda")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "pass --yes" in refused.stderr
    assert calls.mutating == []

    applied = deploy(project, moto, "lambda", "--yes", "--json")
    assert applied.exit_code == 0, applied.output
    steps = {step["key"]: step for step in json.loads(applied.stdout)["plan"]["steps"]}
    assert steps["url_permission"]["action"] == steps["url_invoke_permission"]["action"] == "delete"
    assert steps["function_url"]["changes"] == ["auth_type"]
    assert sorted(calls.mutating) == sorted(
        [
            "UpdateFunctionConfiguration",
            "PublishVersion",
            "UpdateAlias",
            "UpdateFunctionUrlConfig",
            "RemovePermission",
            "RemovePermission",
        ]
    )
    lam = moto.client("lambda")
    assert lam.get_function_url_config(FunctionName=PROJECT, Qualifier="live")["AuthType"] == "AWS_IAM"
    assert (
        lam.get_function_configuration(FunctionName=PROJECT, Qualifier="live")["Environment"]["Variables"][
            "AGENT_AUTH"
        ]
        == "iam"
    )


def test_another_region_than_the_recorded_one_is_refused(project, moto, artifact, calls):
    assert deploy(project, moto, "lambda").exit_code == 0
    calls.clear()
    result = deploy(project, moto, "lambda", "--region", "eu-west-1")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "lambda is deployed in us-east-1, not eu-west-1: pass --region us-east-1" in result.stderr
    assert calls.mutating == []


def test_a_running_deploy_holds_the_lock_and_a_dead_ones_lock_is_taken_over(project, moto, artifact, calls):
    path = lock_path(project.root, "lambda")
    path.parent.mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path.write_text(json.dumps({"pid": sleeper.pid, "host": os.uname().nodename, "since": "now"}))
        held = deploy(project, moto, "lambda")
        assert held.exit_code == ExitCode.LOCKED
        assert f"Another deploy of lambda is running (pid {sleeper.pid}" in held.stderr
        assert calls.made == [], "nothing is read or written while another deploy runs"
    finally:
        sleeper.kill()
        sleeper.wait()
    taken = deploy(project, moto, "lambda")  # the same lock file, now of a process that is gone
    assert taken.exit_code == 0, taken.output
    assert not path.exists()


def test_settings_in_pyproject_reach_the_function_and_typos_are_refused(project, moto, artifact):
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[tool.scaffold.deploy.lambda]\nmemory_mb = 2048\narchitecture = "x86_64"\n'
        + 'log_retention_days = 14\nenvironment = { AGENT_LOG_LEVEL = "DEBUG" }\n'
    )
    assert deploy(project, moto, "lambda").exit_code == 0
    configuration = moto.client("lambda").get_function_configuration(FunctionName=PROJECT)
    assert configuration["MemorySize"] == 2048 and configuration["Architectures"] == ["x86_64"]
    assert configuration["Environment"]["Variables"]["AGENT_LOG_LEVEL"] == "DEBUG"
    assert artifact.builds[-1] == ("lambda", "x86_64")
    group = moto.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{PROJECT}")["logGroups"][
        0
    ]
    assert group["retentionInDays"] == 14

    pyproject.write_text(pyproject.read_text() + "memory_mib = 1\n")
    typo = deploy(project, moto, "lambda")
    assert typo.exit_code == ExitCode.BAD_INPUT
    assert "Unknown setting(s) memory_mib in [tool.scaffold.deploy.lambda]" in typo.stderr


def test_a_target_the_project_lacks_is_bad_input(make_project, moto, artifact):
    project = make_project("targets=[local,lambda]")
    result = deploy(project, moto, "agentcore")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "was not generated with the 'agentcore' target" in result.stderr


def test_destroy_asks_first_and_finds_what_an_interrupted_deploy_left(project, moto, artifact, fail_at):
    from scaffold.deploy.engine import deploy as engine_deploy
    from scaffold.deploy.progress import Progress

    from .conftest import SimulatedCrash

    with fail_at(8, "after"), pytest.raises(SimulatedCrash):  # CreateFunction done, never recorded
        engine_deploy(project, "lambda", moto.options, progress=Progress(quiet=True))
    assert "function" not in load_state(project.root, "lambda").resources

    refused = run_cli(["destroy", "-t", "lambda", "--project", str(project.root), *moto.cli_args])
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert moto.inventory()["functions"] == [PROJECT]

    done = run_cli(["destroy", "-t", "lambda", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert done.exit_code == 0, done.output
    inventory = moto.inventory()
    assert (
        inventory["functions"] == inventory["roles"] == inventory["buckets"] == inventory["log_groups"] == []
    )
