"""Shared test setup: every test runs offline (offline model, sessions in a temporary directory, anonymous
callers, nothing exported), whatever the project's production answers are. Feature tests (auth, memory,
guardrails, telemetry) set their own ``AGENT_*`` variables on top.

Adapters read their settings (auth mode, telemetry) when their app or handler is created, so tests never
use an app built at import time: the ``entrypoint`` fixture imports the entrypoint module afresh, after the
test's environment is in place, and ``invoke`` calls any target with it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

PACKAGE = "research_orchestrator"
#: The entrypoint module of each target the project was generated for.
ENTRYPOINTS = {
    "agentcore": "agentcore_app",
    "lambda": "lambda_handler",
    "fastapi": "http_app",
    "local": "local",
}
LAMBDA_CONTEXT = SimpleNamespace(
    function_name="research-orchestrator",
    aws_request_id="test-request",
    get_remaining_time_in_millis=lambda: 30_000,
)


@pytest.fixture(autouse=True)
def offline_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the deterministic offline model whatever the shell exports (agent_scaffold_runtime.offline_model).

    Its rules: a prompt that names a tool calls it (``calculator expression=6*7``), then the answer is
    ``The calculator tool returned: 42``; any other prompt is echoed as ``You said: <prompt>``.
    """
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "offline")
    monkeypatch.delenv("AGENT_MODEL_ID", raising=False)
    monkeypatch.delenv("AGENT_SYSTEM_PROMPT", raising=False)


@pytest.fixture(autouse=True)
def offline_wiring(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Run every test offline whatever the project's production answers are.

    Sessions go to a temporary directory, callers are anonymous and nothing is exported; tests of a feature
    (auth, memory, guardrails, telemetry) set their own variables on top.
    """
    monkeypatch.setenv("AGENT_MEMORY", "file")
    monkeypatch.setenv("AGENT_SESSION_DIR", str(tmp_path_factory.mktemp("sessions")))
    # The orchestrator: the default delegation limit, no scripted turns.
    for name in ("ORCHESTRATOR_MAX_DELEGATIONS", "ORCHESTRATOR_OFFLINE_SCRIPT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AGENT_AUTH", "none")
    monkeypatch.setenv("AGENT_GUARDRAILS", "none")
    monkeypatch.setenv("AGENT_TELEMETRY", "none")
    monkeypatch.delenv("AGENT_LOG_PROMPTS", raising=False)
    monkeypatch.delenv("AGENT_TELEMETRY_HASH_USER_ID", raising=False)
    # Local test servers (a JWKS, an OTLP collector) must never be reached through a proxy.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def entrypoint() -> Callable[[str], ModuleType]:
    """``entrypoint(target)``: the target's entrypoint module, imported afresh so it reads the current
    environment (its app or handler is created again)."""

    def load(target: str) -> ModuleType:
        module = importlib.import_module(f"{PACKAGE}.entrypoints.{ENTRYPOINTS[target]}")
        return importlib.reload(module)

    return load


@dataclass(frozen=True)
class Response:
    """What a target answered: status, headers (lower-case names) and the JSON body."""

    status: int
    headers: Mapping[str, str]
    body: Any


Invoke = Callable[..., Response]


@pytest.fixture
def invoke(entrypoint: Callable[[str], ModuleType]) -> Invoke:
    """``invoke(target, prompt, headers=..., session_id=..., request_context=...)``: one JSON request.

    Each call creates the target's app (or handler) afresh from the current environment. HTTP targets get
    ``POST /invocations``: a Lambda handler as an HTTP API / function URL (payload 2.0) event, whose
    ``requestContext`` can be extended (``authorizer`` for IAM); the servers in-process through Starlette's
    test client. The local target runs its command line with ``--json``; headers do not apply to it.
    """

    def call(
        target: str,
        prompt: str,
        *,
        headers: Mapping[str, str] | None = None,
        session_id: str | None = None,
        request_context: Mapping[str, Any] | None = None,
    ) -> Response:
        module = entrypoint(target)
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

    return call


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
    result = module.handler(event, LAMBDA_CONTEXT)
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


@pytest.fixture
def request_log() -> Iterator[list[logging.LogRecord]]:
    """The records written on the request logger (``agent_scaffold_runtime.requests``) during the test."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("agent_scaffold_runtime.requests")
    handler, level = Collect(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # the local target quiets the package logger to WARNING
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
