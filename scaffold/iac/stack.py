"""Create or update a CloudFormation stack from one of our templates, and wait until it settles.

The ``fastapi`` deployer (and anyone scripting an export) calls ``deploy_stack``; it takes a boto3
``cloudformation`` client, so the caller chooses credentials, Region and endpoint (tests use moto).

* No stack yet: ``CreateStack``, wait for ``CREATE_COMPLETE``.
* A stack whose first create failed (``ROLLBACK_COMPLETE``) cannot be updated: it is deleted, then created.
* Otherwise an update through a change set: ``CreateChangeSet``, wait for it, ``ExecuteChangeSet``, wait
  for ``UPDATE_COMPLETE``. A change set CloudFormation finds empty ("didn't contain changes", or "No
  updates are to be performed") is the ``no-change`` outcome, not an error, so deploying the same build
  twice is safe. A change set rather than ``UpdateStack``: the result lists what changed (``changes``),
  which a deployer's plan can show, and moto detects an unchanged update only this way.
* A stack still busy (``*_IN_PROGRESS``) is refused rather than queued behind.

Failures raise ``StackFailed`` with the status and the reasons CloudFormation recorded on the failed
resources, so the error names the resource to fix; a stack still busy at the deadline raises
``WaitTimeout``. Waiting is ``scaffold.aws_idioms.wait_until`` with an injectable ``sleep`` and ``clock``
(boto3 waiters hide the failure reasons and cannot be tested without real time passing).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from ..aws_idioms import error_message, if_found, wait_until
from ..errors import ScaffoldError
from .role_guardrails import names_roles

Outcome = Literal["created", "updated", "no-change"]

MAX_TEMPLATE_BODY_BYTES = 51_200  # larger templates must be uploaded to S3 and passed by URL
CAPABILITIES = ("CAPABILITY_IAM",)  # unnamed roles; a role name prefix (IAM guardrails) names them:
NAMED_CAPABILITIES = ("CAPABILITY_NAMED_IAM",)  # asked for only when the template names a role
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_COMPLETE = {"create": "CREATE_COMPLETE", "update": "UPDATE_COMPLETE", "delete": "DELETE_COMPLETE"}
_CHANGE_SET_PENDING = ("CREATE_PENDING", "CREATE_IN_PROGRESS")


class StackFailed(ScaffoldError):
    """The stack did not reach the status asked for (or cannot be deployed to right now)."""


@dataclass(frozen=True)
class StackResult:
    stack_name: str
    stack_id: str
    outcome: Outcome
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # "Modify LogGroup (AWS::Logs::LogGroup)", updates only


@dataclass(frozen=True)
class _Poller:
    client: Any
    poll_seconds: float
    timeout_seconds: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]

    def until(
        self, describe: Callable[[], dict[str, Any]], status_key: str, busy: Callable[[str], bool], what: str
    ) -> dict[str, Any]:
        """Describe again until ``describe()[status_key]`` is no longer ``busy``; return that description."""
        latest: dict[str, Any] = {}

        def read() -> str:
            latest.clear()
            latest.update(describe())
            return str(latest[status_key])

        wait_until(
            what,
            read,
            ready=lambda status: not busy(status),
            timeout_s=self.timeout_seconds,
            interval_s=self.poll_seconds,
            sleep=self.sleep,
            clock=self.clock,
            hint="deploy again to keep waiting",
        )
        return latest

    def stack(self, stack_id: str, action: str) -> dict[str, Any]:
        """Wait until the stack leaves ``*_IN_PROGRESS``; raise unless it reached the action's COMPLETE."""
        latest = self.until(
            lambda: describe_stack(self.client, stack_id) or {"StackStatus": "DELETE_COMPLETE"},
            "StackStatus",
            lambda status: status.endswith("_IN_PROGRESS"),
            f"Stack {stack_id}",
        )
        status = latest["StackStatus"]
        if status != _COMPLETE[action]:
            reasons = "; ".join(failure_reasons(self.client, stack_id)) or "no reason recorded"
            raise StackFailed(f"Stack {stack_id} ended {status} instead of {_COMPLETE[action]}: {reasons}.")
        return latest

    def change_set(self, change_set_id: str) -> dict[str, Any]:
        return self.until(
            lambda: self.client.describe_change_set(ChangeSetName=change_set_id),
            "Status",
            lambda status: status in _CHANGE_SET_PENDING,
            f"Change set {change_set_id}",
        )


