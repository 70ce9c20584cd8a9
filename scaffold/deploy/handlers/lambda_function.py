"""The Lambda function and its ``live`` alias.

Every change ends in a published version (``Publish=True`` on create and code updates, ``publish_version``
after a configuration-only change), and the alias is moved to it afterwards: callers never see a half-updated
function. The function's record carries the newest published version that matches ``$LATEST``, so an
interrupted deploy (updated, not yet published) is noticed and finished by the next one.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from botocore.exceptions import ClientError

from ..aws import error_code, is_not_found
from ..context import DeployContext
from ..models import LambdaAlias, LambdaFunction
from ..state import Record
from .base import Handler, Observed, register

_CONFIG_FIELDS = (
    "role_arn",
    "handler",
    "runtime",
    "memory_mb",
    "timeout_s",
    "environment",
    "log_group",
    "layers",
    "snap_start",
)
_ROLE_PROPAGATION_S = 90.0  # a new IAM role can take a few seconds before Lambda may assume it


@register("lambda_function")
class FunctionHandler(Handler[LambdaFunction]):
    def observe(self, res: LambdaFunction, record: Record | None, ctx: DeployContext) -> Observed | None:
        lam = ctx.client("lambda")
        try:
            found = lam.get_function(FunctionName=res.name)
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        latest = found["Configuration"]
        published = _newest_version(res.name, ctx)
        in_step = published is not None and _same(published, latest)
        actual = {**_comparable(latest), "published": in_step}
        return Observed(
            record=_record(latest, published["Version"] if in_step and published else None),
            actual=actual,
            owned=ctx.names.owns(found.get("Tags")),
            detail=str(latest.get("State") or ""),
        )

    def desired(self, res: LambdaFunction, ctx: DeployContext) -> dict[str, Any]:
        return {
            "role_arn": ctx.resolve(res.role_arn),
            "handler": res.handler,
            "runtime": res.runtime,
            "architecture": res.architecture,
            "memory_mb": res.memory_mb,
            "timeout_s": res.timeout_s,
            "environment": ctx.resolve(res.environment),
            "code_sha256": res.code_sha256,
            "log_group": res.log_group,
            "layers": list(res.layers),
            "snap_start": res.snap_start,
            "published": True,
        }

    def create(self, res: LambdaFunction, ctx: DeployContext) -> Record:
        lam = ctx.client("lambda")
        params = {
            **self._configuration(res, ctx),
            "Code": {"S3Bucket": res.code_bucket, "S3Key": res.code_key},
            "Architectures": [res.architecture],
            "Publish": True,
            "Tags": res.tags,
        }
        created = _retry_while_role_propagates(lambda: lam.create_function(**params), ctx)
        _wait_ready(res.name, ctx)
        return _record(created, str(created["Version"]))

    def update(
        self, res: LambdaFunction, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        lam = ctx.client("lambda")
        version = None
        configured = [name for name in changes if name in _CONFIG_FIELDS]
        if configured:
            _retry_while_role_propagates(
                lambda: lam.update_function_configuration(**self._configuration(res, ctx)), ctx
            )
            _wait_ready(res.name, ctx)
        if "code_sha256" in changes or "architecture" in changes:
            updated = lam.update_function_code(
                FunctionName=res.name,
                S3Bucket=res.code_bucket,
                S3Key=res.code_key,
                Architectures=[res.architecture],
                Publish=True,
            )
            version = str(updated["Version"])
        elif configured or "published" in changes:
            version = str(lam.publish_version(FunctionName=res.name)["Version"])
        _wait_ready(res.name, ctx)
        return {**observed.record, "version": version or observed.record.get("version")}

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        try:
            ctx.client("lambda").delete_function(FunctionName=record["name"])
        except ClientError as exc:
            if is_not_found(exc):
                return False
            raise
        return True

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        try:
            found = ctx.client("lambda").get_function(FunctionName=record["name"])
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        state = found["Configuration"].get("State") or "Active"
        return Observed(record=record, owned=ctx.names.owns(found.get("Tags")), detail=str(state))

    def _configuration(self, res: LambdaFunction, ctx: DeployContext) -> dict[str, Any]:
        return {
            "FunctionName": res.name,
            "Role": ctx.resolve(res.role_arn),
            "Handler": res.handler,
            "Runtime": res.runtime,
            "Description": res.description,
            "MemorySize": res.memory_mb,
            "Timeout": res.timeout_s,
            "Environment": {"Variables": ctx.resolve(res.environment)},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": res.log_group},
            "Layers": list(res.layers),
            "SnapStart": {"ApplyOn": "PublishedVersions" if res.snap_start else "None"},
        }


@register("lambda_alias")
class AliasHandler(Handler[LambdaAlias]):
    def observe(self, res: LambdaAlias, record: Record | None, ctx: DeployContext) -> Observed | None:
        try:
            alias = ctx.client("lambda").get_alias(FunctionName=res.function_name, Name=res.name)
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        return Observed(
            record=_alias_record(res.function_name, alias), actual={"version": alias["FunctionVersion"]}
        )

    def desired(self, res: LambdaAlias, ctx: DeployContext) -> dict[str, Any]:
        return {"version": ctx.resolve(res.version)}

    def create(self, res: LambdaAlias, ctx: DeployContext) -> Record:
        alias = ctx.client("lambda").create_alias(
            FunctionName=res.function_name, Name=res.name, FunctionVersion=ctx.resolve(res.version)
        )
        return _alias_record(res.function_name, alias)

    def update(self, res: LambdaAlias, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        alias = ctx.client("lambda").update_alias(
            FunctionName=res.function_name, Name=res.name, FunctionVersion=ctx.resolve(res.version)
        )
        return _alias_record(res.function_name, alias)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        try:
            ctx.client("lambda").delete_alias(FunctionName=record["function"], Name=record["name"])
        except ClientError as exc:
            if is_not_found(exc):
                return False
            raise
        return True

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        try:
            alias = ctx.client("lambda").get_alias(FunctionName=record["function"], Name=record["name"])
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        return Observed(record=record, detail=f"version {alias['FunctionVersion']}")


def _alias_record(function: str, alias: dict[str, Any]) -> Record:
    return {
        "function": function,
        "name": alias["Name"],
        "arn": alias["AliasArn"],
        "version": alias["FunctionVersion"],
    }


def _record(configuration: dict[str, Any], version: str | None) -> Record:
    arn = str(configuration["FunctionArn"])
    if configuration.get("Version") not in (None, "$LATEST") and arn.endswith(f":{configuration['Version']}"):
        arn = arn.rsplit(":", 1)[0]  # the unqualified function ARN
    return {"name": configuration["FunctionName"], "arn": arn, "version": version}


def _comparable(configuration: dict[str, Any]) -> dict[str, Any]:
    return {
        "role_arn": configuration.get("Role"),
        "handler": configuration.get("Handler"),
        "runtime": configuration.get("Runtime"),
        "architecture": (configuration.get("Architectures") or ["x86_64"])[0],
        "memory_mb": configuration.get("MemorySize"),
        "timeout_s": configuration.get("Timeout"),
        "environment": (configuration.get("Environment") or {}).get("Variables") or {},
        "code_sha256": hex_sha256(configuration.get("CodeSha256")),
        "log_group": (configuration.get("LoggingConfig") or {}).get("LogGroup")
        or f"/aws/lambda/{configuration.get('FunctionName')}",
        "layers": [layer.get("Arn") for layer in configuration.get("Layers") or []],
        "snap_start": (configuration.get("SnapStart") or {}).get("ApplyOn") == "PublishedVersions",
    }


def hex_sha256(value: Any) -> str | None:
    """Lambda reports the code's SHA-256 in base64; artifacts name it in hex."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True).hex()
    except (binascii.Error, ValueError):
        return value


