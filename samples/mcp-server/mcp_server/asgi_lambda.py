"""A minimal ASGI-to-Lambda bridge: run an ASGI app (here the MCP server) as a Lambda function handler.

Lambda hands the function an HTTP event (a Function URL or API Gateway HTTP API v2 event, or a REST API v1
event) and expects a dict back. ``AsgiLambdaHandler`` turns the event into one ASGI ``http`` request, runs
the app, buffers what it sends and returns it as the Lambda response. The event is normalised by the
runtime library's ``agent_scaffold_runtime.lambda_adapter.parse_http_event``, the parser the agents'
handlers use.

Lifespan: the MCP SDK's streamable-HTTP app starts its session manager in the ASGI lifespan, and that
manager can be started only once. So the bridge keeps one event loop per Lambda execution environment,
runs the lifespan's startup on the first event and leaves it running; each later invocation runs on the same
loop. (Per-invocation startup and shutdown, as some bridges do, fails on the second request here.) Lambda
freezes the process between invocations, which suspends the loop with it; there is no shutdown event.

Limits, on purpose: a buffered response (no response streaming: the MCP server answers JSON, not Server-Sent
Events), no WebSockets, and bodies are base64-encoded unless they are text (a text or JSON content type, or
UTF-8 without one).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote, urlencode

from agent_scaffold_runtime.errors import AdapterError
from agent_scaffold_runtime.lambda_adapter import HttpEvent, http_response, parse_http_event

logger = logging.getLogger("mcp_server.asgi_lambda")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_TEXT_TYPES = ("text/", "application/json", "application/problem+json", "application/xml")


class AsgiLambdaHandler:
    """``handler = AsgiLambdaHandler(create_app)``; the app is created on the first event."""

    def __init__(self, app_factory: Callable[[], ASGIApp]) -> None:
        self._factory = app_factory
        self._app: ASGIApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lifespan: asyncio.Task[None] | None = None
        self._state: dict[str, Any] = {}

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if not isinstance(event, dict) or not ("requestContext" in event or "httpMethod" in event):
            raise ValueError("This function answers HTTP events (Function URL or API Gateway) only.")
        try:
            http = parse_http_event(event)
        except AdapterError as error:
            return http_response(error.status, error.body())
        loop = self._started()
        return loop.run_until_complete(self._request(http, event))

    def close(self) -> None:
        """Stop the app's lifespan and close the loop (tests; Lambda never calls it)."""
        if self._loop is None:
            return
        if self._lifespan is not None and not self._lifespan.done():
            self._lifespan.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                self._loop.run_until_complete(self._lifespan)
        self._loop.close()
        self._loop = self._app = self._lifespan = None

    # -- lifespan --------------------------------------------------------------------------------------------

    def _started(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            self._app = self._factory()
            loop.run_until_complete(self._startup())
            self._loop = loop
        return self._loop

    async def _startup(self) -> None:
        assert self._app is not None
        loop = asyncio.get_running_loop()
        messages: asyncio.Queue[Message] = asyncio.Queue()
        messages.put_nowait({"type": "lifespan.startup"})
        started: asyncio.Future[None] = loop.create_future()

        async def send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and not started.done():
                started.set_result(None)
            elif message["type"] == "lifespan.startup.failed" and not started.done():
                started.set_exception(RuntimeError(f"ASGI startup failed: {message.get('message', '')}"))

        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self._state}
        self._lifespan = loop.create_task(self._app(scope, messages.get, send))
        done, _ = await asyncio.wait({started, self._lifespan}, return_when=asyncio.FIRST_COMPLETED)
        if started in done:
            started.result()  # raises when the app reported a failed startup
            return
        # The app returned (or raised) before completing startup: it does not support the lifespan protocol.
        started.cancel()
        error = self._lifespan.exception()
        logger.info("The ASGI app runs no lifespan (%s); continuing without one", error or "it returned")

    # -- one request -----------------------------------------------------------------------------------------

    async def _request(self, http: HttpEvent, event: dict[str, Any]) -> dict[str, Any]:
        assert self._app is not None
        scope = _http_scope(http, event, dict(self._state))
        body_sent = False
        finished = asyncio.Event()
        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": http.body, "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    finished.set()

        try:
            await self._app(scope, receive, send)
        except Exception:
            logger.exception("The ASGI app failed on %s %s", http.method, http.path)
            return http_response(500, {"error": "Internal error.", "code": "internal_error"})
        finally:
            finished.set()
        return _lambda_response(status, headers, b"".join(chunks), version=event.get("version"))


def _http_scope(http: HttpEvent, event: dict[str, Any], state: dict[str, Any]) -> Scope:
    headers = dict(http.headers)
    if event.get("cookies"):  # payload v2 moves cookies out of the headers
        headers["cookie"] = "; ".join(event["cookies"])
    context = event.get("requestContext") or {}
    source_ip = (context.get("http") or {}).get("sourceIp") or (context.get("identity") or {}).get("sourceIp")
    host = headers.get("host", "lambda")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": http.method,
        "scheme": headers.get("x-forwarded-proto", "https"),
        "path": unquote(http.path),
        "raw_path": http.path.encode("utf-8"),
        "root_path": "",
        "query_string": _query_string(event).encode("utf-8"),
        "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()],
        "client": (source_ip or "0.0.0.0", 0),
        "server": (host.split(":")[0], int(headers.get("x-forwarded-port", "443"))),
        "state": state,
    }


def _query_string(event: dict[str, Any]) -> str:
    if event.get("version") == "2.0":
        return str(event.get("rawQueryString") or "")
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        return urlencode([(key, value) for key, values in multi.items() for value in values])
    return urlencode(event.get("queryStringParameters") or {})


def _lambda_response(
    status: int, headers: list[tuple[bytes, bytes]], body: bytes, *, version: str | None
) -> dict[str, Any]:
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "set-cookie":
            cookies.append(value)
        else:
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
    response: dict[str, Any] = {"statusCode": status, "headers": merged}
    if cookies and version == "2.0":
        response["cookies"] = cookies
    elif cookies:
        response["multiValueHeaders"] = {"set-cookie": cookies}
    text = _as_text(body, merged.get("content-type"))
    if text is not None:
        response.update(body=text, isBase64Encoded=False)
    else:
        response.update(body=base64.b64encode(body).decode("ascii"), isBase64Encoded=True)
    return response


def _as_text(body: bytes, content_type: str | None) -> str | None:
    """The body as text when it is text (by its type, or UTF-8 without a type); ``None`` for binary."""
    if content_type is not None and not content_type.startswith(_TEXT_TYPES):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
