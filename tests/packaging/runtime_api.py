"""A small implementation of the Lambda Runtime API, enough for the official ``awslambdaric`` client.

The documented interface (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
``GET /2018-06-01/runtime/invocation/next`` long-polls for the next event and names it in
``Lambda-Runtime-Aws-Request-Id``; the runtime answers with ``POST .../invocation/<id>/response`` or
``.../invocation/<id>/error``, and reports a failed start with ``POST /2018-06-01/runtime/init/error``.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:packaged-agent"


@dataclass
class Outcome:
    kind: str  # "response" or "error"
    body: Any


class RuntimeAPI:
    def __init__(self) -> None:
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._outcomes: dict[str, Outcome] = {}
        self._done = threading.Condition()
        self.init_errors: list[Any] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> RuntimeAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def invoke(self, event: Any, timeout: float = 120) -> Outcome:
        """Queue ``event`` for the runtime and wait for what it posts back."""
        request_id = str(uuid.uuid4())
        self._events.put((request_id, event))
        deadline = time.monotonic() + timeout
        with self._done:
            while request_id not in self._outcomes:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.init_errors:
                    raise TimeoutError(f"no answer for {request_id}; init errors: {self.init_errors}")
                self._done.wait(min(remaining, 0.5))
            return self._outcomes.pop(request_id)

    def _finish(self, request_id: str, outcome: Outcome) -> None:
        with self._done:
            self._outcomes[request_id] = outcome
            self._done.notify_all()

    def _init_error(self, body: Any) -> None:
        with self._done:
            self.init_errors.append(body)
            self._done.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != f"{PREFIX}/invocation/next":
                    return self._reply(404, {"errorMessage": "not found"})
                request_id, event = api._events.get()  # long poll, as the real API does
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int((time.time() + 300) * 1000)))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN)
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                parts = self.path[len(PREFIX) :].strip("/").split("/")
                if parts == ["init", "error"]:
                    api._init_error(body)
                elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                    api._finish(parts[1], Outcome(parts[2], body))
                else:
                    return self._reply(404, {"errorMessage": "not found"})
                self._reply(202, {"status": "OK"})

            def _reply(self, status: int, document: Any) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
