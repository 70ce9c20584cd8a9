"""The alarms a deploy creates for a target, as ``MetricAlarm`` models (``scaffold.iac.alarms`` defines
them; the fastapi target gets the same ones inside its CloudFormation stack instead).

Thresholds, the period and the SNS topic come from the environment's ``[environments.NAME.alarms]``;
``enabled = false`` gives no models, so the planner deletes the alarms a previous deploy made. Each alarm is
named after the resource it watches (``<function>-errors``, ``<runtime>-latency-p90``) and tagged like
every other resource of the target, so destroy finds and removes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..iac.alarms import NOT_BREACHING, AlarmSpec, agent_alarms, agentcore_alarms, lambda_alarms
from .models import Fmt, MetricAlarm, Ref
from .naming import ALIAS

if TYPE_CHECKING:
    from .targets.base import Target


def lambda_alarm_models(inputs: Target) -> list[MetricAlarm]:
    """Errors, throttles and p90 duration of the ``live`` alias, and the agent's own metrics."""
    function = inputs.names.function
    settings = inputs.environment.settings.alarms
    specs = lambda_alarms(settings, function=function, alias_resource=f"{function}:{ALIAS}")
    return _models(inputs, function, specs + _agent_specs(inputs))


def agentcore_alarm_models(inputs: Target) -> list[MetricAlarm]:
    """System and user errors, throttles and p90 latency of the runtime's ``live`` endpoint, and the agent's
    own metrics. The ``Resource`` dimension is the runtime's ARN, ``arn:<partition>:bedrock-agentcore:
    <region>:<account>:runtime/<id>``, built from its id (known once it is created), which every version of
    the runtime keeps."""
    runtime, scope = inputs.names.runtime, inputs.scope
    settings = inputs.environment.settings.alarms
    arn = Fmt(
        f"arn:{scope.partition}:bedrock-agentcore:{scope.region}:{scope.account_id}:runtime/{{}}",
        (Ref("runtime", "id"),),
    )
    specs = agentcore_alarms(settings, endpoint_name=f"{runtime}::{ALIAS}", runtime_arn=arn)
    return _models(inputs, runtime, specs + _agent_specs(inputs))


def _agent_specs(inputs: Target) -> list[AlarmSpec]:
    """On the runtime's EMF metrics, whose dimensions are the deployed ``AGENT_SERVICE_NAME`` and
    ``AGENT_ENVIRONMENT`` (an ``environment`` setting may override either)."""
    variables = inputs.settings["environment"]
    return agent_alarms(
        inputs.environment.settings.alarms,
        service=variables.get("AGENT_SERVICE_NAME") or inputs.project.project_name,
        environment=variables.get("AGENT_ENVIRONMENT") or inputs.environment.name,
    )


def _models(inputs: Target, watched: str, specs: list[AlarmSpec]) -> list[MetricAlarm]:
    settings = inputs.environment.settings.alarms
    if not settings.enabled:
        return []
    actions = (settings.topic_arn,) if settings.topic_arn else ()
    return [
        MetricAlarm(
            key=f"alarm_{spec.suffix.replace('-', '_')}",
            name=f"{watched}-{spec.suffix}",
            description=spec.description(settings),
            namespace=spec.namespace,
            metric_name=spec.metric_name,
            dimensions=dict(spec.dimensions),
            statistic=spec.statistic,
            period_s=settings.period_s,
            evaluation_periods=settings.evaluation_periods,
            threshold=float(spec.threshold),
            comparison=spec.comparison,
            treat_missing_data=NOT_BREACHING,
            alarm_actions=actions,
            tags=inputs.names.tags,
        )
        for spec in specs
    ]
