"""Call a running agent server over the wire contract (docs/architecture.md) and follow its stream.

Kept apart from the click command so the protocol logic has no output concerns: text chunks go to a
callback as they arrive, the final reply is returned, and every failure is a one-line ``ScaffoldError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .errors import BadInput, ConnectionFailed, ServerError
from .sse import iter_events
from .targets import SERVER_TARGETS

if TYPE_CHECKING:
    import httpx

INVOCATIONS_PATH = "/invocations"
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
EVENT_STREAM = "text/event-stream"
DEFAULT_TIMEOUT_S = 300.0
_CONNECT_TIMEOUT_S = 10.0
_MAX_ERROR_BODY_CHARS = 300


@dataclass(frozen=True)
class InvokeRequest:
    url: str
    prompt: str
    session_id: str | None = None
    stream: bool = True
    timeout_s: float = DEFAULT_TIMEOUT_S
    bearer_token: str | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"prompt": self.prompt, "stream": self.stream}
        if self.session_id is not None:
            body["session_id"] = self.session_id
        return body

    def headers(self) -> dict[str, str]:
        headers = {"Accept": EVENT_STREAM if self.stream else "application/json"}
        if self.bearer_token:
            headers["Authorization"] = f"Bearer {self.bearer_token}"
        return headers


@dataclass(frozen=True)
class InvokeResult:
    reply: dict[str, Any]
    session_id: str | None


def invocation_url(raw: str) -> str:
    """``localhost:8080`` -> ``http://localhost:8080/invocations``; an explicit path is kept as given.

    A bare ``:8080`` means this machine, the shortest way to reach ``scaffold serve``.
    """
    text = raw.strip()
    if text.startswith(":"):
        text = f"127.0.0.1{text}"
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _has_valid_port(text):
        raise BadInput(f"Invalid URL {raw!r}. Example: --url http://127.0.0.1:8080")
    if parts.path in ("", "/"):
        parts = parts._replace(path=INVOCATIONS_PATH)
    return urlunsplit(parts)


def _has_valid_port(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 - reading it validates it (a number in 0-65535)
    except ValueError:
        return False
    return True


def invoke(
    request: InvokeRequest, on_text: Callable[[str], None], *, auth: httpx.Auth | None = None
) -> InvokeResult:
    """POST the prompt; stream text chunks to ``on_text``; return the final reply.

    ``auth`` signs or decorates the request (SigV4 for an ``AWS_IAM`` function URL, a bearer token).
    """
    import httpx

    timeout = httpx.Timeout(request.timeout_s, connect=min(request.timeout_s, _CONNECT_TIMEOUT_S))
    body = json.dumps(request.payload()).encode("utf-8")
    headers = {**request.headers(), "Content-Type": "application/json"}
    try:
        with (
            httpx.Client(timeout=timeout, auth=auth) as client,
            client.stream("POST", request.url, content=body, headers=headers) as response,
        ):
            if not response.is_success:
                response.read()
                raise ServerError(_error_message(request.url, response))
            if EVENT_STREAM in response.headers.get("content-type", ""):
                reply = _follow_stream(response, on_text)
            else:
                reply = _read_json_reply(response, on_text)
            session_id = reply.get("session_id") or response.headers.get(SESSION_HEADER)
            return InvokeResult(reply=reply, session_id=session_id)
    except httpx.ConnectError:
        raise ConnectionFailed(
            f"Could not connect to {request.url}: is the server running? ({_serve_hint(request.url)})"
        ) from None
    except httpx.TimeoutException:
        raise ServerError(
            f"No answer from {request.url} within {request.timeout_s:g} s; raise the limit with --timeout."
        ) from None
    except httpx.HTTPError as exc:
        raise ConnectionFailed(f"The request to {request.url} failed: {exc or type(exc).__name__}") from None


def _follow_stream(response: httpx.Response, on_text: Callable[[str], None]) -> dict[str, Any]:
    return follow_events(response.iter_lines(), on_text, source=f"The server at {response.url}")


def follow_events(lines: Iterable[str], on_text: Callable[[str], None], *, source: str) -> dict[str, Any]:
    """Read a wire-contract SSE stream: text chunks to ``on_text``, the final reply returned.

    Shared by every transport (httpx here, a Lambda response body, an AgentCore stream); ``source`` names the
    sender in errors ("The server at URL", "The lambda target").
    """
    for event in iter_events(lines):
        if isinstance(event, str):
            on_text(event)
        elif isinstance(event, dict) and "error" in event:
            raise ServerError(f"The agent failed mid-stream: {event['error']}")
        elif isinstance(event, dict) and event.get("done"):
            reply = event.get("reply")
            return reply if isinstance(reply, dict) else {"text": str(event.get("text", ""))}
    raise ServerError(f"{source} ended the stream without a final reply.")


def reply_from_json(raw: bytes | str, on_text: Callable[[str], None], *, source: str) -> dict[str, Any]:
    """A plain JSON reply object; its text goes to ``on_text`` in one piece."""
    try:
        reply = json.loads(raw)
    except ValueError:
        raise ServerError(f"{source} answered with something that is not JSON.") from None
    if not isinstance(reply, dict):
        raise ServerError(f"{source} answered with JSON that is not a reply object.")
    on_text(str(reply.get("text", "")))
    return reply


def error_detail(body: Any, fallback: str) -> tuple[str, str | None]:
    """The ``error`` message and machine ``code`` of a wire-contract error body, else ``fallback``."""
    if isinstance(body, dict) and "error" in body:
        code = body.get("code")
        return str(body["error"]), None if code is None else str(code)
    return fallback[:_MAX_ERROR_BODY_CHARS], None


def _read_json_reply(response: httpx.Response, on_text: Callable[[str], None]) -> dict[str, Any]:
    """A plain JSON reply: asked for with --no-stream, or from a server that does not stream."""
    response.read()
    return reply_from_json(response.content, on_text, source=f"The server at {response.url}")


def _error_message(url: str, response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    detail, code = error_detail(body, response.text.strip() or response.reason_phrase)
    status = f"{response.status_code} ({code})" if code else str(response.status_code)
    return f"The server at {url} answered {status}: {detail}"


def _serve_hint(url: str) -> str:
    """Suggest the target whose default port the URL uses (fastapi for :8000), agentcore otherwise."""
    port = urlsplit(url).port
    by_port = {target.default_port: target.name for target in SERVER_TARGETS.values()}
    return f"scaffold serve --target {by_port.get(port or 0, 'agentcore')}"
