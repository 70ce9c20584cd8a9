"""CloudWatch alarms per environment against moto: a deploy creates them with the environment's thresholds
and topic, a threshold change updates only that alarm, ``enabled = false`` deletes them (after
confirmation), destroy removes them, and an alarm someone else made under the same name is never adopted."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from scaffold.deploy.engine import deploy, destroy
from scaffold.deploy.errors import ResourceConflict
from scaffold.errors import BadInput
from scaffold.project import Project

from .conftest import PROJECT

TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall"
LAMBDA_SUFFIXES = ("errors", "throttles", "latency-p90", "tool-errors", "tokens")


def write_environments(project: Project, alarms: str, *, retention: int = 90) -> None:
    (project.root / "environments.toml").write_text(
        f"""
[environments.staging]
region = "us-east-1"
log_retention_days = {retention}
[environments.staging.alarms]
{alarms}
""",
        encoding="utf-8",
    )


def alarms_by_name(moto: Any) -> dict[str, dict[str, Any]]:
    found = moto.client("cloudwatch").describe_alarms()["MetricAlarms"]
    return {alarm["AlarmName"]: alarm for alarm in found}


def dimensions(alarm: dict[str, Any]) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in alarm["Dimensions"]}


def test_lambda_alarms_follow_the_environment_through_update_disable_and_destroy(
    project: Project, moto: Any, artifact: Any, calls: Any
) -> None:
    options = dataclasses.replace(moto.options, environment="staging")
    base = (
        f'topic_arn = "{TOPIC}"\nerror_threshold = 3\nlatency_p90_ms = 20000\nperiod_s = 120\n'
        "evaluation_periods = 2\ntokens_per_request = 1000\n"
    )
    write_environments(project, base)

    first = deploy(project, "lambda", options)
    assert first.applied
    alarms = alarms_by_name(moto)
    function = f"{PROJECT}-staging"
    assert set(alarms) == {f"{function}-{suffix}" for suffix in LAMBDA_SUFFIXES}
    errors = alarms[f"{function}-errors"]
    assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert dimensions(errors) == {"FunctionName": function, "Resource": f"{function}:live"}
    assert (errors["Threshold"], errors["Period"], errors["EvaluationPeriods"]) == (3.0, 120, 2)
    assert errors["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert (errors["AlarmActions"], errors["TreatMissingData"]) == ([TOPIC], "notBreaching")
    latency = alarms[f"{function}-latency-p90"]
    assert (latency["ExtendedStatistic"], latency["Threshold"]) == ("p90", 20000.0)
    tokens = alarms[f"{function}-tokens"]
    assert (tokens["Namespace"], tokens["MetricName"], tokens["Statistic"]) == (
        "AgentScaffold",
        "TotalTokens",
        "Average",
    )
    assert dimensions(tokens) == {"service": PROJECT, "environment": "staging"}
    assert tokens["Threshold"] == 1000.0
    cloudwatch = moto.client("cloudwatch")
    tags = {
        t["Key"]: t["Value"]
        for t in cloudwatch.list_tags_for_resource(ResourceARN=errors["AlarmArn"])["Tags"]
    }
    assert tags["agent-scaffold:environment"] == "staging" and tags["agent-scaffold:target"] == "lambda"
    # What the alarms watch is what the function reports: its environment names the metrics' dimensions.
    variables = moto.client("lambda").get_function_configuration(FunctionName=function)["Environment"][
        "Variables"
    ]
    assert (variables["AGENT_ENVIRONMENT"], variables["AGENT_METRICS"]) == ("staging", "emf")
    (group,) = moto.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{function}")[
        "logGroups"
    ]
    assert group["retentionInDays"] == 90

    calls.clear()
    write_environments(project, base.replace("error_threshold = 3", "error_threshold = 7"))
    changed = deploy(project, "lambda", options)
    steps = {step.key: step for step in changed.plan.changes}
    assert list(steps) == ["alarm_errors"] and "threshold" in steps["alarm_errors"].changes
    assert calls.mutating == ["PutMetricAlarm"]
    assert alarms_by_name(moto)[f"{function}-errors"]["Threshold"] == 7.0

    write_environments(project, base + "enabled = false\n")
    with pytest.raises(BadInput, match="deletes resources"):
        deploy(project, "lambda", options)  # deleting needs consent (--yes)
    assert len(alarms_by_name(moto)) == 5
    calls.clear()
    disabled = deploy(project, "lambda", options, confirm=lambda plan: True)
    assert [step.key for step in disabled.plan.changes] == [
        f"alarm_{suffix.replace('-', '_')}" for suffix in reversed(LAMBDA_SUFFIXES)
    ]
    assert calls.mutating == ["DeleteAlarms"] * 5
    assert alarms_by_name(moto) == {}

    write_environments(project, base)
    deploy(project, "lambda", options)
    assert len(alarms_by_name(moto)) == 5
    gone = destroy(project, "lambda", options, confirm=lambda plan: True)
    assert gone.applied and alarms_by_name(moto) == {}


def test_agentcore_alarms_watch_the_runtime_endpoint_with_the_default_thresholds(
    project: Project, moto: Any, artifact: Any
) -> None:
    outcome = deploy(project, "agentcore", moto.options)  # no environments.toml: dev, AlarmSettings()
    alarms = alarms_by_name(moto)
    runtime = "demo_agent"
    assert set(alarms) == {
        f"{runtime}-{suffix}"
        for suffix in ("errors", "user-errors", "throttles", "latency-p90", "tool-errors", "tokens")
    }
    errors = alarms[f"{runtime}-errors"]
    arn = f"arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/{outcome.outputs['runtime_id']}"
    assert (errors["Namespace"], errors["MetricName"]) == ("AWS/Bedrock-AgentCore", "SystemErrors")
    assert dimensions(errors) == {
        "Operation": "InvokeAgentRuntime",
        "Name": f"{runtime}::live",
        "Resource": arn,
    }
    assert (errors["Threshold"], errors["Period"], errors["EvaluationPeriods"]) == (1.0, 300, 1)
    assert "AlarmActions" not in errors or errors["AlarmActions"] == []  # no topic: state changes only
    assert alarms[f"{runtime}-latency-p90"]["Threshold"] == 60000.0
    assert dimensions(alarms[f"{runtime}-tool-errors"]) == {"service": PROJECT, "environment": "dev"}
    assert alarms[f"{runtime}-tool-errors"]["Threshold"] == 5.0

    destroy(project, "agentcore", moto.options, confirm=lambda plan: True)
    assert alarms_by_name(moto) == {}


def test_an_alarm_someone_else_made_under_the_name_is_never_adopted(
    project: Project, moto: Any, artifact: Any
) -> None:
    moto.client("cloudwatch").put_metric_alarm(
        AlarmName=f"{PROJECT}-errors",
        Namespace="Team/Other",
        MetricName="Failures",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    with pytest.raises(ResourceConflict, match=f"{PROJECT}-errors"):
        deploy(project, "lambda", moto.options)
    assert alarms_by_name(moto)[f"{PROJECT}-errors"]["Namespace"] == "Team/Other"


def test_a_bad_alarm_setting_is_one_line_naming_the_key(project: Project, moto: Any) -> None:
    write_environments(project, "period_s = 90\n")
    options = dataclasses.replace(moto.options, environment="staging")
    with pytest.raises(BadInput, match=r"environments\.staging\.alarms\.period_s: must be a multiple of 60"):
        deploy(project, "lambda", options)
    write_environments(project, 'topic_arn = "oncall"\n')
    with pytest.raises(BadInput, match=r"environments\.staging\.alarms\.topic_arn: must be an SNS topic ARN"):
        deploy(project, "lambda", options)
