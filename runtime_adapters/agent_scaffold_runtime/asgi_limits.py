"""ASGI middleware that refuses oversized request bodies before any handler buffers them.

Both HTTP adapters are Starlette apps whose handlers read the whole body; this guard counts bytes as they
arrive (chunked uploads too), so a huge body costs the server nothing and gets a 413, never a 500 or a hang.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import AdapterError, InvalidRequest, PayloadTooLarge


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if isinstance(declared, AdapterError):
            await _send_error(send, declared)
            return
        if declared is not None and declared > self.max_bytes:
            await _send_error(send, self._too_large(declared))
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await _send_error(send, self._too_large(received))

    def _too_large(self, size: int) -> PayloadTooLarge:
        return PayloadTooLarge(f"Request body is over {self.max_bytes} bytes (got at least {size}).")


def _content_length(scope: Scope) -> int | AdapterError | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return InvalidRequest("Content-Length header is not a number.")
            return length if length >= 0 else InvalidRequest("Content-Length header is negative.")
    return None


async def _send_error(send: Send, error: AdapterError) -> None:
    body: Any = json.dumps(error.body()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
