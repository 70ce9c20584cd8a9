"""``scaffold invoke --target lambda``: ``lambda.invoke`` on the ``live`` alias, with the caller's own IAM
credentials, carrying the same request the Function URL would deliver.

* ``AGENT_AUTH`` none or jwt: a Function URL event (payload 2.0) for ``POST /invocations``, with the bearer
  token (``--token``) in ``Authorization``; the handler answers exactly as over the URL: status, session
  header, and for a stream the SSE events in one buffered body (the Python runtime cannot stream).
* ``AGENT_AUTH=iam``: a direct payload (``{"prompt": …}``). IAM already authorised this call, and the handler
  names every direct invoker ``lambda-direct-invoke``: a client could put any caller into a URL event's
  ``requestContext.authorizer.iam``, so we never forge one.
* A streaming function (``lambda_streaming``, URL in ``RESPONSE_STREAM`` mode): its function URL over HTTP,
  signed with SigV4 for ``AWS_IAM`` (the caller is then whoever signed) or with the bearer token, so the
  chunks are printed as the function writes them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..errors import ServerError
from ..invoke_client import SESSION_HEADER, InvokeResult, error_detail, follow_events, reply_from_json
from .aws import AwsContext, aws_errors
from .errors import NoCredentials, NotDeployed
from .state import DeployState
from .targets.base import DeployedInvoke

SOURCE = "The lambda target"


def invoke_function(
    state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
) -> InvokeResult:
    url = state.resources.get("function_url", {})
    if url.get("invoke_mode") == "RESPONSE_STREAM":
        return _invoke_streaming_url(url, aws, call, on_text)
    function = state.resources.get("function", {}).get("name")
    alias = state.resources.get("alias", {}).get("name")
    if not function or not alias:
        raise NotDeployed(
            "The lambda deployment is incomplete (no function or alias recorded); run scaffold deploy."
        )
    lam = aws.client("lambda")
    with aws_errors(f"read the configuration of {function}:{alias}"):
        configuration = lam.get_function_configuration(FunctionName=function, Qualifier=alias)
    auth = (configuration.get("Environment") or {}).get("Variables", {}).get("AGENT_AUTH", "none")
    direct = auth == "iam"
    payload = call.request.payload() if direct else function_url_event(call)
    with aws_errors(f"invoke {function}:{alias}"):
        response = lam.invoke(
            FunctionName=function,
            Qualifier=alias,
            InvocationType="RequestResponse",
            Payload=json.dumps(payload).encode("utf-8"),
        )
        body = response["Payload"].read()
    if response.get("FunctionError"):
        raise ServerError(f"{SOURCE} failed: {_function_error(body)}")
    if direct:
        reply = reply_from_json(body, on_text, source=SOURCE)
        return InvokeResult(reply=reply, session_id=reply.get("session_id"))
    return parse_http_response(body, on_text)


def _invoke_streaming_url(
    url: dict[str, Any], aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
) -> InvokeResult:
    from ..invoke_client import invocation_url, invoke
    from .sigv4 import SigV4

    request = replace(call.request, url=invocation_url(str(url["url"])))
    if url.get("auth_type") == "AWS_IAM":
        credentials = aws.session.get_credentials()
        if credentials is None:
            raise NoCredentials("No AWS credentials to sign the request to the function URL with.")
        return invoke(request, on_text, auth=SigV4(credentials.get_frozen_credentials(), aws.region))
    if call.token:
        request = replace(request, bearer_token=call.token)
    return invoke(request, on_text)


def function_url_event(call: DeployedInvoke) -> dict[str, Any]:
    """The event a Lambda Function URL delivers for ``POST /invocations`` (payload format 2.0)."""
    request = call.request
    headers = {
        "content-type": "application/json",
        "user-agent": "agent-scaffold",
        **_lower(request.headers()),
    }
    if call.token:
        headers["authorization"] = f"Bearer {call.token}"
    if request.session_id:
        headers[SESSION_HEADER.lower()] = request.session_id
    now_ms = int(time.time() * 1000)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/invocations",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "http": {
                "method": "POST",
                "path": "/invocations",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "agent-scaffold",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now_ms / 1000)),
            "timeEpoch": now_ms,
        },
        "body": json.dumps(request.payload()),
        "isBase64Encoded": False,
    }


def parse_http_response(body: bytes, on_text: Callable[[str], None]) -> InvokeResult:
    """The handler's HTTP response (``statusCode``, ``headers``, ``body``): an error, a JSON reply or SSE."""
    try:
        response = json.loads(body)
    except ValueError:
        raise ServerError(f"{SOURCE} returned something that is not JSON.") from None
    if not isinstance(response, dict) or "statusCode" not in response:
        raise ServerError(f"{SOURCE} returned no HTTP response (statusCode, headers, body).")
    headers = _lower(response.get("headers") or {})
    text = response.get("body") or ""
    if response.get("isBase64Encoded"):
        import base64

        text = base64.b64decode(text).decode("utf-8", "replace")
    status = int(response["statusCode"])
    if status >= 400:
        try:
            detail, code = error_detail(json.loads(text), text.strip() or str(status))
        except ValueError:
            detail, code = error_detail(None, text.strip() or str(status))
        shown = f"{status} ({code})" if code else str(status)
        raise ServerError(f"{SOURCE} answered {shown}: {detail}")
    if "text/event-stream" in headers.get("content-type", ""):
        reply = follow_events(text.splitlines(), on_text, source=SOURCE)
    else:
        reply = reply_from_json(text, on_text, source=SOURCE)
    return InvokeResult(
        reply=reply, session_id=reply.get("session_id") or headers.get(SESSION_HEADER.lower())
    )


def _function_error(body: bytes) -> str:
    try:
        error = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:300]
    if isinstance(error, dict):
        return f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}"
    return str(error)[:300]


def _lower(headers: dict[str, Any]) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}
