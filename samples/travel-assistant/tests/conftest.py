"""Shared test setup: every test runs offline (offline model, sessions in a temporary directory, anonymous
callers, nothing exported), whatever the project's production answers are. Feature tests (auth, memory,
guardrails, telemetry) set their own ``AGENT_*`` variables on top.

Adapters read their settings (auth mode, telemetry) when their app or handler is created, so tests never
use an app built at import time: the ``entrypoint`` fixture imports the entrypoint module afresh, after the
test's environment is in place, and ``invoke`` calls any target with it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from agent_scaffold_runtime.testing import Response, call_target, collect_request_log
from agent_scaffold_runtime.testing_oidc import LocalIssuer, local_issuer

PACKAGE = "travel_assistant"
#: The entrypoint module of each target the project was generated for.
ENTRYPOINTS = {
    "agentcore": "agentcore_app",
    "lambda": "lambda_handler",
    "fastapi": "http_app",
    "local": "local",
}


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

    Sessions and bookings go to temporary directories, callers are anonymous and nothing is exported; tests of
    a feature (auth, memory, guardrails, telemetry, the travel desk) set their own variables on top.
    """
    monkeypatch.setenv("AGENT_MEMORY", "file")
    monkeypatch.setenv("AGENT_SESSION_DIR", str(tmp_path_factory.mktemp("sessions")))
    # The travel desk: bookings in a temporary directory, the real date, local tools, no scripted turns.
    monkeypatch.setenv("TRAVEL_BOOKINGS_DIR", str(tmp_path_factory.mktemp("bookings")))
    for name in ("TRAVEL_TODAY", "TRAVEL_TOOLS_URL", "TRAVEL_OFFLINE_SCRIPT"):
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


Invoke = Callable[..., Response]


@pytest.fixture
def invoke(entrypoint: Callable[[str], ModuleType]) -> Invoke:
    """``invoke(target, prompt, headers=..., session_id=..., request_context=...)``: one JSON request to a
    target created afresh from the current environment (``agent_scaffold_runtime.testing.call_target``)."""

    def call(target: str, prompt: str, **options: Any) -> Response:
        return call_target(entrypoint(target), target, prompt, **options)

    return call


@pytest.fixture
def request_log() -> Iterator[list[logging.LogRecord]]:
    """The records written on the request logger (``agent_scaffold_runtime.requests``) during the test."""
    with collect_request_log() as records:
        yield records


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    """A local OpenID issuer (``/.well-known/openid-configuration`` and ``/jwks.json`` on 127.0.0.1), the
    runtime library's test issuer, for the client ``test-app-client``."""
    with local_issuer() as running:
        yield running
