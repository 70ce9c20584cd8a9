"""AgentCore Memory for ``memory=agentcore`` when the project names no existing memory id.

ListMemories reports no names, so a memory not yet recorded (an interrupted first deploy) is found by the id
AgentCore derives from the name (``<name>-<suffix>``), else by reading each memory, and adopted only when
tagged for this project and target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...aws_idioms import deleted, every, if_found
from ..context import DeployContext
from ..models import AgentCoreMemory
from ..state import Record
from .agentcore import control_plane_tags
from .base import Handler, Observed, recorded_or_named, register

_ACTIVE = frozenset({"ACTIVE"})
_FAILED = frozenset({"FAILED", "DELETING"})


@register("agentcore_memory")
class MemoryHandler(Handler[AgentCoreMemory]):
    def observe(self, res: AgentCoreMemory, record: Record | None, ctx: DeployContext) -> Observed | None:
        found, recorded = recorded_or_named(
            record, lambda id_: _get(id_, ctx), lambda: _find_by_name(res.name, ctx)
        )
        if found is None:
            return None
        owned = recorded or ctx.names.owns(control_plane_tags(found["arn"], ctx))
        return Observed(
            record=_record(found),
            actual={"event_expiry_days": found.get("eventExpiryDuration")},
            owned=owned,
            detail=str(found.get("status")),
        )

    def desired(self, res: AgentCoreMemory, ctx: DeployContext) -> dict[str, Any]:
        return {"event_expiry_days": res.event_expiry_days}

    def create(self, res: AgentCoreMemory, ctx: DeployContext) -> Record:
        params: dict[str, Any] = {
            "name": res.name,
            "eventExpiryDuration": res.event_expiry_days,
            "tags": res.tags,
        }
        if res.description:
            params["description"] = res.description
        created = ctx.client("bedrock-agentcore-control").create_memory(**params)["memory"]
        return self._wait(res.name, created["id"], ctx)

    def update(
        self, res: AgentCoreMemory, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        ctx.client("bedrock-agentcore-control").update_memory(
            memoryId=observed.record["id"], eventExpiryDuration=res.event_expiry_days
        )
        return self._wait(res.name, observed.record["id"], ctx)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(ctx.client("bedrock-agentcore-control").delete_memory, memoryId=record["id"])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _get(record["id"], ctx)
        if found is None:
            return None
        actual = {"event_expiry_days": found.get("eventExpiryDuration")}
        return Observed(record=record, actual=actual, detail=str(found.get("status")))

    def _wait(self, name: str, memory_id: str, ctx: DeployContext) -> Record:
        latest = ctx.wait_described(
            f"memory {name}",
            lambda: _get(memory_id, ctx),
            ready=_ACTIVE,
            failed=_FAILED,
            timeout_s=600,
            reasons=("failureReason",),
        )
        return _record(latest)


def _get(memory_id: str, ctx: DeployContext) -> dict[str, Any] | None:
    found = if_found(ctx.client("bedrock-agentcore-control").get_memory, memoryId=memory_id)
    memory: dict[str, Any] | None = found["memory"] if found else None
    return memory


def _find_by_name(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    summaries = list(_list(ctx))
    likely = [s for s in summaries if str(s.get("id", "")).startswith(f"{name}-")]
    for summary in likely or summaries:
        found = _get(summary["id"], ctx)
        if found is not None and found.get("name") == name:
            return found
    return None


def _list(ctx: DeployContext) -> Iterator[dict[str, Any]]:
    return every(ctx.client("bedrock-agentcore-control"), "list_memories", "memories")


def _record(found: dict[str, Any]) -> Record:
    return {"name": found.get("name"), "id": found["id"], "arn": found["arn"]}
