"""The CloudWatch alarms of every target, defined once for the deployers and the CloudFormation export.

Each target gets alarms on what its platform measures (errors, throttles, p90 latency) and on the agent's
own metrics, which the runtime writes as CloudWatch Embedded Metric Format lines (``AGENT_METRICS=emf``,
see ``agent_scaffold_runtime.telemetry.metrics``): tool errors per period and tokens per request. The
thresholds come from the environment's ``[environments.NAME.alarms]`` (``AlarmSettings``).

An ``AlarmSpec`` is plain data with its dimension values left to the caller: the deployers pass names and
``Ref``s to what they created, the templates pass ``Ref``/``Fn::GetAtt``. ``suffix`` names the alarm after
the resource it watches (``<function>-errors``); every alarm treats missing data as not breaching, since a
target that serves no requests has no errors.

The metric names and dimensions are the services' own:

* Lambda (``AWS/Lambda``): ``Errors``, ``Throttles``, ``Duration`` on ``FunctionName`` and ``Resource``
  (``function:alias``), so only the alias callers use is watched.
* AgentCore Runtime (``AWS/Bedrock-AgentCore``): ``SystemErrors``, ``UserErrors``, ``Throttles``,
  ``Latency`` on ``Operation=InvokeAgentRuntime``, ``Name=<runtime name>::<endpoint>`` and ``Resource`` (the
  runtime ARN).
* Application Load Balancer (``AWS/ApplicationELB``): ``HTTPCode_Target_5XX_Count`` and
  ``HTTPCode_ELB_5XX_Count`` (the load balancer's own 502/503/504, when no task answers),
  ``TargetResponseTime`` (seconds) and ``RejectedConnectionCount`` (the load balancer at its connection
  limit: its throttle).
* The agent (``AgentScaffold``): ``ToolErrors`` and ``TotalTokens`` on ``service`` (the project) and
  ``environment`` (Powertools' EMF dimension names).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..environments.settings import DEFAULT_ENVIRONMENT, AlarmSettings, Environment

AGENT_NAMESPACE = "AgentScaffold"  # the runtime's EMF namespace (agent_scaffold_runtime.telemetry.metrics)
AGENTCORE_OPERATION = "InvokeAgentRuntime"
GREATER_OR_EQUAL = "GreaterThanOrEqualToThreshold"
GREATER = "GreaterThanThreshold"
NOT_BREACHING = "notBreaching"


@dataclass(frozen=True)
class AlarmSpec:
    suffix: str  # the alarm is named <watched resource>-<suffix>
    summary: str  # what crossing the threshold means, for the alarm's description
    namespace: str
    metric_name: str
    dimensions: Mapping[str, Any]  # values: names, or the caller's refs to what it creates
    statistic: str  # Sum, Average, or a percentile (p90: CloudWatch's ExtendedStatistic)
    threshold: float
    comparison: str = GREATER_OR_EQUAL

    @property
    def extended(self) -> bool:
        return self.statistic.startswith("p")

    def description(self, settings: AlarmSettings) -> str:
        minutes = settings.period_s // 60
        periods = settings.evaluation_periods
        window = f"{periods} period(s) of {minutes} min" if periods > 1 else f"{minutes} min"
        return f"{self.summary} ({self.statistic} {self.threshold:g} in {window}; agent-scaffold)"


def alarm_settings(environment: Environment | None) -> AlarmSettings:
    """The environment's alarm settings; ``AlarmSettings()``'s defaults without one (a plain export)."""
    return environment.settings.alarms if environment is not None else AlarmSettings()


def environment_name(environment: Environment | None) -> str:
    return environment.name if environment is not None else DEFAULT_ENVIRONMENT


def lambda_alarms(settings: AlarmSettings, *, function: Any, alias_resource: Any) -> list[AlarmSpec]:
    """``alias_resource``: ``<function>:<alias>``, Lambda's ``Resource`` dimension for the alias."""
    dimensions = {"FunctionName": function, "Resource": alias_resource}
    return [
        AlarmSpec("errors", "The function's invocations failed", "AWS/Lambda", "Errors", dimensions,
                  "Sum", settings.error_threshold),
        AlarmSpec("throttles", "Lambda throttled invocations", "AWS/Lambda", "Throttles", dimensions,
                  "Sum", settings.throttle_threshold),
        AlarmSpec("latency-p90", "Slow invocations (milliseconds)", "AWS/Lambda", "Duration", dimensions,
                  "p90", settings.latency_p90_ms, GREATER),
    ]  # fmt: skip


