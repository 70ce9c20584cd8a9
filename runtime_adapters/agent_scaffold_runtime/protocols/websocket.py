"""``/ws``: the ``/invocations`` contract over one WebSocket, both ways, for as many turns as a client wants.

* **Requests** are text frames holding the ``/invocations`` JSON body (``prompt``, ``session_id``,
  ``context``; ``stream`` is accepted and ignored: a WebSocket always streams).
* **Events** are text frames holding exactly what an SSE ``data:`` line holds: JSON strings (text chunks),
  then ``{"done": true, "text": "", "reply": {...}}``, or ``{"error": ..., "code": ...}``.
* **Several turns** share the connection, and by default one session: the session id comes from the
  request, else the ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` header or query parameter, else a fresh
  one kept for the connection's later turns. One turn runs at a time; a prompt sent during a turn gets a
  ``busy`` error frame.
* **Cancellation**: ``{"cancel": true}`` stops the running turn (the agent's task is cancelled, the request
  log line says 499) and answers ``{"error": ..., "code": "cancelled"}``; closing the socket does the same.
* **Auth on connect**: the ``Authorization`` header, or the browser form AgentCore documents (see
  ``auth_headers``). A refused caller gets one error frame and close code 1008 (policy violation).
* **Bad frames never crash the connection**: bad JSON or a bad request is an error frame and the socket
  stays open; a binary frame is an error frame and close 1003 (unsupported data); invalid UTF-8 is closed
  1007 by the WebSocket layer itself. A normal end is close 1000.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..errors import AdapterError, InvalidJSON
from ..health import Health
from ..identity import Principal
from ..protocol import SESSION_HEADER, SESSION_ID_PATTERN, parse_payload
from ..reply import new_session_id
from ..service import AgentService, Call
from .auth_headers import BROWSER_BEARER_PROTOCOL, with_browser_credentials

NORMAL_CLOSURE = 1000
UNSUPPORTED_DATA = 1003
POLICY_VIOLATION = 1008
_SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)


class Connection:
    """One client's socket: a reader loop, at most one running turn, and a lock so frames never interleave."""

    def __init__(
        self,
        websocket: WebSocket,
        service: AgentService,
        principal: Principal,
        session_id: str,
        health: Health | None = None,
    ) -> None:
        self.websocket = websocket
        self.service = service
        self.health = health
        self.principal = principal
        self.session_id = session_id
        self.headers = dict(websocket.headers)
        self.turn: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()

    async def send(self, event: Any) -> None:
        async with self._send_lock:
            await self.websocket.send_text(json.dumps(event, ensure_ascii=False))

    async def serve(self) -> None:
        try:
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("bytes") is not None:
                    await self.send(_error("Send text frames holding JSON, not binary.", "unsupported_data"))
                    await self.websocket.close(UNSUPPORTED_DATA, "binary frames are not supported")
                    return
                await self.handle(message.get("text") or "")
        finally:
            await self.cancel_turn()

    async def handle(self, text: str) -> None:
        limits = self.service.limits
        if len(text.encode("utf-8")) > limits.max_body_bytes:
            await self.send(_error(f"Frame is over {limits.max_body_bytes} bytes.", "payload_too_large"))
            return
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            await self.send(InvalidJSON(f"Frame is not valid JSON: {exc}").body())
            return
        if isinstance(payload, dict) and payload.get("cancel") is True and len(payload) == 1:
            if not await self.cancel_turn():
                await self.send(_error("No turn is running.", "not_running"))
            return
        if self.turn is not None and not self.turn.done():
            busy = 'A turn is already running; wait for it or send {"cancel": true}.'
            await self.send(_error(busy, "busy"))
            return
        started = time.monotonic()
        if isinstance(payload, dict):
            payload = {key: value for key, value in payload.items() if key != "stream"}
        try:
            request = parse_payload(payload, limits, session_header=self.session_id)
        except AdapterError as error:
            self.service.rejected(error, started=started, principal=self.principal)
            await self.send(error.body())
            return
        call = self.service.accept(self.principal, request, self.headers, started)
        self.session_id = call.session_id
        self.turn = asyncio.create_task(self.run_turn(call))

    async def run_turn(self, call: Call) -> None:
        """Stream one turn's events; a client that left mid-turn just ends it (the service logs a 499).

        A running turn counts as work in flight, so ``/ping`` says ``HealthyBusy`` meanwhile.
        """
        if self.health is not None:
            self.health.started()
        try:
            await self._stream_turn(call)
        finally:
            if self.health is not None:
                self.health.finished()

    async def _stream_turn(self, call: Call) -> None:
        with contextlib.suppress(WebSocketDisconnect):
            try:
                events = await self.service.events(call)
            except AdapterError as error:
                await self.send(error.body())
                return
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    await self.send(event)

    async def cancel_turn(self) -> bool:
        """Cancel the running turn and wait until the agent has stopped; True if one was running."""
        turn = self.turn
        if turn is None or turn.done():
            return False
        turn.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await turn
        if self.websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await self.send(_error("The turn was cancelled.", "cancelled"))
        return True


async def serve_websocket(websocket: WebSocket, service: AgentService, health: Health | None = None) -> None:
    """Authenticate on connect, then serve turns until the client closes (the ``/ws`` route's body)."""
    started = time.monotonic()
    offered = list(websocket.scope.get("subprotocols") or [])
    subprotocol = BROWSER_BEARER_PROTOCOL if BROWSER_BEARER_PROTOCOL in offered else None
    headers = with_browser_credentials(websocket.headers, offered)
    await websocket.accept(subprotocol=subprotocol)
    try:
        principal = await service.authenticate_async(headers)
    except AdapterError as error:
        service.rejected(error, started=started)
        await websocket.send_text(json.dumps(error.body()))
        await websocket.close(POLICY_VIOLATION, _reason(error.message))
        return
    session_id = _session_id(headers, websocket.query_params)
    connection = Connection(websocket, service, principal, session_id, health)
    with contextlib.suppress(WebSocketDisconnect):
        await connection.serve()
        if websocket.application_state == WebSocketState.CONNECTED:
            await websocket.close(NORMAL_CLOSURE)


def _session_id(headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    """The connection's session: header, then the browser's query parameter, else a fresh one."""
    candidate = headers.get(SESSION_HEADER.lower()) or query.get(SESSION_HEADER) or ""
    return candidate if _SESSION_ID_RE.match(candidate) else new_session_id()


def _error(message: str, code: str) -> dict[str, str]:
    return {"error": message, "code": code}


def _reason(message: str) -> str:
    """Close reasons are limited to 123 bytes by RFC 6455."""
    encoded = message.encode("utf-8")[:120]
    return encoded.decode("utf-8", errors="ignore")
