"""A CloudFormation stack as one resource (the fastapi target's ECS service, load balancer and roles).

* observe: ``DescribeStacks`` by name (missing: create) and ``GetTemplate``; the stack is in sync when
  CloudFormation holds the same template (compared by digest) and the same value for every parameter we
  pass, and it is in a usable state. Ours when it carries this project's and target's tags.
* create/update: ``scaffold.iac.stack.deploy_stack`` (create, or a change set; it also replaces a stack
  whose first create rolled back). A stack still busy from an interrupted run is waited for first.
* delete: ``DeleteStack`` and a bounded wait for ``DELETE_COMPLETE``. What the template keeps when its
  stack goes (``DeletionPolicy: Retain``, a bucket of conversations) is kept, and named.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from ...aws_idioms import every, if_found
from ...iac.stack import StackResult, deploy_stack, failure_reasons
from ..context import DeployContext
from ..errors import DeployFailed
from ..models import CloudFormationStack
from ..state import Record
from .base import Handler, Observed, register, tags_to_dict

READY = "ready"
#: Statuses of a stack that runs its template; anything else needs a deploy (or is being deployed).
USABLE = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"})
GONE = "DELETE_COMPLETE"
DELETE_TIMEOUT_S = 1800.0
_NOTES = {
    "ROLLBACK_COMPLETE": "ROLLBACK_COMPLETE (its create FAILED; nothing runs)",
    "UPDATE_ROLLBACK_COMPLETE": "UPDATE_ROLLBACK_COMPLETE (the last update failed and was rolled back)",
}


@register("cloudformation_stack")
class StackHandler(Handler[CloudFormationStack]):
    def observe(self, res: CloudFormationStack, record: Record | None, ctx: DeployContext) -> Observed | None:
        cloudformation = ctx.client("cloudformation")
        stack = describe(cloudformation, res.name)
        if stack is None:
            return None
        status = str(stack["StackStatus"])
        actual: dict[str, Any] = {"status": READY if status in USABLE else status}
        body: Any = None
        if res.template:  # a deploy: compare the template too (destroy and status need only the name)
            body = cloudformation.get_template(StackName=stack["StackId"]).get("TemplateBody")
            actual["template"] = digest(body)
            values = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
            actual.update({name: values.get(name) for name in res.parameters})
        return Observed(
            record=_record(stack, digest(body) if body is not None else None),
            actual=actual,
            owned=ctx.names.owns(tags_to_dict(stack.get("Tags"))),
            detail=_NOTES.get(status, status),
        )

    def desired(self, res: CloudFormationStack, ctx: DeployContext) -> dict[str, Any]:
        return {"status": READY, "template": digest(res.template), **ctx.resolve(res.parameters)}

    def create(self, res: CloudFormationStack, ctx: DeployContext) -> Record:
        return self._deploy(res, ctx)

    def update(
        self, res: CloudFormationStack, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        if str(observed.record.get("status", "")).endswith("_IN_PROGRESS"):  # left by an interrupted run
            _wait(ctx, observed.record, res.timeout_s, settled=lambda status: True)
        return self._deploy(res, ctx)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        cloudformation = ctx.client("cloudformation")
        stack = describe(cloudformation, record["id"])  # by id: a deleted one answers DELETE_COMPLETE
        status = GONE if stack is None else str(stack["StackStatus"])
        retained: list[tuple[str, str]] = []
        if status != GONE:
            if status.endswith("_IN_PROGRESS") and status != "DELETE_IN_PROGRESS":
                _wait(ctx, record, DELETE_TIMEOUT_S, settled=lambda status: True)
            retained = _retained(cloudformation, record["id"])
            if status != "DELETE_IN_PROGRESS":
                cloudformation.delete_stack(StackName=record["id"])
            _wait(ctx, record, DELETE_TIMEOUT_S, settled=lambda status: status == GONE)
        for kind, physical in retained:
            ctx.progress.line(f"    kept {kind} {physical}: the template retains it when its stack goes")
        return status != GONE

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        stack = describe(ctx.client("cloudformation"), record["id"])
        if stack is None or stack["StackStatus"] == GONE:
            return None
        status = str(stack["StackStatus"])
        body = ctx.client("cloudformation").get_template(StackName=stack["StackId"]).get("TemplateBody")
        values = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
        actual = {"status": READY if status in USABLE else status, "template": digest(body), **values}
        return Observed(record=record, actual=actual, detail=_NOTES.get(status, status))

    def _deploy(self, res: CloudFormationStack, ctx: DeployContext) -> Record:
        started = time.monotonic()

        def sleep(seconds: float) -> None:
            ctx.progress.waiting(f"waiting for stack {res.name}", time.monotonic() - started)
            ctx.sleep(seconds)

        result: StackResult = deploy_stack(
            ctx.client("cloudformation"),
            res.name,
            res.template,
            ctx.resolve(res.parameters),
            tags=res.tags,
            poll_seconds=ctx.poll_interval_s,
            timeout_seconds=res.timeout_s,
            sleep=sleep,
        )
        if result.changes:
            ctx.progress.line(f"    {result.outcome}: {'; '.join(result.changes)}")
        return {
            "name": result.stack_name,
            "id": result.stack_id,
            "status": result.status,
            "outputs": result.outputs,
            "template_sha256": digest(res.template),
        }


def describe(cloudformation: Any, name_or_id: str) -> dict[str, Any] | None:
    """The stack, or ``None`` when there is none."""
    found = if_found(cloudformation.describe_stacks, StackName=name_or_id)
    stacks = (found or {}).get("Stacks", [])
    return dict(stacks[0]) if stacks else None


def digest(template: Any) -> str:
    """A template's content digest, independent of key order and whitespace (boto3 hands JSON bodies back
    parsed; a body it could not parse is hashed as the text it is)."""
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError:
            return hashlib.sha256(template.encode("utf-8")).hexdigest()
    text = json.dumps(template, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(stack: Mapping[str, Any], template_sha256: str | None) -> Record:
    outputs = {str(o["OutputKey"]): str(o.get("OutputValue", "")) for o in stack.get("Outputs", [])}
    record: Record = {
        "name": str(stack["StackName"]),
        "id": str(stack["StackId"]),
        "status": str(stack["StackStatus"]),
        "outputs": outputs,
    }
    if template_sha256 is not None:
        record["template_sha256"] = template_sha256
    return record


def _wait(ctx: DeployContext, record: Record, timeout_s: float, settled: Callable[[str], bool]) -> str:
    """Wait (bounded) until the stack is no longer ``*_IN_PROGRESS``; fail unless ``settled`` says so."""
    stack_id, name = str(record["id"]), str(record.get("name") or record["id"])

    def read() -> str:
        stack = describe(ctx.client("cloudformation"), stack_id)
        return GONE if stack is None else str(stack["StackStatus"])

    status = ctx.wait_for(
        f"stack {name}", read, ready=lambda status: not status.endswith("_IN_PROGRESS"), timeout_s=timeout_s
    )
    if not settled(status):
        reasons = "; ".join(failure_reasons(ctx.client("cloudformation"), stack_id)) or "no reason recorded"
        raise DeployFailed(f"Stack {name} ended {status}: {reasons}.")
    return status


def _retained(cloudformation: Any, stack_id: str) -> list[tuple[str, str]]:
    """``(type, physical id)`` of the resources the template keeps when the stack is deleted."""
    body = cloudformation.get_template(StackName=stack_id).get("TemplateBody")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return []
    resources = body.get("Resources", {}) if isinstance(body, dict) else {}
    kept = {name for name, spec in resources.items() if spec.get("DeletionPolicy") == "Retain"}
    found = []
    for summary in every(
        cloudformation, "list_stack_resources", "StackResourceSummaries", StackName=stack_id
    ):
        if summary["LogicalResourceId"] in kept and summary.get("PhysicalResourceId"):
            found.append((str(summary["ResourceType"]), str(summary["PhysicalResourceId"])))
    return found