def agentcore_alarms(settings: AlarmSettings, *, endpoint_name: Any, runtime_arn: Any) -> list[AlarmSpec]:
    """``endpoint_name``: ``<runtime name>::<endpoint name>``, AgentCore's ``Name`` dimension."""
    namespace = "AWS/Bedrock-AgentCore"
    dimensions = {"Operation": AGENTCORE_OPERATION, "Name": endpoint_name, "Resource": runtime_arn}
    return [
        AlarmSpec("errors", "AgentCore answered with server errors", namespace, "SystemErrors", dimensions,
                  "Sum", settings.error_threshold),
        AlarmSpec("user-errors", "AgentCore refused requests (client errors)", namespace, "UserErrors",
                  dimensions, "Sum", settings.error_threshold),
        AlarmSpec("throttles", "AgentCore throttled requests", namespace, "Throttles", dimensions, "Sum",
                  settings.throttle_threshold),
        AlarmSpec("latency-p90", "Slow requests (milliseconds)", namespace, "Latency", dimensions, "p90",
                  settings.latency_p90_ms, GREATER),
    ]  # fmt: skip


def load_balancer_alarms(
    settings: AlarmSettings, *, load_balancer: Any, target_group: Any
) -> list[AlarmSpec]:
    """``load_balancer``/``target_group``: their ``LoadBalancerFullName``/``TargetGroupFullName``."""
    namespace = "AWS/ApplicationELB"
    balancer = {"LoadBalancer": load_balancer}
    targets = {"LoadBalancer": load_balancer, "TargetGroup": target_group}
    return [
        AlarmSpec("errors", "The agent answered with server errors", namespace, "HTTPCode_Target_5XX_Count",
                  targets, "Sum", settings.error_threshold),
        AlarmSpec("lb-errors", "The load balancer answered 5xx itself (no healthy task)", namespace,
                  "HTTPCode_ELB_5XX_Count", balancer, "Sum", settings.error_threshold),
        AlarmSpec("throttles", "The load balancer rejected connections", namespace, "RejectedConnectionCount",
                  balancer, "Sum", settings.throttle_threshold),
        AlarmSpec("latency-p90", "Slow responses (seconds)", namespace, "TargetResponseTime", targets, "p90",
                  settings.latency_p90_ms / 1000, GREATER),
    ]  # fmt: skip


def agent_alarms(settings: AlarmSettings, *, service: Any, environment: Any) -> list[AlarmSpec]:
    """On the runtime's own metrics: ``service`` is the project's name, ``environment`` the environment's
    (the runtime's ``AGENT_SERVICE_NAME`` and ``AGENT_ENVIRONMENT``)."""
    dimensions = {"service": service, "environment": environment}
    return [
        AlarmSpec("tool-errors", "The agent's tools raised errors", AGENT_NAMESPACE, "ToolErrors",
                  dimensions, "Sum", settings.tool_error_threshold),
        AlarmSpec("tokens", "The agent used many tokens per request", AGENT_NAMESPACE, "TotalTokens",
                  dimensions, "Average", settings.tokens_per_request, GREATER),
    ]  # fmt: skip


def stack_alarms(
    environment: Environment | None,
    service: str,
    target_alarms: Callable[[AlarmSettings], list[AlarmSpec]],
) -> dict[str, Any]:
    """A template's alarms: ``target_alarms`` (its platform's, given the settings) and the agent's own, with
    the environment's settings (``AlarmSettings()`` without one)."""
    settings = alarm_settings(environment)
    agent = agent_alarms(settings, service=service, environment=environment_name(environment))
    return cloudformation_alarms(settings, target_alarms(settings) + agent)


def cloudformation_alarms(settings: AlarmSettings, specs: list[AlarmSpec]) -> dict[str, Any]:
    """``AWS::CloudWatch::Alarm`` resources for ``specs`` by logical id (``AlarmErrors``...), named
    ``<stack>-<suffix>``; none when the environment turns alarms off."""
    if not settings.enabled:
        return {}
    resources: dict[str, Any] = {}
    for spec in specs:
        properties: dict[str, Any] = {
            "AlarmName": {"Fn::Sub": f"${{AWS::StackName}}-{spec.suffix}"},
            "AlarmDescription": spec.description(settings),
            "Namespace": spec.namespace,
            "MetricName": spec.metric_name,
            "Dimensions": [{"Name": name, "Value": value} for name, value in spec.dimensions.items()],
            "ExtendedStatistic" if spec.extended else "Statistic": spec.statistic,
            "Period": settings.period_s,
            "EvaluationPeriods": settings.evaluation_periods,
            "Threshold": spec.threshold,
            "ComparisonOperator": spec.comparison,
            "TreatMissingData": NOT_BREACHING,
        }
        if settings.topic_arn:
            properties["AlarmActions"] = [settings.topic_arn]
        logical_id = "Alarm" + "".join(part.capitalize() for part in spec.suffix.split("-"))
        resources[logical_id] = {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}
    return resources
