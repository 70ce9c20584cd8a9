"""CloudWatch log groups created ahead of the function or runtime, so retention is ours to set (and the
execution role needs no ``logs:CreateLogGroup`` for Lambda)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ...aws_idioms import deleted, error_code
from ..context import DeployContext
from ..models import UNKNOWN, LogGroup
from ..state import Record
from .base import Handler, Observed, register


@register("log_group")
class LogGroupHandler(Handler[LogGroup]):
    retire_replaced = True

    def same_identity(self, res: LogGroup, record: Record, ctx: DeployContext) -> bool:
        name = ctx.resolve(res.name)  # unknown: named after a runtime still to be made, so a new group
        return name is not UNKNOWN and record.get("name") == name

    def observe(self, res: LogGroup, record: Record | None, ctx: DeployContext) -> Observed | None:
        name = ctx.resolve(res.name)
        if name is UNKNOWN:
            return None
        found = _describe(name, ctx)
        if found is None:
            return None
        tags = ctx.client("logs").list_tags_for_resource(resourceArn=_arn(found)).get("tags", {})
        return Observed(
            record=_record(name, found),
            actual={"retention_days": found.get("retentionInDays")},
            owned=ctx.names.owns(tags) or _service_made(name, tags),
        )

    def desired(self, res: LogGroup, ctx: DeployContext) -> dict[str, Any]:
        return {"retention_days": res.retention_days}

    def create(self, res: LogGroup, ctx: DeployContext) -> Record:
        logs = ctx.client("logs")
        name = ctx.resolve(res.name)
        try:
            logs.create_log_group(logGroupName=name, tags=res.tags)
        except ClientError as exc:
            if error_code(exc) != "ResourceAlreadyExistsException":
                raise
            found = _describe(name, ctx)  # AgentCore made it for our runtime a moment ago: make it ours
            if found is not None:
                logs.tag_resource(resourceArn=_arn(found), tags=res.tags)
        logs.put_retention_policy(logGroupName=name, retentionInDays=res.retention_days)
        found = _describe(name, ctx) or {}
        return _record(name, found)

    def update(self, res: LogGroup, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        name = observed.record["name"]
        ctx.client("logs").put_retention_policy(logGroupName=name, retentionInDays=res.retention_days)
        return observed.record

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(ctx.client("logs").delete_log_group, logGroupName=record["name"])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _describe(record["name"], ctx)
        if found is None:
            return None
        return Observed(record=record, actual={"retention_days": found.get("retentionInDays")})


def _service_made(name: str, tags: dict[str, str]) -> bool:
    """An untagged runtime log group: AgentCore creates it for our runtime (its id is in the name)."""
    return not tags and name.startswith("/aws/bedrock-agentcore/runtimes/")


def _describe(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    groups = ctx.client("logs").describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
    return next((group for group in groups if group.get("logGroupName") == name), None)


def _arn(group: dict[str, Any]) -> str:
    return str(group.get("logGroupArn") or str(group["arn"]).removesuffix(":*"))


def _record(name: str, group: dict[str, Any]) -> Record:
    record: Record = {"name": name}
    if group:
        record["arn"] = _arn(group)
    return record
