"""Test helpers for projects: an offline environment for every test, call any target's entrypoint
in-process, serve an app on a real loopback socket, and collect the request log and the spans.

The runtime's pytest plugin (``pytest_fixtures``, which a project's ``tests/conftest.py`` loads) wraps these
in fixtures (``entrypoint``, ``invoke``, ``request_log``), so a project's tests say what they check, not how
an HTTP request, a Lambda event or a command line is put together.
Nothing here is used in production; Starlette (for the HTTP targets) and uvicorn are imported only when
called.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

REQUEST_LOGGER = "agent_scaffold_runtime.requests"

#: The entrypoint module of each target, under ``<package>.entrypoints`` (the template generates them).
ENTRYPOINT_MODULES = {
    "agentcore": "agentcore_app",
    "lambda": "lambda_handler",
    "fastapi": "http_app",
    "local": "local",
}


def offline_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, *, guardrails: str = "none"
) -> None:
    """Set the environment for one offline test, whatever the shell exports and whatever the project's
    production answers are: what a project's autouse fixture in ``tests/conftest.py`` calls.

    The deterministic offline model (``offline_model``; no model id or system prompt from the shell),
    sessions and the command line's log in temporary directories (a test run writes nothing into the
    project), anonymous callers, nothing exported, no prompt logging, and ``guardrails`` (``local`` for a
    project with the local policy, else ``none``). Local test servers (a JWKS, an OTLP collector) are
    never reached through a proxy. Tests of a feature (auth, memory, guardrails, telemetry) set their own
    ``AGENT_*`` variables on top.
    """
    for name, value in {
        "AGENT_MODEL_PROVIDER": "offline",
        "AGENT_MEMORY": "file",
        "AGENT_SESSION_DIR": str(tmp_path_factory.mktemp("sessions")),
        "AGENT_LOG_FILE": str(tmp_path_factory.mktemp("logs") / "local.log"),
        "AGENT_AUTH": "none",
        "AGENT_GUARDRAILS": guardrails,
        "AGENT_TELEMETRY": "none",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }.items():
        monkeypatch.setenv(name, value)
    unset = ("AGENT_MODEL_ID", "AGENT_SYSTEM_PROMPT", "AGENT_LOG_PROMPTS", "AGENT_TELEMETRY_HASH_USER_ID")
    for name in unset:
        monkeypatch.delenv(name, raising=False)


def load_entrypoint(package: str, target: str) -> ModuleType:
    """``package``'s entrypoint module for ``target``, imported afresh (``importlib.reload``) so that the app
    or handler it creates at import reads the current environment, not the one of an earlier test."""
    if target not in ENTRYPOINT_MODULES:
        raise ValueError(f"unknown target {target!r}: choose one of {', '.join(ENTRYPOINT_MODULES)}")
    module = importlib.import_module(f"{package}.entrypoints.{ENTRYPOINT_MODULES[target]}")
    return importlib.reload(module)


@dataclass(frozen=True)
class Response:
    """What a target answered: status, headers (lower-case names) and the JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any


def lambda_context(function_name: str) -> SimpleNamespace:
    return SimpleNamespace(
        function_name=function_name,
        aws_request_id="test-request",
        get_remaining_time_in_millis=lambda: 30_000,
    )


def call_target(
    module: ModuleType,
    target: str,
    prompt: str,
    *,
    headers: Mapping[str, str] | None = None,
    session_id: str | None = None,
    request_context: Mapping[str, Any] | None = None,
) -> Response:
    """One JSON request to ``target`` through its entrypoint ``module``.

    HTTP targets get ``POST /invocations`` through Starlette's test client; a Lambda handler an HTTP API /
    function URL (payload 2.0) event whose ``requestContext`` can be extended (``authorizer`` for IAM);
    the local target runs its command line with ``--json`` (headers do not apply to it).
    """
    body: dict[str, Any] = {"prompt": prompt}
    if session_id is not None:
        body["session_id"] = session_id
    if target == "local":
        return _call_local(module, body)
    if target == "lambda":
        return _call_lambda(module, body, headers or {}, request_context or {})
    from starlette.testclient import TestClient  # the server targets' dependency

    with TestClient(module.app) as client:
        response = client.post("/invocations", json=body, headers=dict(headers or {}))
    response_headers = {k.lower(): v for k, v in response.headers.items()}
    return Response(response.status_code, response_headers, response.json())


def _call_lambda(
    module: ModuleType, body: dict[str, Any], headers: Mapping[str, str], request_context: Mapping[str, Any]
) -> Response:
    event = {
        "version": "2.0",
        "rawPath": "/invocations",
        "requestContext": {"http": {"method": "POST", "path": "/invocations"}, **request_context},
        "headers": {"content-type": "application/json", **headers},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }
    name = module.__name__.split(".", 1)[0].replace("_", "-")
    result = module.handler(event, lambda_context(name))
    response_headers = {k.lower(): v for k, v in result["headers"].items()}
    return Response(result["statusCode"], response_headers, json.loads(result["body"]))


def _call_local(module: ModuleType, body: dict[str, Any]) -> Response:
    argv = ["--json", body["prompt"]]
    if "session_id" in body:
        argv[1:1] = ["--session-id", body["session_id"]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = module.main(argv)
    return Response(200 if status == 0 else 500, {}, json.loads(out.getvalue() or "null"))


@contextlib.contextmanager
def serving(app: Any, start_timeout: float = 20.0) -> Iterator[str]:
    """``app`` under uvicorn in a thread, on a loopback socket bound before it starts (so no other process
    can take the port); yields the base URL once uvicorn has started, and stops it when the block ends."""
    import uvicorn  # the server targets' dependency

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:  # uvicorn sets it once it listens; there is no event to wait on
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def collect_request_log() -> Iterator[list[logging.LogRecord]]:
    """The records written on the request logger while the block runs."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger(REQUEST_LOGGER)
    handler, level = Collect(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # the local target quiets the package logger to WARNING
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def capture_spans() -> InMemorySpanExporter:
    """An in-memory exporter on the process's global tracer provider, which keeps every finished span for
    the test to read. OpenTelemetry allows one provider per process (set here if none is): call it once,
    from a session-scoped fixture."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    if not isinstance(provider, TracerProvider):
        raise RuntimeError(f"the global tracer provider is a {type(provider).__name__}, not the SDK's")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter
