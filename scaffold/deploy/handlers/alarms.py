"""CloudWatch metric alarms: ``PutMetricAlarm`` creates and updates (it replaces the whole alarm), tags say
whose they are, ``DeleteAlarms`` removes them. An alarm is read by name with ``DescribeAlarms`` and compared
field by field, so a no-change deploy writes nothing and a new threshold is one ``PutMetricAlarm``."""

from __future__ import annotations

from typing import Any

from ...aws_idioms import deleted, every
from ..context import DeployContext
from ..models import MetricAlarm
from ..state import Record
from .base import Handler, Observed, register, tag_list, tags_to_dict


@register("metric_alarm")
class MetricAlarmHandler(Handler[MetricAlarm]):
    def observe(self, res: MetricAlarm, record: Record | None, ctx: DeployContext) -> Observed | None:
        found = _describe(res.name, ctx)
        if found is None:
            return None
        tags = ctx.client("cloudwatch").list_tags_for_resource(ResourceARN=found["AlarmArn"]).get("Tags", [])
        owned = ctx.names.owns(tags_to_dict(tags))
        return Observed(record=_record(found), actual=_actual(found), owned=owned)

    def desired(self, res: MetricAlarm, ctx: DeployContext) -> dict[str, Any]:
        return {
            "description": res.description,
            "namespace": res.namespace,
            "metric_name": res.metric_name,
            "dimensions": ctx.resolve(res.dimensions),
            "statistic": res.statistic,
            "period_s": res.period_s,
            "evaluation_periods": res.evaluation_periods,
            "threshold": float(res.threshold),
            "comparison": res.comparison,
            "treat_missing_data": res.treat_missing_data,
            "alarm_actions": list(res.alarm_actions),
        }

    def create(self, res: MetricAlarm, ctx: DeployContext) -> Record:
        cloudwatch = ctx.client("cloudwatch")
        cloudwatch.put_metric_alarm(**_request(res, ctx), Tags=tag_list(res.tags))
        return _record(_describe(res.name, ctx) or {"AlarmName": res.name})

    def update(self, res: MetricAlarm, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        cloudwatch = ctx.client("cloudwatch")
        cloudwatch.put_metric_alarm(**_request(res, ctx))  # ignores Tags for an existing alarm
        return observed.record

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        if _describe(record["name"], ctx) is None:  # DeleteAlarms does not say whether it was there
            return False
        return deleted(ctx.client("cloudwatch").delete_alarms, AlarmNames=[record["name"]])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _describe(record["name"], ctx)
        if found is None:
            return None
        return Observed(record=record, actual=_actual(found), detail=str(found.get("StateValue", "")))


def _request(res: MetricAlarm, ctx: DeployContext) -> dict[str, Any]:
    dimensions = ctx.resolve(res.dimensions)
    request: dict[str, Any] = {
        "AlarmName": res.name,
        "AlarmDescription": res.description,
        "Namespace": res.namespace,
        "MetricName": res.metric_name,
        "Dimensions": [{"Name": name, "Value": str(value)} for name, value in dimensions.items()],
        "Period": res.period_s,
        "EvaluationPeriods": res.evaluation_periods,
        "Threshold": float(res.threshold),
        "ComparisonOperator": res.comparison,
        "TreatMissingData": res.treat_missing_data,
        "AlarmActions": list(res.alarm_actions),
        "ActionsEnabled": True,
    }
    request["ExtendedStatistic" if res.statistic.startswith("p") else "Statistic"] = res.statistic
    return request


def _describe(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    alarms = every(ctx.client("cloudwatch"), "describe_alarms", "MetricAlarms", AlarmNames=[name])
    return next((alarm for alarm in alarms if alarm.get("AlarmName") == name), None)


def _actual(alarm: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": alarm.get("AlarmDescription", ""),
        "namespace": alarm.get("Namespace"),
        "metric_name": alarm.get("MetricName"),
        "dimensions": {item["Name"]: item["Value"] for item in alarm.get("Dimensions", [])},
        "statistic": alarm.get("ExtendedStatistic") or alarm.get("Statistic"),
        "period_s": alarm.get("Period"),
        "evaluation_periods": alarm.get("EvaluationPeriods"),
        "threshold": float(alarm.get("Threshold", 0.0)),
        "comparison": alarm.get("ComparisonOperator"),
        "treat_missing_data": alarm.get("TreatMissingData", "missing"),
        "alarm_actions": list(alarm.get("AlarmActions", [])),
    }


def _record(alarm: dict[str, Any]) -> Record:
    record: Record = {"name": alarm["AlarmName"]}
    if alarm.get("AlarmArn"):
        record["arn"] = alarm["AlarmArn"]
    return record