def _newest_version(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    newest: dict[str, Any] | None = None
    for page in ctx.client("lambda").get_paginator("list_versions_by_function").paginate(FunctionName=name):
        for version in page.get("Versions", []):
            number = str(version.get("Version"))
            if number.isdigit() and (newest is None or int(number) > int(newest["Version"])):
                newest = version
    return newest


def _same(published: dict[str, Any], latest: dict[str, Any]) -> bool:
    return _comparable(published) | {"log_group": None} == _comparable(latest) | {"log_group": None}


def _wait_ready(name: str, ctx: DeployContext) -> None:
    lam = ctx.client("lambda")

    def status() -> str:
        configuration = lam.get_function_configuration(FunctionName=name)
        state = configuration.get("State") or "Active"
        if state != "Active":
            return str(state)
        return str(configuration.get("LastUpdateStatus") or "Successful")

    ctx.wait_for(
        f"function {name}",
        status,
        ready=frozenset({"Successful"}),
        failed=frozenset({"Failed", "Inactive"}),
        timeout_s=300,
        reason=lambda: str(lam.get_function_configuration(FunctionName=name).get("StateReason") or ""),
    )


def _retry_while_role_propagates(call: Any, ctx: DeployContext) -> Any:
    started = time.monotonic()
    delay = 1.0
    while True:
        try:
            return call()
        except ClientError as exc:
            message = str(exc.response.get("Error", {}).get("Message", ""))
            propagating = error_code(exc) == "InvalidParameterValueException" and "assume" in message
            if not propagating or time.monotonic() - started > _ROLE_PROPAGATION_S:
                raise
            ctx.progress.waiting("waiting for the new role to propagate", time.monotonic() - started)
            ctx.sleep(delay)
            delay = min(delay * 2, 8.0)
