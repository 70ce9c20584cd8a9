"""IAM mode: identity from a Function URL / API Gateway event, or from AgentCore's user-id header."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from agent_scaffold_runtime.auth import AuthError, build_authenticator
from agent_scaffold_runtime.auth.iam import IAM_CALLER

EVENTS = Path(__file__).parent.parent / "events"
USER_ARN = "arn:aws:iam::111122223333:user/example-user"
ROLE_ARN = "arn:aws:sts::111122223333:assumed-role/agent-invoker/session-1"

#: ``requestContext.authorizer`` as Lambda sends it for a Function URL with AuthType AWS_IAM.
IAM_AUTHORIZER = {
    "iam": {
        "accessKey": "AKIAIOSFODNN7EXAMPLE",
        "accountId": "111122223333",
        "callerId": "AIDACKCEVSQ6C2EXAMPLE",
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": USER_ARN,
        "userId": "AIDACKCEVSQ6C2EXAMPLE",
    }
}


def function_url_event(authorizer: dict[str, Any] | None = IAM_AUTHORIZER) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / "function_url.json").read_text())
    event = copy.deepcopy(event)
    event["requestContext"]["accountId"] = "111122223333"
    if authorizer is not None:
        event["requestContext"]["authorizer"] = copy.deepcopy(authorizer)
    return event


iam = build_authenticator("iam", env={})


def test_function_url_iam_caller() -> None:
    event = function_url_event()
    principal = iam.authenticate(event["headers"], event["requestContext"])
    assert principal.user_id == USER_ARN
    assert principal.auth_method == "iam"
    assert principal.claims["accountId"] == "111122223333"
    assert principal.claims["callerId"] == "AIDACKCEVSQ6C2EXAMPLE"
    assert "accessKey" not in principal.claims


def test_assumed_role_caller_is_its_session_arn() -> None:
    authorizer = {"iam": {**IAM_AUTHORIZER["iam"], "userArn": ROLE_ARN, "callerId": "AROAEXAMPLE:session-1"}}
    event = function_url_event(authorizer)
    assert iam.authenticate(event["headers"], event["requestContext"]).user_id == ROLE_ARN


def test_caller_id_when_no_arn() -> None:
    authorizer = {"iam": {**IAM_AUTHORIZER["iam"], "userArn": None}}
    event = function_url_event(authorizer)
    assert iam.authenticate(event["headers"], event["requestContext"]).user_id == "AIDACKCEVSQ6C2EXAMPLE"


def test_rest_api_iam_identity() -> None:
    event: dict[str, Any] = json.loads((EVENTS / "apigw_rest_v1.json").read_text())
    context = copy.deepcopy(event["requestContext"])
    context["identity"] = {
        **context.get("identity", {}),
        "userArn": USER_ARN,
        "caller": "AIDACKCEVSQ6C2EXAMPLE",
    }
    assert iam.authenticate(event.get("headers") or {}, context).user_id == USER_ARN


@pytest.mark.parametrize(
    "authorizer",
    [None, {}, {"iam": None}, {"iam": {}}, {"iam": {"userArn": ""}}, {"jwt": {"claims": {"sub": "x"}}}],
    ids=["no authorizer", "empty", "iam null", "iam empty", "blank arn", "jwt authorizer"],
)
def test_missing_iam_context_is_401(authorizer: dict[str, Any] | None) -> None:
    event = function_url_event(authorizer)
    with pytest.raises(AuthError) as caught:
        iam.authenticate(event["headers"], event["requestContext"])
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    assert caught.value.www_authenticate


def test_lambda_ignores_the_agentcore_user_header() -> None:
    """Any Function URL caller can send the header; only AgentCore may vouch for it."""
    event = function_url_event(None)
    headers = {**event["headers"], "X-Amzn-Bedrock-AgentCore-Runtime-User-Id": "admin"}
    with pytest.raises(AuthError):
        iam.authenticate(headers, event["requestContext"])
    event = function_url_event()
    assert iam.authenticate(headers, event["requestContext"]).user_id == USER_ARN


def test_agentcore_runtime_user_id_header() -> None:
    for name in ("X-Amzn-Bedrock-AgentCore-Runtime-User-Id", "x-amzn-bedrock-agentcore-runtime-user-id"):
        principal = iam.authenticate({name: "user-42", "content-type": "application/json"})
        assert principal.user_id == "user-42"
        assert principal.auth_method == "iam"
        assert principal.claims["runtime_user_id"] == "user-42"


def test_agentcore_without_user_id_is_the_fixed_caller() -> None:
    principal = iam.authenticate({"content-type": "application/json"})
    assert principal.user_id == IAM_CALLER == "aws-iam-caller"
    assert principal.auth_method == "iam"


def test_agentcore_user_id_with_control_characters_is_refused() -> None:
    with pytest.raises(AuthError) as caught:
        iam.authenticate({"x-amzn-bedrock-agentcore-runtime-user-id": "bob\nadmin"})
    assert caught.value.status == 401
