"""The Lambda function and its ``live`` alias.

Every change ends in a published version (``Publish=True`` on create and code updates, ``publish_version``
after a configuration-only change), and the alias is moved to it afterwards: callers never see a half-updated
function. The function's record carries the newest published version that matches ``$LATEST``, so an
interrupted deploy (updated, not yet published) is noticed and finished by the next one.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ...aws_idioms import deleted, error_code, error_message, every, if_found, wait_until
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
        found = if_found(ctx.client("lambda").get_function, FunctionName=res.name)
        if found is None:
            return None
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
        return deleted(ctx.client("lambda").delete_function, FunctionName=record["name"])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = if_found(ctx.client("lambda").get_function, FunctionName=record["name"])
        if found is None:
            return None
        configuration = found["Configuration"]
        return Observed(
            record=record,
            actual=_comparable(configuration),
            owned=ctx.names.owns(found.get("Tags")),
            detail=str(configuration.get("State") or "Active"),
        )

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
        alias = if_found(ctx.client("lambda").get_alias, FunctionName=res.function_name, Name=res.name)
        if alias is None:
            return None
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
        lam = ctx.client("lambda")
        return deleted(lam.delete_alias, FunctionName=record["function"], Name=record["name"])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        alias = if_found(ctx.client("lambda").get_alias, FunctionName=record["function"], Name=record["name"])
        if alias is None:
            return None
        return Observed(
            record=record,
            actual={"version": alias["FunctionVersion"]},
            detail=f"version {alias['FunctionVersion']}",
        )


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
    for version in every(ctx.client("lambda"), "list_versions_by_function", "Versions", FunctionName=name):
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
    """``call()``, retried while Lambda cannot assume a role IAM made a moment ago (a bounded wait)."""
    from botocore.exceptions import ClientError

    result: list[Any] = []

    def attempt() -> str:
        try:
            result.append(call())
            return "done"
        except ClientError as exc:
            if error_code(exc) == "InvalidParameterValueException" and "assume" in error_message(exc):
                return "not assumable yet"
            raise

    wait_until(
        "the new role",
        attempt,
        ready={"done"},
        timeout_s=_ROLE_PROPAGATION_S,
        interval_s=8.0,
        first_interval_s=1.0,
        on_wait=lambda _, elapsed: ctx.progress.waiting("waiting for the new role to propagate", elapsed),
        sleep=ctx.sleep,
        hint="run the deploy again",
    )
    return result[0]