def deploy_stack(
    client: Any,
    stack_name: str,
    template: Mapping[str, Any] | str,
    parameters: Mapping[str, str] | None = None,
    *,
    tags: Mapping[str, str] | None = None,
    poll_seconds: float = 5.0,
    timeout_seconds: float = 3600.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StackResult:
    """Create ``stack_name`` or update it to ``template`` with ``parameters``; wait; report what happened.

    A parameter left out takes the template's default on an update too, not its previous value
    (CloudFormation's rule; one without a default is an error), so pass every value you mean to keep.
    """
    body = template if isinstance(template, str) else json.dumps(template)
    if len(body.encode("utf-8")) > MAX_TEMPLATE_BODY_BYTES:
        raise StackFailed(
            f"The template is over {MAX_TEMPLATE_BODY_BYTES} bytes; upload it to S3 and deploy by URL."
        )
    named = names_roles(_parsed(template))
    request: dict[str, Any] = {
        "StackName": stack_name,
        "TemplateBody": body,
        "Parameters": [
            {"ParameterKey": key, "ParameterValue": value} for key, value in (parameters or {}).items()
        ],
        "Capabilities": list(NAMED_CAPABILITIES if named else CAPABILITIES),
        "Tags": [{"Key": key, "Value": value} for key, value in (tags or {}).items()],
    }
    poller = _Poller(client, poll_seconds, timeout_seconds, sleep, clock)
    existing = describe_stack(client, stack_name)
    if existing is not None and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        client.delete_stack(StackName=existing["StackId"])
        poller.stack(existing["StackId"], "delete")
        existing = None
    if existing is None:
        try:
            stack_id = client.create_stack(**request)["StackId"]
        except ClientError as error:
            raise StackFailed(f"CloudFormation refused to create {stack_name}: {_message(error)}") from None
        return _result(stack_name, stack_id, "created", poller.stack(stack_id, "create"))
    status = str(existing["StackStatus"])
    if status.endswith("_IN_PROGRESS"):
        raise StackFailed(f"Stack {stack_name} is {status}; wait for it to finish and deploy again.")
    return _update(client, poller, existing, request)


def _update(
    client: Any, poller: _Poller, existing: Mapping[str, Any], request: dict[str, Any]
) -> StackResult:
    stack_name, stack_id = str(request["StackName"]), str(existing["StackId"])
    try:
        change_set_id = client.create_change_set(
            **request, ChangeSetName=f"scaffold-{uuid.uuid4().hex[:16]}", ChangeSetType="UPDATE"
        )["Id"]
    except ClientError as error:
        if _no_changes(_message(error)):
            return _result(stack_name, stack_id, "no-change", existing)
        raise StackFailed(f"CloudFormation refused the update of {stack_name}: {_message(error)}") from None
    change_set = poller.change_set(change_set_id)
    if change_set["Status"] != "CREATE_COMPLETE":
        client.delete_change_set(ChangeSetName=change_set_id)
        reason = str(change_set.get("StatusReason", ""))
        if _no_changes(reason):
            return _result(stack_name, stack_id, "no-change", existing)
        raise StackFailed(f"The change set for {stack_name} failed: {reason or change_set['Status']}.")
    changes = [_describe_change(change.get("ResourceChange", {})) for change in change_set.get("Changes", [])]
    client.execute_change_set(ChangeSetName=change_set_id)
    return _result(stack_name, stack_id, "updated", poller.stack(stack_id, "update"), changes)


def describe_stack(client: Any, stack_name: str) -> dict[str, Any] | None:
    """The stack, or ``None`` if there is none (CloudFormation says so with a ValidationError)."""
    try:
        found = if_found(client.describe_stacks, StackName=stack_name)
    except ClientError as error:
        raise StackFailed(f"Could not describe stack {stack_name}: {_message(error)}") from None
    stacks = (found or {}).get("Stacks", [])
    return dict(stacks[0]) if stacks else None


def failure_reasons(client: Any, stack_id: str, limit: int = 5) -> list[str]:
    """The newest ``*_FAILED`` events' reasons, oldest first: the first one is usually the cause."""
    try:
        events = client.describe_stack_events(StackName=stack_id)["StackEvents"]
    except ClientError:  # the reasons only add to an error already being raised
        return []
    failed = [
        f"{event['LogicalResourceId']} ({event.get('ResourceType', '?')}): {event['ResourceStatusReason']}"
        for event in events
        if str(event.get("ResourceStatus", "")).endswith("_FAILED") and event.get("ResourceStatusReason")
    ]
    return list(reversed(failed[:limit]))


def _describe_change(change: Mapping[str, Any]) -> str:
    action, logical_id = change.get("Action", "?"), change.get("LogicalResourceId", "?")
    return f"{action} {logical_id} ({change.get('ResourceType', '?')})"


def _no_changes(text: str) -> bool:
    return any(phrase in text for phrase in _NO_CHANGES)


def _result(
    stack_name: str,
    stack_id: str,
    outcome: Outcome,
    stack: Mapping[str, Any],
    changes: list[str] | None = None,
) -> StackResult:
    outputs = {str(item["OutputKey"]): str(item.get("OutputValue", "")) for item in stack.get("Outputs", [])}
    return StackResult(
        stack_name, stack_id, outcome, str(stack.get("StackStatus", "")), outputs, changes or []
    )


def _parsed(template: Mapping[str, Any] | str) -> Any:
    """The template as data (a YAML or malformed body: ``None``, which names no role)."""
    if not isinstance(template, str):
        return template
    try:
        return json.loads(template)
    except ValueError:
        return None


def _message(error: ClientError) -> str:
    return error_message(error)
