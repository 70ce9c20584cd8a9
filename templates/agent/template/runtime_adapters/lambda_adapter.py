"""AWS Lambda target: API Gateway REST (payload v1), HTTP API (v2), Function URL events, or a direct invoke.

Imports only the standard library and this package at cold start; the core (and Strands) is imported on the
first request through ``AgentRef``. The Python managed runtime cannot stream a response, so a request that
asks for ``stream`` gets the same SSE events in one buffered body, which every SSE client still parses.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import sse
from .errors import AdapterError, InvalidRequest, MethodNotAllowed, NotFound, from_agent_failure
from .invocation import AgentSource
from .protocol import (
    ANONYMOUS_USER,
    SESSION_HEADER,
    InvocationRequest,
    Limits,
    parse_body,
    parse_payload,
    wants_stream,
)
from .reply import AgentReply, new_session_id
from .streaming import run_sync

logger = logging.getLogger("runtime_adapters")

LambdaHandler = Callable[[dict[str, Any], Any], Any]


class DirectInvocationError(Exception):
    """Raised for a direct (non-HTTP) invoke, so the caller sees a real Lambda function error."""


@dataclass(frozen=True)
class HttpEvent:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def create_handler(agent: AgentSource, *, limits: Limits | None = None) -> LambdaHandler:
    configured = limits

    def handler(event: dict[str, Any], context: Any) -> Any:
        limits = configured or Limits.from_env()
        if not isinstance(event, dict):
            raise DirectInvocationError("Event must be a JSON object.")
        if not _is_http_event(event):
            return _direct(agent, event, limits)
        try:
            http = parse_http_event(event)
            return _route(agent, http, limits)
        except AdapterError as error:
            allow = {"allow": error.allow} if isinstance(error, MethodNotAllowed) else {}
            return http_response(error.status, error.body(), extra_headers=allow)

    return handler


def _is_http_event(event: dict[str, Any]) -> bool:
    return "requestContext" in event or "httpMethod" in event or "routeKey" in event


def parse_http_event(event: dict[str, Any]) -> HttpEvent:
    """Normalise the three HTTP event shapes Lambda receives into one."""
    if event.get("version") == "2.0":
        method = event.get("requestContext", {}).get("http", {}).get("method", "")
        path = event.get("rawPath") or "/"
    else:
        method = event.get("httpMethod") or ""
        path = event.get("path") or "/"
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("Request body is marked base64 but is not valid base64.") from None
    else:
        body = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    return HttpEvent(method=method.upper(), path=path, headers=headers, body=body)


def _route(agent: AgentSource, http: HttpEvent, limits: Limits) -> dict[str, Any]:
    path = http.path.rstrip("/") or "/"
    if path.endswith("/ping"):
        if http.method != "GET":
            raise MethodNotAllowed("Use GET for /ping.", allow="GET")
        return http_response(200, {"status": "Healthy"})
    if path == "/" or path.endswith("/invocations"):
        if http.method != "POST":
            raise MethodNotAllowed(f"Use POST for {http.path}.", allow="POST")
        request = parse_body(http.body, limits, session_header=http.headers.get(SESSION_HEADER.lower()))
        return _invoke(agent, request, accept=http.headers.get("accept"))
    raise NotFound(f"No route for {http.path}; use POST /invocations or GET /ping.")


def _invoke(agent: AgentSource, request: InvocationRequest, *, accept: str | None) -> dict[str, Any]:
    session_id = request.session_id or new_session_id()
    headers = {SESSION_HEADER: session_id}
    try:
        if wants_stream(request, accept):
            events = _buffered_events(agent, request, session_id)
            body = b"".join(sse.encode(event) for event in events).decode("utf-8")
            return http_response(200, body, content_type=sse.MEDIA_TYPE, extra_headers=headers)
        reply = _call(agent, request, session_id)
    except AdapterError as error:
        return http_response(error.status, error.body(), extra_headers=headers)
    return http_response(200, reply.to_dict(), extra_headers=headers)


def _call(agent: AgentSource, request: InvocationRequest, session_id: str) -> AgentReply:
    try:
        return agent.call(
            ANONYMOUS_USER, request.prompt, session_id=session_id, context=dict(request.context)
        )
    except AdapterError:
        raise
    except Exception as exc:
        logger.exception("Agent invocation failed")
        raise from_agent_failure(exc) from exc


def _buffered_events(agent: AgentSource, request: InvocationRequest, session_id: str) -> list[Any]:
    async def collect() -> list[Any]:
        stream = agent.stream(
            ANONYMOUS_USER, request.prompt, session_id=session_id, context=dict(request.context)
        )
        return [sse.event_for(item) async for item in stream]

    try:
        return run_sync(collect)
    except AdapterError:
        raise
    except Exception as exc:
        logger.exception("Agent invocation failed")
        raise from_agent_failure(exc) from exc


def _direct(agent: AgentSource, event: dict[str, Any], limits: Limits) -> dict[str, Any]:
    try:
        request = parse_payload(event, limits)
        return _call(agent, request, request.session_id or new_session_id()).to_dict()
    except AdapterError as error:
        raise DirectInvocationError(f"{error.status} {error.code}: {error.message}") from None


def http_response(
    status: int,
    body: Any,
    *,
    content_type: str = "application/json",
    extra_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A response both API Gateway payload versions and Function URLs accept."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **(extra_headers or {})},
        "body": text,
        "isBase64Encoded": False,
    }
