"""Shared test setup: the MCP server with JWT auth against a local issuer, bookings in a temporary directory,
and a fixed "today" (Wednesday 2026-06-03, so "next Monday" is 2026-06-08).

The server reads its settings when its app is created, so tests create apps (``mcp_app``, ``lambda_handler``)
after the environment is in place, never at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from agent_scaffold_runtime.testing_oidc import LocalIssuer, local_issuer
from starlette.applications import Starlette

from mcp_server.asgi_lambda import AsgiLambdaHandler
from mcp_server.server import create_app
from tests.support import TODAY


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    """A local OpenID issuer (``/.well-known/openid-configuration`` and ``/jwks.json`` on 127.0.0.1), the
    runtime library's test issuer, for the client ``test-app-client``."""
    with local_issuer() as running:
        yield running


@pytest.fixture(autouse=True)
def server_env(issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """JWT auth against the local issuer, whatever the shell exports; returns the bookings directory."""
    for name in ("MCP_RESOURCE_URL", "MCP_ALLOWED_HOSTS", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in issuer.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TRAVEL_TODAY", TODAY.isoformat())
    monkeypatch.setenv("TRAVEL_BOOKINGS_DIR", str(tmp_path / "bookings"))
    # The local issuer and servers must never be reached through a proxy.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return tmp_path / "bookings"


@pytest.fixture
def mcp_app() -> Callable[[], Starlette]:
    """``mcp_app()``: the server's ASGI app, created from the current environment."""
    return create_app


@pytest.fixture
def lambda_handler() -> Iterator[Callable[[], AsgiLambdaHandler]]:
    """``lambda_handler()``: a new Lambda handler (a fresh execution environment) for the current settings."""
    handlers: list[AsgiLambdaHandler] = []

    def make() -> AsgiLambdaHandler:
        handlers.append(AsgiLambdaHandler(create_app))
        return handlers[-1]

    yield make
    for handler in handlers:
        handler.close()
