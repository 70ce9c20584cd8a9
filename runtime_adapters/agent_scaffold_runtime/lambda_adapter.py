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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import snapstart, sse
from .errors import AdapterError, InvalidJSON, InvalidRequest, MethodNotAllowed, NotFound
from .identity import Principal
from .protocol import (
    SESSION_HEADER,
    InvocationRequest,
    Limits,
    parse_body,
    parse_payload,
    wants_stream,
)
from .service import AgentService, Call
from .streaming import AgentSource

logger = logging.getLogger("agent_scaffold_runtime")

LambdaHandler = Callable[[dict[str, Any], Any], Any]
DIRECT_INVOKER = Principal(user_id="lambda-direct-invoke", auth_method="iam")


class DirectInvocationError(Exception):
    """Raised for a direct (non-HTTP) invoke, so the caller sees a real Lambda function error."""


@dataclass(frozen=True)
class HttpEvent:
    """The HTTP request in a Lambda event; the body stays undecoded until the caller is authenticated."""

    method: str
    path: str
    headers: dict[str, str]
    raw_body: Any = None
    base64: bool = False

    @property
    def body(self) -> bytes:
        return _decoded_body(self.raw_body, self.base64)


def create_handler(
    agent: AgentSource, *, defaults: Mapping[str, Any] | None = None, limits: Limits | None = None
) -> LambdaHandler:
    """The Lambda handler for ``agent``; with SnapStart, its init work moves into the snapshot.

    Without SnapStart the pipeline and the core are built on the first event, so a cold start imports
    nothing it does not use. Where Lambda's SnapStart library is present (Python 3.12+ managed runtimes),
    hooks are registered that build both before the snapshot and renew caches after a restore
    (``snapstart``); they only run when the function is published with SnapStart on.
    """
    built: list[AgentService] = []

    def pipeline() -> AgentService:
        if not built:
            built.append(AgentService(agent, target="lambda", defaults=defaults, limits=limits))
        return built[0]

    def prepare() -> None:
        service = pipeline()
        load = getattr(agent, "load", None)
        if load is not None:
            load()
        snapstart.warm_imports(dict(defaults or {}))
        snapstart.warm_turn()
        handler({"rawPath": "/ping", "version": "2.0", "requestContext": {"http": {"method": "GET"}}}, None)
        # A request parsed, not answered: the body's decoding (its codec is imported on first use) and the
        # schema check run now, so a restored environment's first invoke imports nothing.
        _route(parse_http_event(_WARM_INVOCATION), service.limits)
        logger.info("SnapStart: init done before the snapshot (target %s)", service.target)

    def renew() -> None:
        snapstart.renew(pipeline().authenticator)

    def handler(event: dict[str, Any], context: Any) -> Any:
        service = pipeline()
        if not isinstance(event, dict):
            raise DirectInvocationError("Event must be a JSON object.")
        if not _is_http_event(event):
            return _direct(service, event)
        started = time.monotonic()
        principal = None
        try:
            http = parse_http_event(event)
            if _is_ping(http):  # one event at a time per instance: never busy when asked
                return http_response(200, {"status": "Healthy", "time_of_last_update": int(time.time())})
            principal = service.authenticate(http.headers, event.get("requestContext"))
            request = _route(http, service.limits)
        except AdapterError as error:
            service.rejected(error, started=started, principal=principal)
            return http_response(error.status, error.body(), extra_headers=error.headers())
        return _invoke(service, service.accept(principal, request, http.headers, started), http)

    snapstart.register(prepare, renew)
    return handler


_WARM_INVOCATION: dict[str, Any] = {
    "rawPath": "/invocations",
    "version": "2.0",
    "requestContext": {"http": {"method": "POST"}},
    "headers": {"content-type": "application/json"},
    "body": json.dumps({"prompt": snapstart.WARM_PROMPT}),
    "isBase64Encoded": False,
}


def _is_http_event(event: dict[str, Any]) -> bool:
    return "requestContext" in event or "httpMethod" in event or "routeKey" in event


def parse_http_event(event: dict[str, Any]) -> HttpEvent:
    """Normalise the three HTTP event shapes Lambda receives into one.

    A header sent more than once arrives comma-joined in payload v2 (HTTP API, Function URL) and as a list
    in the REST API's ``multiValueHeaders`` (whose ``headers`` keeps only the last); both become one
    comma-joined value here, so every shape gives the authenticator the same view of a repeated header.
    """
    if event.get("version") == "2.0":
        method = event.get("requestContext", {}).get("http", {}).get("method", "")
        path = event.get("rawPath") or "/"
    else:
        method = event.get("httpMethod") or ""
        path = event.get("path") or "/"
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if isinstance(values, list) and values:
            headers[str(name).lower()] = ",".join(str(value) for value in values)
    return HttpEvent(
        method=str(method).upper(),
        path=str(path),
        headers=headers,
        raw_body=event.get("body"),
        base64=bool(event.get("isBase64Encoded")),
    )


def _decoded_body(raw: Any, is_base64: bool) -> bytes:
    raw = raw or ""
    if is_base64:
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("Request body is marked base64 but is not valid base64.") from None
    if isinstance(raw, str):
        try:
            return raw.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which the event's JSON may carry as "\ud800"
            raise InvalidJSON("Request body is not valid UTF-8.") from None
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw)
    raise InvalidRequest("Request body must be a string.")


def _is_ping(http: HttpEvent) -> bool:
    if not (http.path.rstrip("/") or "/").endswith("/ping"):
        return False
    if http.method != "GET":
        raise MethodNotAllowed("Use GET for /ping.", allow="GET")
    return True


def _route(http: HttpEvent, limits: Limits) -> InvocationRequest:
    path = http.path.rstrip("/") or "/"
    if path == "/" or path.endswith("/invocations"):
        if http.method != "POST":
            raise MethodNotAllowed(f"Use POST for {http.path}.", allow="POST")
        return parse_body(http.body, limits, session_header=http.headers.get(SESSION_HEADER.lower()))
    raise NotFound(f"No route for {http.path}; use POST /invocations or GET /ping.")


def _invoke(service: AgentService, call: Call, http: HttpEvent) -> dict[str, Any]:
    headers = {SESSION_HEADER: call.session_id}
    try:
        if wants_stream(call.request, http.headers.get("accept")):
            body = b"".join(sse.encode(event) for event in service.events_sync(call)).decode("utf-8")
            return http_response(200, body, content_type=sse.MEDIA_TYPE, extra_headers=headers)
        reply = service.reply_sync(call)
    except AdapterError as error:
        return http_response(error.status, error.body(), extra_headers={**error.headers(), **headers})
    return http_response(200, reply.to_dict(), extra_headers=headers)


def _direct(service: AgentService, event: dict[str, Any]) -> dict[str, Any]:
    """A direct invoke (``aws lambda invoke``) is already authorised by IAM: the caller's principal is the
    invoking role, which Lambda does not pass to the function; sessions are namespaced as ``iam``."""
    started = time.monotonic()
    try:
        request = parse_payload(event, service.limits)
        call = service.accept(DIRECT_INVOKER, request, {}, started)
        return service.reply_sync(call).to_dict()
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
