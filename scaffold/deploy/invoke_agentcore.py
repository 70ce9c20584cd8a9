"""``scaffold invoke --target agentcore``: ``bedrock-agentcore`` ``invoke_agent_runtime`` on the ``live``
endpoint, following the streamed reply as it arrives.

SigV4 with the caller's credentials by default; with ``--token`` (a runtime behind a JWT authorizer) the
request goes unsigned with ``Authorization: Bearer``, which is how AgentCore accepts OAuth callers.
AgentCore routes a session by ``runtimeSessionId`` (33-256 characters): a shorter ``--session-id`` is kept as
the agent's session id in the body and padded deterministically for routing, so it always reaches the same
session.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from ..invoke_client import EVENT_STREAM, InvokeResult, follow_events, reply_from_json
from .aws import AwsContext, aws_errors
from .errors import NotDeployed
from .state import DeployState
from .targets.base import DeployedInvoke

SOURCE = "The agentcore target"
MIN_SESSION_CHARS = 33


def invoke_runtime(
    state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
) -> InvokeResult:
    runtime_arn = state.resources.get("runtime", {}).get("arn")
    endpoint = state.resources.get("endpoint", {}).get("name")
    if not runtime_arn or not endpoint:
        raise NotDeployed(
            "The agentcore deployment is incomplete (no runtime or endpoint recorded); run scaffold deploy."
        )
    client = _client(aws, call)
    params = request_parameters(runtime_arn, endpoint, call)
    with aws_errors(f"invoke the runtime {runtime_arn}"):
        response = client.invoke_agent_runtime(**params)
    return parse_response(response, on_text)


def request_parameters(runtime_arn: str, endpoint: str, call: DeployedInvoke) -> dict[str, Any]:
    request = call.request
    return {
        "agentRuntimeArn": runtime_arn,
        "qualifier": endpoint,
        "runtimeSessionId": routing_session_id(request.session_id),
        "contentType": "application/json",
        "accept": request.headers()["Accept"],
        "payload": json.dumps(request.payload()).encode("utf-8"),
    }


def routing_session_id(session_id: str | None) -> str:
    if not session_id:
        return f"scaffold-{uuid.uuid4().hex}"  # 41 characters
    if len(session_id) >= MIN_SESSION_CHARS:
        return session_id
    return f"{session_id}-{hashlib.sha256(session_id.encode()).hexdigest()}"


def parse_response(response: dict[str, Any], on_text: Callable[[str], None]) -> InvokeResult:
    body = response["response"]
    content_type = str(response.get("contentType") or "")
    if EVENT_STREAM in content_type:
        lines = (line.decode("utf-8", "replace") for line in body.iter_lines(keepends=False))
        reply = follow_events(lines, on_text, source=SOURCE)
    else:
        reply = reply_from_json(body.read(), on_text, source=SOURCE)
    return InvokeResult(reply=reply, session_id=reply.get("session_id") or response.get("runtimeSessionId"))


def _client(aws: AwsContext, call: DeployedInvoke) -> Any:
    from botocore.config import Config

    timeouts = {
        "read_timeout": call.request.timeout_s,
        "connect_timeout": 10,
        "retries": {"mode": "standard", "max_attempts": 1},
    }
    if not call.token:
        return aws.session.client(
            "bedrock-agentcore",
            region_name=aws.region,
            endpoint_url=aws.endpoint_url,
            config=Config(**timeouts),
        )
    from botocore import UNSIGNED

    client = aws.session.client(
        "bedrock-agentcore",
        region_name=aws.region,
        endpoint_url=aws.endpoint_url,
        config=Config(signature_version=UNSIGNED, **timeouts),
    )
    token = call.token

    def add_bearer(request: Any, **_: Any) -> None:
        request.headers["Authorization"] = f"Bearer {token}"

    client.meta.events.register("before-sign.bedrock-agentcore.InvokeAgentRuntime", add_bearer)
    return client
