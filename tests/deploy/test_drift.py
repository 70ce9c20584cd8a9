"""``scaffold status`` reports drift on every property the deploy manages, not only a missing resource:
each property is changed out of band on the moto server, and status must exit 11 naming it; a deploy then
converges it back and status is in sync again."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from scaffold.deploy.state import load_state
from scaffold.errors import ExitCode

from .conftest import PROJECT, Moto, run_cli
from .test_fastapi_lifecycle import (
    IMAGE,
    STACK,
    configure,
    make_network,
    moto_reports_list_parameters_as_aws_does,  # noqa: F401 - autouse fixture
    push_image,
)


def deploy(project, moto, target, *extra):
    return run_cli(["deploy", "-t", target, "--project", str(project.root), *moto.cli_args, *extra])


def status(project, moto, target, *extra):
    return run_cli(["status", "-t", target, "--project", str(project.root), *moto.cli_args, *extra])


def _recorded(project, target: str, key: str) -> dict[str, Any]:
    state = load_state(project.root, target)
    assert state is not None
    return state.resources[key]


def _configure(**changes: Any) -> Callable[[Moto, Any], None]:
    def change(moto: Moto, project: Any) -> None:
        moto.client("lambda").update_function_configuration(FunctionName=PROJECT, **changes)

    return change


def _new_environment(moto: Moto, project: Any) -> None:
    lam = moto.client("lambda")
    variables = lam.get_function_configuration(FunctionName=PROJECT)["Environment"]["Variables"]
    lam.update_function_configuration(
        FunctionName=PROJECT, Environment={"Variables": {**variables, "AGENT_MODEL_PROVIDER": "bedrock"}}
    )


def _url_made_public(moto: Moto, project: Any) -> None:
    moto.client("lambda").update_function_url_config(FunctionName=PROJECT, Qualifier="live", AuthType="NONE")


def _retention_shortened(moto: Moto, project: Any) -> None:
    group = _recorded(project, "lambda", "log_group")["name"]
    moto.client("logs").put_retention_policy(logGroupName=group, retentionInDays=1)


def _policy_widened(moto: Moto, project: Any) -> None:
    role = _recorded(project, "lambda", "role")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    moto.client("iam").put_role_policy(
        RoleName=role["name"], PolicyName=role["policy_name"], PolicyDocument=json.dumps(policy)
    )


def _trust_widened(moto: Moto, project: Any) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    role = _recorded(project, "lambda", "role")["name"]
    moto.client("iam").update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(trust))


@pytest.mark.parametrize(
    ("change", "key", "drifted"),
    [
        (_configure(MemorySize=2048), "function", "memory_mb"),
        (_configure(Timeout=3), "function", "timeout_s"),
        (_configure(Handler="other.handler"), "function", "handler"),
        (_configure(Runtime="python3.11"), "function", "runtime"),
        (_new_environment, "function", "environment"),
        (_url_made_public, "function_url", "auth_type"),
        (_retention_shortened, "log_group", "retention_days"),
        (_policy_widened, "role", "policy"),
        (_trust_widened, "role", "trust_policy"),
    ],
    ids=lambda value: value if isinstance(value, str) else getattr(value, "__name__", None),
)
def test_status_names_a_lambda_property_changed_out_of_band_and_deploy_converges_it(
    project, moto, artifact, change, key, drifted
):
    assert deploy(project, moto, "lambda").exit_code == 0
    in_sync = status(project, moto, "lambda")
    assert in_sync.exit_code == 0, in_sync.output
    assert "in sync" in in_sync.stdout

    change(moto, project)

    text = status(project, moto, "lambda")
    assert text.exit_code == ExitCode.DRIFT, text.output
    assert "NOT in sync" in text.stdout
    assert f"changed outside scaffold: {drifted}" in text.stdout
    report = json.loads(status(project, moto, "lambda", "--json").stdout)
    assert report["in_sync"] is False
    by_key = {resource["key"]: resource for resource in report["resources"]}
    assert by_key[key]["drift"] == [drifted]
    assert all(resource["drift"] == [] for name, resource in by_key.items() if name != key)

    repaired = deploy(project, moto, "lambda", "--json")
    assert repaired.exit_code == 0, repaired.output
    steps = {step["key"]: step for step in json.loads(repaired.stdout)["plan"]["steps"]}
    assert steps[key]["action"] == "update"
    assert drifted in steps[key]["changes"]
    after = status(project, moto, "lambda")
    assert after.exit_code == 0, after.output


def test_status_names_an_agentcore_runtime_setting_changed_out_of_band(project, moto, artifact):
    assert deploy(project, moto, "agentcore").exit_code == 0
    assert status(project, moto, "agentcore").exit_code == 0
    runtime = _recorded(project, "agentcore", "runtime")
    control = moto.client("bedrock-agentcore-control")
    found = control.get_agent_runtime(agentRuntimeId=runtime["id"])
    control.update_agent_runtime(
        agentRuntimeId=runtime["id"],
        agentRuntimeArtifact=found["agentRuntimeArtifact"],
        roleArn=found["roleArn"],
        networkConfiguration=found["networkConfiguration"],
        environmentVariables={**found.get("environmentVariables", {}), "AGENT_GUARDRAILS": "off"},
    )

    report = status(project, moto, "agentcore", "--json")

    assert report.exit_code == ExitCode.DRIFT, report.output
    by_key = {resource["key"]: resource for resource in json.loads(report.stdout)["resources"]}
    assert "environmentVariables" in by_key["runtime"]["drift"]


def test_a_state_recorded_before_drift_tracking_is_judged_on_presence_only(project, moto, artifact):
    """A state file written by an older scaffold has no ``applied`` digests: status must not invent drift."""
    assert deploy(project, moto, "lambda").exit_code == 0
    state = load_state(project.root, "lambda")
    assert state is not None
    for record in state.resources.values():
        record.pop("applied", None)
    state.save()
    _configure(MemorySize=2048)(moto, project)

    assert status(project, moto, "lambda").exit_code == 0


def test_status_names_a_stack_parameter_changed_out_of_band(project, moto):
    network = make_network(moto)
    for tag in ("abc", "def"):
        push_image(moto, "agent", tag)
    configure(project, image=IMAGE, **network.settings())
    assert deploy(project, moto, "fastapi").exit_code == 0
    assert status(project, moto, "fastapi").exit_code == 0

    cloudformation = moto.client("cloudformation")
    stack = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
    cloudformation.update_stack(
        StackName=STACK,
        UsePreviousTemplate=True,
        Parameters=[
            {"ParameterKey": p["ParameterKey"], "ParameterValue": "def"}
            if p["ParameterKey"] == "ImageTag"
            else {"ParameterKey": p["ParameterKey"], "UsePreviousValue": True}
            for p in stack["Parameters"]
        ],
        Capabilities=["CAPABILITY_IAM"],
    )

    report = status(project, moto, "fastapi", "--json")

    assert report.exit_code == ExitCode.DRIFT, report.output
    by_key = {resource["key"]: resource for resource in json.loads(report.stdout)["resources"]}
    assert by_key["stack"]["drift"] == ["ImageTag"]
    repaired = deploy(project, moto, "fastapi", "--json")
    assert repaired.exit_code == 0, repaired.output
    steps = {step["key"]: step for step in json.loads(repaired.stdout)["plan"]["steps"]}
    assert steps["stack"]["action"] == "update" and steps["stack"]["changes"] == ["ImageTag"]
    assert status(project, moto, "fastapi").exit_code == 0
