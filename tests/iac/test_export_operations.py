"""What an environment gives the exported templates: log retention, ``AGENT_ENVIRONMENT`` and the CloudWatch
alarms of the target and of the agent's own metrics, with its thresholds and topic; without one, the
defaults (``AlarmSettings()``, 30 days, ``dev``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffold.environments.settings import load_all
from scaffold.iac.cloudformation import build_template
from scaffold.packaging.cloudformation import export

from .support import SHA, artifact_for, make_project, prod_environment

TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall"
ALARMS = {
    "lambda": ["AlarmErrors", "AlarmThrottles", "AlarmLatencyP90", "AlarmToolErrors", "AlarmTokens"],
    "agentcore": [
        "AlarmErrors",
        "AlarmUserErrors",
        "AlarmThrottles",
        "AlarmLatencyP90",
        "AlarmToolErrors",
        "AlarmTokens",
    ],
    "fastapi": [
        "AlarmErrors",
        "AlarmLbErrors",
        "AlarmThrottles",
        "AlarmLatencyP90",
        "AlarmToolErrors",
        "AlarmTokens",
    ],
}


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def dimensions(alarm: dict[str, Any]) -> dict[str, Any]:
    return {item["Name"]: item["Value"] for item in alarm["Dimensions"]}


def agent_variables(template: dict[str, Any], target: str) -> dict[str, Any]:
    resources = template["Resources"]
    if target == "lambda":
        return dict(resources["Function"]["Properties"]["Environment"]["Variables"])
    if target == "agentcore":
        return dict(resources["Runtime"]["Properties"]["EnvironmentVariables"])
    container = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    return {item["Name"]: item["Value"] for item in container["Environment"]}


@pytest.mark.parametrize("target", sorted(ALARMS))
def test_an_environment_gives_its_alarms_thresholds_and_topic(target: str) -> None:
    body = build_template(make_project(), target, artifact_for(target), environment=prod_environment()).body()
    found = alarms(body)
    assert list(found) == ALARMS[target]
    for alarm in found.values():
        assert alarm["AlarmActions"] == [TOPIC]
        assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["TreatMissingData"]) == (
            300,
            1,
            "notBreaching",
        )
    suffix = found["AlarmErrors"]["AlarmName"]["Fn::Sub"]
    assert suffix == "${AWS::StackName}-errors"  # one template, as many stacks as you like
    assert found["AlarmErrors"]["Threshold"] == 5
    assert found["AlarmTokens"]["Threshold"] == 20_000 and found["AlarmTokens"]["Statistic"] == "Average"
    assert dimensions(found["AlarmToolErrors"]) == {"service": "demo-agent", "environment": "prod"}
    assert found["AlarmLatencyP90"]["ExtendedStatistic"] == "p90"
    variables = agent_variables(body, target)
    assert (variables["AGENT_ENVIRONMENT"], variables["AGENT_METRICS"]) == ("prod", "emf")


def test_each_target_watches_its_own_platform_metrics() -> None:
    lam = alarms(build_template(make_project(), "lambda", artifact_for("lambda")).body())
    assert (lam["AlarmErrors"]["Namespace"], lam["AlarmErrors"]["MetricName"]) == ("AWS/Lambda", "Errors")
    assert dimensions(lam["AlarmErrors"]) == {
        "FunctionName": {"Ref": "Function"},
        "Resource": {"Fn::Sub": "${Function}:live"},
    }
    assert lam["AlarmLatencyP90"]["Threshold"] == 60_000  # milliseconds, AlarmSettings() default

    core = alarms(build_template(make_project(), "agentcore", artifact_for("agentcore")).body())
    assert core["AlarmErrors"]["Namespace"] == "AWS/Bedrock-AgentCore"
    assert dimensions(core["AlarmErrors"]) == {
        "Operation": "InvokeAgentRuntime",
        "Name": {"Fn::Sub": "${RuntimeName}::DEFAULT"},
        "Resource": {"Fn::GetAtt": ["Runtime", "AgentRuntimeArn"]},
    }
    assert core["AlarmUserErrors"]["MetricName"] == "UserErrors"

    web = alarms(build_template(make_project(), "fastapi", artifact_for("fastapi")).body())
    assert web["AlarmErrors"]["MetricName"] == "HTTPCode_Target_5XX_Count"
    assert dimensions(web["AlarmErrors"]) == {
        "LoadBalancer": {"Fn::GetAtt": ["LoadBalancer", "LoadBalancerFullName"]},
        "TargetGroup": {"Fn::GetAtt": ["TargetGroup", "TargetGroupFullName"]},
    }
    assert web["AlarmThrottles"]["MetricName"] == "RejectedConnectionCount"
    assert web["AlarmLatencyP90"]["Threshold"] == 60.0  # TargetResponseTime is in seconds


def test_without_an_environment_the_defaults_and_no_topic() -> None:
    body = build_template(make_project(), "lambda", artifact_for("lambda")).body()
    assert all("AlarmActions" not in alarm for alarm in alarms(body).values())
    assert alarms(body)["AlarmErrors"]["Threshold"] == 1
    assert body["Parameters"]["LogRetentionDays"]["Default"] == 30
    assert agent_variables(body, "lambda")["AGENT_ENVIRONMENT"] == "dev"


@pytest.mark.parametrize("target", ["lambda", "fastapi"])
def test_the_environments_log_retention_is_the_default(target: str) -> None:
    body = build_template(make_project(), target, artifact_for(target), environment=prod_environment()).body()
    assert body["Parameters"]["LogRetentionDays"]["Default"] == 365


def test_alarms_off_in_an_environment_means_none_in_its_template() -> None:
    environment = prod_environment(enabled=False)
    for target in ALARMS:
        assert (
            alarms(
                build_template(make_project(), target, artifact_for(target), environment=environment).body()
            )
            == {}
        )


def test_the_package_export_passes_the_environment_through(tmp_path: Path) -> None:
    written = export(
        make_project(), "lambda", tmp_path, artifact_for("lambda"), environment=prod_environment()
    )
    template = json.loads(written[0].read_text())
    assert alarms(template)["AlarmErrors"]["AlarmActions"] == [TOPIC]
    assert json.loads(written[1].read_text()) == [
        {"ParameterKey": "CodeKey", "ParameterValue": f"demo-agent/lambda/{SHA}.zip"}
    ]


def test_the_example_in_the_operations_page_is_a_valid_environments_file(tmp_path: Path) -> None:
    page = (Path(__file__).parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "environments.toml").write_text(example, encoding="utf-8")
    environments = load_all(tmp_path)
    assert environments is not None
    assert environments["prod"].alarms.topic_arn == TOPIC
    assert (environments["prod"].alarms.error_threshold, environments["prod"].log_retention_days) == (5, 365)
    assert environments["dev"].alarms.enabled is False
    assert environments["dev"].region == "eu-west-1"  # from [defaults]
