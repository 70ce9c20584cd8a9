"""The AgentCore runtime (direct code deploy or a container image) and its ``live`` endpoint.

Creating or updating a runtime makes a new version; the step waits (bounded) for READY, then the endpoint is
moved to that version and waited for in turn. A runtime is found by its recorded id, else by name among the
runtimes tagged for this project and target (an interrupted first deploy), so a rerun never makes a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...aws_idioms import deleted, every, if_found
from ..context import DeployContext
from ..models import UNKNOWN, AgentRuntime, RuntimeEndpoint
from ..naming import Names
from ..state import Record
from .base import Handler, Observed, recorded_or_named, register

READY = frozenset({"READY"})
FAILED = frozenset({"CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED"})
IN_PROGRESS = frozenset({"CREATING", "UPDATING"})


@register("agentcore_runtime")
class RuntimeHandler(Handler[AgentRuntime]):
    def observe(self, res: AgentRuntime, record: Record | None, ctx: DeployContext) -> Observed | None:
        found, recorded = recorded_or_named(
            record, lambda id_: _get(id_, ctx), lambda: _find_by_name(res.name, ctx)
        )
        if found is None:
            return None
        owned = recorded or ctx.names.owns(control_plane_tags(found["agentRuntimeArn"], ctx))
        actual = {name: found.get(name) for name in res.spec}
        actual["status"] = found.get("status")
        return Observed(record=_record(found), actual=actual, owned=owned, detail=str(found.get("status")))

    def desired(self, res: AgentRuntime, ctx: DeployContext) -> dict[str, Any]:
        return {**ctx.resolve(res.spec), "status": "READY"}

    def create(self, res: AgentRuntime, ctx: DeployContext) -> Record:
        created = ctx.client("bedrock-agentcore-control").create_agent_runtime(
            agentRuntimeName=res.name, **ctx.resolve(res.spec), tags=res.tags
        )
        return self._wait(res, created["agentRuntimeId"], ctx)

    def update(self, res: AgentRuntime, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        runtime_id = observed.record["id"]
        if changes != ["status"] or observed.actual.get("status") not in IN_PROGRESS:
            ctx.client("bedrock-agentcore-control").update_agent_runtime(
                agentRuntimeId=runtime_id, **ctx.resolve(res.spec)
            )
        return self._wait(res, runtime_id, ctx)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        control = ctx.client("bedrock-agentcore-control")
        if not deleted(control.delete_agent_runtime, agentRuntimeId=record["id"]):
            return False
        ctx.wait_for(
            f"runtime {record['name']} to be deleted",
            lambda: str((_get(record["id"], ctx) or {}).get("status", "DELETED")),
            ready=frozenset({"DELETED"}),
            failed=frozenset({"DELETE_FAILED"}),
            timeout_s=600,
        )
        _delete_service_log_groups(record["id"], ctx)
        return True

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _get(record["id"], ctx)
        if found is None:
            return None
        return Observed(record=record, actual=found, detail=str(found.get("status")))

    def _wait(self, res: AgentRuntime, runtime_id: str, ctx: DeployContext) -> Record:
        latest = ctx.wait_described(
            f"runtime {res.name}",
            lambda: _get(runtime_id, ctx),
            ready=READY,
            failed=FAILED,
            timeout_s=res.ready_timeout_s,
            reasons=("failureReason", "statusReasons"),
        )
        return _record(latest)


@register("agentcore_endpoint")
class EndpointHandler(Handler[RuntimeEndpoint]):
    def observe(self, res: RuntimeEndpoint, record: Record | None, ctx: DeployContext) -> Observed | None:
        runtime_id = ctx.resolve(res.runtime_id)
        if runtime_id is UNKNOWN:
            return None
        found = _get_endpoint(runtime_id, res.name, ctx)
        if found is None:
            return None
        version = found.get("targetVersion") or found.get("liveVersion")
        return Observed(
            record=_endpoint_record(runtime_id, found, version),
            actual={"version": version, "status": found.get("status")},
            detail=str(found.get("status")),
        )

    def desired(self, res: RuntimeEndpoint, ctx: DeployContext) -> dict[str, Any]:
        return {"version": ctx.resolve(res.version), "status": "READY"}

    def create(self, res: RuntimeEndpoint, ctx: DeployContext) -> Record:
        runtime_id, version = ctx.resolve(res.runtime_id), ctx.resolve(res.version)
        params: dict[str, Any] = {
            "agentRuntimeId": runtime_id,
            "name": res.name,
            "agentRuntimeVersion": version,
        }
        if res.tags:
            params["tags"] = res.tags
        ctx.client("bedrock-agentcore-control").create_agent_runtime_endpoint(**params)
        return self._wait(res, runtime_id, version, ctx)

    def update(
        self, res: RuntimeEndpoint, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        runtime_id, version = ctx.resolve(res.runtime_id), ctx.resolve(res.version)
        if "version" in changes or observed.actual.get("status") not in IN_PROGRESS:
            ctx.client("bedrock-agentcore-control").update_agent_runtime_endpoint(
                agentRuntimeId=runtime_id, endpointName=res.name, agentRuntimeVersion=version
            )
        return self._wait(res, runtime_id, version, ctx)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        runtime_id, name = record["runtime_id"], record["name"]
        control = ctx.client("bedrock-agentcore-control")
        if not deleted(control.delete_agent_runtime_endpoint, agentRuntimeId=runtime_id, endpointName=name):
            return False
        ctx.wait_for(  # the runtime cannot be deleted while one of its endpoints still is being deleted
            f"endpoint {name} to be deleted",
            lambda: str((_get_endpoint(runtime_id, name, ctx) or {}).get("status", "DELETED")),
            ready=frozenset({"DELETED"}),
            failed=FAILED,
            timeout_s=600,
        )
        return True

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _get_endpoint(record["runtime_id"], record["name"], ctx)
        if found is None:
            return None
        version = found.get("targetVersion") or found.get("liveVersion")
        actual = {"version": version, "status": found.get("status")}
        return Observed(record=record, actual=actual, detail=str(found.get("status")))

    def _wait(self, res: RuntimeEndpoint, runtime_id: str, version: str, ctx: DeployContext) -> Record:
        latest = ctx.wait_described(
            f"endpoint {res.name}",
            lambda: _get_endpoint(runtime_id, res.name, ctx),
            ready=READY,
            failed=FAILED,
            timeout_s=res.ready_timeout_s,
            reasons=("failureReason",),
        )
        return _endpoint_record(runtime_id, latest, version)


def _get(runtime_id: str, ctx: DeployContext) -> dict[str, Any] | None:
    found: dict[str, Any] | None = if_found(
        ctx.client("bedrock-agentcore-control").get_agent_runtime, agentRuntimeId=runtime_id
    )
    return found


def _find_by_name(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    for summary in _list_runtimes(ctx):
        if summary.get("agentRuntimeName") == name:
            return _get(summary["agentRuntimeId"], ctx)
    return None


def _list_runtimes(ctx: DeployContext) -> Iterator[dict[str, Any]]:
    return every(ctx.client("bedrock-agentcore-control"), "list_agent_runtimes", "agentRuntimes")


def control_plane_tags(arn: str, ctx: DeployContext) -> dict[str, str]:
    """The tags of an AgentCore control-plane resource (a runtime, a memory); ``{}`` when it is gone."""
    found = if_found(ctx.client("bedrock-agentcore-control").list_tags_for_resource, resourceArn=arn)
    tags: dict[str, str] = (found or {}).get("tags", {})
    return tags


def _get_endpoint(runtime_id: str, name: str, ctx: DeployContext) -> dict[str, Any] | None:
    found: dict[str, Any] | None = if_found(
        ctx.client("bedrock-agentcore-control").get_agent_runtime_endpoint,
        agentRuntimeId=runtime_id,
        endpointName=name,
    )
    return found


def _delete_service_log_groups(runtime_id: str, ctx: DeployContext) -> None:
    """Log groups AgentCore made for this runtime's endpoints (DEFAULT): only this runtime's id names them."""
    logs = ctx.client("logs")
    prefix = Names.runtime_log_group_prefix(runtime_id)
    for group in every(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=prefix):
        deleted(logs.delete_log_group, logGroupName=group["logGroupName"])


def _record(found: dict[str, Any]) -> Record:
    return {
        "name": found.get("agentRuntimeName"),
        "id": found["agentRuntimeId"],
        "arn": found["agentRuntimeArn"],
        "version": str(found.get("agentRuntimeVersion")),
    }


def _endpoint_record(runtime_id: str, found: dict[str, Any], version: Any) -> Record:
    return {
        "runtime_id": runtime_id,
        "name": found.get("name") or found.get("endpointName"),
        "arn": found.get("agentRuntimeEndpointArn"),
        "version": str(version),
    }
