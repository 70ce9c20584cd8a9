"""``deploy_stack``'s waiting and failure paths, which moto cannot show (it completes every operation at
once): a real boto3 client under botocore's ``Stubber``, which checks each request and response against
the CloudFormation API model, with a fake clock so no test sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from scaffold.errors import ExitCode, WaitTimeout
from scaffold.iac.stack import MAX_TEMPLATE_BODY_BYTES, StackFailed, deploy_stack
from tests.support.clock import FakeClock

NAME = "demo"
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/0f0e0d0c-1111-2222-3333-444455556666"
CHANGE_SET_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:changeSet/scaffold-1/0a0b0c0d-1111-2222-3333-4444"
)
TEMPLATE: dict[str, Any] = {"Resources": {"LogGroup": {"Type": "AWS::Logs::LogGroup"}}}
NOW = "2026-01-01T00:00:00Z"


@pytest.fixture
def cfn() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "cloudformation", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def stack(status: str, outputs: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "StackName": NAME,
        "StackId": STACK_ID,
        "StackStatus": status,
        "CreationTime": NOW,
    }
    if outputs:
        body["Outputs"] = [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()]
    return {"Stacks": [body]}


def missing(stubber: Stubber) -> None:
    stubber.add_client_error(
        "describe_stacks",
        "ValidationError",
        f"Stack with id {NAME} does not exist",
        expected_params={"StackName": NAME},
    )


def describe(stubber: Stubber, status: str, name: str = STACK_ID, **outputs: str) -> None:
    stubber.add_response("describe_stacks", stack(status, outputs or None), {"StackName": name})


def change_set(status: str, reason: str = "", changes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ChangeSetId": CHANGE_SET_ID, "StackId": STACK_ID, "Status": status}
    if reason:
        body["StatusReason"] = reason
    if changes:
        body["Changes"] = changes
    return body


def event(event_id: str, logical_id: str, kind: str, status: str, reason: str) -> dict[str, Any]:
    return {
        "StackId": STACK_ID,
        "EventId": event_id,
        "StackName": NAME,
        "Timestamp": NOW,
        "LogicalResourceId": logical_id,
        "ResourceType": kind,
        "ResourceStatus": status,
        "ResourceStatusReason": reason,
    }


def deploy(client: Any, clock: FakeClock, template: Any = TEMPLATE, **kwargs: Any) -> Any:
    return deploy_stack(
        client,
        NAME,
        template,
        {"CodeBucket": "b"},
        poll_seconds=2,
        timeout_seconds=60,
        sleep=clock.sleep,
        clock=clock,
        **kwargs,
    )


def test_create_waits_through_in_progress(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    missing(stubber)
    stubber.add_response(
        "create_stack",
        {"StackId": STACK_ID},
        {
            "StackName": NAME,
            "TemplateBody": ANY,
            "Parameters": [{"ParameterKey": "CodeBucket", "ParameterValue": "b"}],
            "Capabilities": ["CAPABILITY_IAM"],
            "Tags": [{"Key": "team", "Value": "agents"}],
        },
    )
    for status in ("CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS"):
        describe(stubber, status)
    describe(stubber, "CREATE_COMPLETE", URL="https://x")
    clock = FakeClock()
    result = deploy(client, clock, tags={"team": "agents"})
    assert (result.outcome, result.status, result.outputs) == (
        "created",
        "CREATE_COMPLETE",
        {"URL": "https://x"},
    )
    assert clock.sleeps == [2, 2]


def test_update_runs_a_change_set_and_lists_its_changes(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    describe(stubber, "UPDATE_COMPLETE", name=NAME)
    stubber.add_response(
        "create_change_set",
        {"Id": CHANGE_SET_ID, "StackId": STACK_ID},
        {
            "StackName": NAME,
            "TemplateBody": ANY,
            "Parameters": ANY,
            "Capabilities": ["CAPABILITY_IAM"],
            "Tags": [],
            "ChangeSetName": ANY,
            "ChangeSetType": "UPDATE",
        },
    )
    stubber.add_response(
        "describe_change_set", change_set("CREATE_PENDING"), {"ChangeSetName": CHANGE_SET_ID}
    )
    change = {
        "Type": "Resource",
        "ResourceChange": {
            "Action": "Modify",
            "LogicalResourceId": "LogGroup",
            "ResourceType": "AWS::Logs::LogGroup",
        },
    }
    stubber.add_response(
        "describe_change_set",
        change_set("CREATE_COMPLETE", changes=[change]),
        {"ChangeSetName": CHANGE_SET_ID},
    )
    stubber.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    describe(stubber, "UPDATE_IN_PROGRESS")
    describe(stubber, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    describe(stubber, "UPDATE_COMPLETE")
    result = deploy(client, FakeClock())
    assert (result.outcome, result.status) == ("updated", "UPDATE_COMPLETE")
    assert result.changes == ["Modify LogGroup (AWS::Logs::LogGroup)"]


@pytest.mark.parametrize(
    "reason",
    [
        "The submitted information didn't contain changes. Submit different information to create a change "
        "set.",
        "No updates are to be performed.",
    ],
)
def test_an_empty_change_set_is_no_change_and_is_cleaned_up(cfn: tuple[Any, Stubber], reason: str) -> None:
    client, stubber = cfn
    describe(stubber, "CREATE_COMPLETE", name=NAME, URL="https://x")
    stubber.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stubber.add_response(
        "describe_change_set", change_set("FAILED", reason), {"ChangeSetName": CHANGE_SET_ID}
    )
    stubber.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    result = deploy(client, FakeClock())
    assert (result.outcome, result.stack_id, result.outputs) == ("no-change", STACK_ID, {"URL": "https://x"})


def test_a_failed_update_names_the_failed_resource(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    describe(stubber, "CREATE_COMPLETE", name=NAME)
    stubber.add_response("create_change_set", {"Id": CHANGE_SET_ID, "StackId": STACK_ID})
    stubber.add_response(
        "describe_change_set", change_set("CREATE_COMPLETE"), {"ChangeSetName": CHANGE_SET_ID}
    )
    stubber.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET_ID})
    describe(stubber, "UPDATE_ROLLBACK_COMPLETE")
    events = [
        event("2", NAME, "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_IN_PROGRESS", "[Function] failed."),
        event(
            "1", "Function", "AWS::Lambda::Function", "UPDATE_FAILED", "GetObject: S3 Error Code: NoSuchKey."
        ),
    ]
    stubber.add_response("describe_stack_events", {"StackEvents": events}, {"StackName": STACK_ID})
    with pytest.raises(
        StackFailed, match=r"UPDATE_ROLLBACK_COMPLETE .*Function \(AWS::Lambda::Function\): .*NoSuchKey"
    ):
        deploy(client, FakeClock())


def test_a_stack_whose_create_rolled_back_is_replaced(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    describe(stubber, "ROLLBACK_COMPLETE", name=NAME)
    stubber.add_response("delete_stack", {}, {"StackName": STACK_ID})
    describe(stubber, "DELETE_IN_PROGRESS")
    describe(stubber, "DELETE_COMPLETE")
    stubber.add_response("create_stack", {"StackId": STACK_ID})
    describe(stubber, "CREATE_COMPLETE")
    assert deploy(client, FakeClock()).outcome == "created"


def test_a_busy_stack_is_refused(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    describe(stubber, "UPDATE_IN_PROGRESS", name=NAME)
    with pytest.raises(StackFailed, match="is UPDATE_IN_PROGRESS; wait"):
        deploy(client, FakeClock())


def test_waiting_gives_up_at_the_timeout(cfn: tuple[Any, Stubber]) -> None:
    client, stubber = cfn
    missing(stubber)
    stubber.add_response("create_stack", {"StackId": STACK_ID})
    for _ in range(31):  # 60 s of 2 s polls, then the check that sees the deadline passed
        describe(stubber, "CREATE_IN_PROGRESS")
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="still CREATE_IN_PROGRESS after 60 s") as timed_out:
        deploy(client, clock)
    assert clock.now == 60
    assert timed_out.value.exit_code == ExitCode.TIMEOUT


def test_an_oversized_template_is_refused_before_any_call(cfn: tuple[Any, Stubber]) -> None:
    client, _ = cfn
    with pytest.raises(StackFailed, match="upload it to S3"):
        deploy(client, FakeClock(), template="x" * (MAX_TEMPLATE_BODY_BYTES + 1))
