"""The Function URL on the ``live`` alias, and the policy statements a public (``NONE``) URL needs."""

from __future__ import annotations

import json
from typing import Any

from ...aws_idioms import deleted, if_found
from ..context import DeployContext
from ..models import UNKNOWN, FunctionUrl, LambdaPermission
from ..state import Record
from .base import Handler, Observed, register


@register("lambda_function_url")
class FunctionUrlHandler(Handler[FunctionUrl]):
    def observe(self, res: FunctionUrl, record: Record | None, ctx: DeployContext) -> Observed | None:
        found = _get_url(res.function_name, res.qualifier, ctx)
        if found is None:
            return None
        actual = {"auth_type": found["AuthType"], "invoke_mode": found.get("InvokeMode") or "BUFFERED"}
        return Observed(record=_record(res.function_name, res.qualifier, found), actual=actual)

    def desired(self, res: FunctionUrl, ctx: DeployContext) -> dict[str, Any]:
        return {"auth_type": res.auth_type, "invoke_mode": res.invoke_mode}

    def create(self, res: FunctionUrl, ctx: DeployContext) -> Record:
        created = ctx.client("lambda").create_function_url_config(
            FunctionName=res.function_name,
            Qualifier=res.qualifier,
            AuthType=res.auth_type,
            InvokeMode=res.invoke_mode,  # BUFFERED: SSE arrives as one body; RESPONSE_STREAM: as written
        )
        return _record(res.function_name, res.qualifier, created)

    def update(self, res: FunctionUrl, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        updated = ctx.client("lambda").update_function_url_config(
            FunctionName=res.function_name,
            Qualifier=res.qualifier,
            AuthType=res.auth_type,
            InvokeMode=res.invoke_mode,
        )
        return _record(res.function_name, res.qualifier, updated)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(
            ctx.client("lambda").delete_function_url_config,
            FunctionName=record["function"],
            Qualifier=record["qualifier"],
        )

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _get_url(record["function"], record["qualifier"], ctx)
        if found is None:
            return None
        actual = {"auth_type": found["AuthType"], "invoke_mode": found.get("InvokeMode") or "BUFFERED"}
        return Observed(record=record, actual=actual, detail=f"{found['AuthType']} {actual['invoke_mode']}")


@register("lambda_permission")
class PermissionHandler(Handler[LambdaPermission]):
    """A statement is identified by its id; a changed permission gets a new id, so presence is the state."""

    retire_replaced = True
    identity_key = "sid"

    def same_identity(self, res: LambdaPermission, record: Record, ctx: DeployContext) -> bool:
        return record.get("sid") == ctx.resolve(res.statement_id)

    def observe(self, res: LambdaPermission, record: Record | None, ctx: DeployContext) -> Observed | None:
        sid = ctx.resolve(res.statement_id)
        if sid is UNKNOWN or not _has_statement(res.function_name, res.qualifier, sid, ctx):
            return None
        return Observed(record=_permission_record(res, sid))

    def create(self, res: LambdaPermission, ctx: DeployContext) -> Record:
        params: dict[str, Any] = {
            "FunctionName": res.function_name,
            "Qualifier": res.qualifier,
            "StatementId": ctx.resolve(res.statement_id),
            "Action": res.action,
            "Principal": res.principal,
        }
        if res.source_arn is not None:
            params["SourceArn"] = ctx.resolve(res.source_arn)
        if res.url_auth_type:
            params["FunctionUrlAuthType"] = res.url_auth_type
        if res.invoked_via_function_url:
            params["InvokedViaFunctionUrl"] = True
        ctx.client("lambda").add_permission(**params)
        return _permission_record(res, params["StatementId"])

    def update(
        self, res: LambdaPermission, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        return observed.record

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(
            ctx.client("lambda").remove_permission,
            FunctionName=record["function"],
            Qualifier=record["qualifier"],
            StatementId=record["sid"],
        )

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        present = _has_statement(record["function"], record["qualifier"], record["sid"], ctx)
        return Observed(record=record) if present else None


def _get_url(function: str, qualifier: str, ctx: DeployContext) -> dict[str, Any] | None:
    found: dict[str, Any] | None = if_found(
        ctx.client("lambda").get_function_url_config, FunctionName=function, Qualifier=qualifier
    )
    return found


def _has_statement(function: str, qualifier: str, sid: str, ctx: DeployContext) -> bool:
    found = if_found(ctx.client("lambda").get_policy, FunctionName=function, Qualifier=qualifier)
    if found is None:
        return False
    statements = json.loads(found["Policy"]).get("Statement", [])
    return any(statement.get("Sid") == sid for statement in statements)


def _record(function: str, qualifier: str, config: dict[str, Any]) -> Record:
    return {
        "function": function,
        "qualifier": qualifier,
        "url": config["FunctionUrl"],
        "auth_type": config["AuthType"],
        "invoke_mode": config.get("InvokeMode") or "BUFFERED",
    }


def _permission_record(res: LambdaPermission, sid: str) -> Record:
    return {"function": res.function_name, "qualifier": res.qualifier, "sid": sid}
