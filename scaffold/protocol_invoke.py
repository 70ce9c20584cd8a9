"""``scaffold invoke --protocol ws|mcp|a2a|agui``: one prompt over another protocol, with its own client.

Each client prints text as it arrives (``on_text``) and returns an ``InvokeResult`` shaped like the HTTP
one (``reply["text"]`` at least), so the command prints every protocol the same way. URLs: a bare server
URL gets the protocol's path (``/ws``, ``/mcp``, ``/``, ``/invocations``); an explicit path is kept, as for
a deployed runtime (``https://bedrock-agentcore.<region>.amazonaws.com/runtimes/<arn>/invocations``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from .errors import BadInput, ConnectionFailed, ServerError
from .invoke_client import INVOCATIONS_PATH, SESSION_HEADER, InvokeRequest, InvokeResult, invocation_url

PROTOCOLS = ("http", "ws", "mcp", "a2a", "agui")
_DEFAULT_PATHS = {"ws": "/ws", "mcp": "/mcp", "a2a": "/", "agui": INVOCATIONS_PATH}

OnText = Callable[[str], None]


def protocol_url(raw: str, protocol: str) -> str:
    """The URL ``protocol`` is reached at, from what the user typed (``:8000``, a full URL, ...)."""
    parts = urlsplit(invocation_url(raw))  # validates, and adds /invocations to a bare server URL
    typed = raw.strip()
    typed = (
        typed
        if "://" in typed
        else f"http://127.0.0.1{typed}"
        if typed.startswith(":")
        else f"http://{typed}"
    )
    if urlsplit(typed).path in ("", "/"):
        parts = parts._replace(path=_DEFAULT_PATHS[protocol])
    elif protocol == "ws" and parts.path.endswith(INVOCATIONS_PATH):
        parts = parts._replace(path=parts.path[: -len(INVOCATIONS_PATH)] + "/ws")
    if protocol == "ws":
        parts = parts._replace(scheme="wss" if parts.scheme == "https" else "ws")
    return urlunsplit(parts)


def deployed_url(runtime_arn: str, protocol: str, qualifier: str = "live") -> str:
    """A deployed AgentCore runtime's data-plane URL for ``protocol`` (the region is the ARN's)."""
    region = runtime_arn.split(":")[3]
    path = "ws" if protocol == "ws" else "invocations"
    scheme = "wss" if protocol == "ws" else "https"
    host = f"bedrock-agentcore.{region}.amazonaws.com"
    return f"{scheme}://{host}/runtimes/{quote(runtime_arn, safe='')}/{path}?qualifier={qualifier}"


def invoke_protocol(
    protocol: str, url: str, request: InvokeRequest, token: str | None, on_text: OnText
) -> InvokeResult:
    clients = {"ws": _websocket, "mcp": _mcp, "a2a": _a2a, "agui": _agui}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if request.session_id:
        headers[SESSION_HEADER] = request.session_id
    try:
        return clients[protocol](url, request, headers, on_text)
    except (ServerError, BadInput):
        raise
    except (OSError, TimeoutError) as exc:
        raise ConnectionFailed(f"Could not reach {url} over {protocol}: {exc}.") from None
    except Exception as exc:  # an SDK's own error (HTTP status, protocol error): one line, no traceback
        raise ServerError(f"The {protocol} call to {url} failed: {type(exc).__name__}: {exc}") from None


def _websocket(url: str, request: InvokeRequest, headers: dict[str, str], on_text: OnText) -> InvokeResult:
    from websockets.sync.client import connect

    with connect(url, additional_headers=headers, open_timeout=request.timeout_s) as ws:
        ws.send(json.dumps({"prompt": request.prompt, **_session(request)}))
        while True:
            event = json.loads(ws.recv(timeout=request.timeout_s))
            if isinstance(event, str):
                on_text(event)
            elif "error" in event:
                raise ServerError(f"The agent failed: {event['error']} ({event.get('code', 'error')}).")
            else:
                reply: dict[str, Any] = event["reply"]
                return InvokeResult(reply=reply, session_id=reply.get("session_id"))


def _mcp(url: str, request: InvokeRequest, headers: dict[str, str], on_text: OnText) -> InvokeResult:
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    async def call() -> Any:
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await session.call_tool("ask_agent", {"prompt": request.prompt, **_session(request)})

    result = asyncio.run(call())
    text = "".join(getattr(block, "text", "") for block in result.content)
    if result.is_error:
        raise ServerError(f"The agent tool failed: {text}")
    on_text(text)
    return InvokeResult(reply={"text": text}, session_id=request.session_id)


def _a2a(url: str, request: InvokeRequest, headers: dict[str, str], on_text: OnText) -> InvokeResult:
    import httpx
    from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
    from a2a.types import Message, Part, Role, TextPart

    async def call() -> InvokeResult:
        async with httpx.AsyncClient(headers=headers, timeout=request.timeout_s) as http:
            card = await A2ACardResolver(http, url.rstrip("/")).get_agent_card()
            card.url = url
            client = ClientFactory(ClientConfig(httpx_client=http, streaming=request.stream)).create(card)
            message = Message(
                role=Role.user,
                parts=[Part(root=TextPart(text=request.prompt))],
                message_id=str(uuid.uuid4()),
                context_id=request.session_id,
            )
            task: Any = None
            async for event in client.send_message(message):
                if isinstance(event, tuple):
                    task, update = event
                    for part in getattr(getattr(update, "artifact", None), "parts", None) or []:
                        if isinstance(part.root, TextPart):
                            on_text(part.root.text)
            if task is None or task.status.state.value != "completed":
                state = task.status.state.value if task else "no task"
                raise ServerError(f"The A2A task ended {state}.")
            text = "".join(
                p.root.text for a in task.artifacts or [] for p in a.parts if isinstance(p.root, TextPart)
            )
            if not request.stream:
                on_text(text)
            return InvokeResult(
                reply={"text": text, "session_id": task.context_id}, session_id=task.context_id
            )

    return asyncio.run(call())


def _agui(url: str, request: InvokeRequest, headers: dict[str, str], on_text: OnText) -> InvokeResult:
    import httpx

    from .sse import iter_events

    run = {
        "threadId": request.session_id or str(uuid.uuid4()),
        "runId": str(uuid.uuid4()),
        "state": {},
        "messages": [{"id": str(uuid.uuid4()), "role": "user", "content": request.prompt}],
        "tools": [],
        "context": [],
        "forwardedProps": {},
    }
    with httpx.stream("POST", url, json=run, headers=headers, timeout=request.timeout_s) as response:
        if response.status_code != 200:
            raise ServerError(f"{url} answered HTTP {response.status_code}: {response.read()[:300]!r}")
        for event in iter_events(response.iter_lines()):
            kind = event.get("type") if isinstance(event, dict) else None
            if kind == "TEXT_MESSAGE_CONTENT":
                on_text(event["delta"])
            elif kind == "RUN_ERROR":
                raise ServerError(f"The agent failed: {event.get('message')} ({event.get('code')}).")
            elif kind == "RUN_FINISHED":
                reply = dict(event.get("result") or {})
                return InvokeResult(reply=reply, session_id=reply.get("session_id"))
    raise ServerError(f"The AG-UI stream from {url} ended without RUN_FINISHED.")


def _session(request: InvokeRequest) -> dict[str, str]:
    return {"session_id": request.session_id} if request.session_id else {}
