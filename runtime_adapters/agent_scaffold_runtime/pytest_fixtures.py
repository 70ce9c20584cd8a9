"""The fixtures a project's tests share, as a pytest plugin, so that no project carries its own copy.

A project loads it from its ``tests/conftest.py`` and names its package there::

    pytest_plugins = ["agent_scaffold_runtime.pytest_fixtures"]

    @pytest.fixture(scope="session")
    def agent_package() -> str:
        return "my_agent"

It is not registered as a ``pytest11`` entry point on purpose: installing the runtime must not add fixtures
to every pytest run on the machine (the toolkit's own suite, other projects). ``pytest_plugins`` is only
honoured in the conftest pytest loads first (the one in the directory it is run on or its ``tests/``), which
is where a generated project keeps it.

Adapters read their settings (auth mode, telemetry) when their app or handler is created, so tests never use
an app built at import time: ``entrypoint`` imports the entrypoint module afresh, after the test's
environment is in place, and ``invoke`` calls any target through it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from .testing import Response, call_target, collect_request_log, load_entrypoint
from .testing_oidc import LocalIssuer, local_issuer

Invoke = Callable[..., Response]


@pytest.fixture(scope="session")
def agent_package() -> str:
    """The project's package, whose entrypoints ``entrypoint`` and ``invoke`` load: the project's
    ``tests/conftest.py`` defines this fixture, and this one only says that it is missing."""
    pytest.fail(
        "tests/conftest.py defines no `agent_package` fixture: add one that returns the project's package "
        'name (@pytest.fixture(scope="session") def agent_package() -> str: return "my_agent"), '
        "for the `entrypoint` and `invoke` fixtures of agent_scaffold_runtime.pytest_fixtures",
        pytrace=False,
    )


@pytest.fixture
def entrypoint(agent_package: str) -> Callable[[str], ModuleType]:
    """``entrypoint(target)``: the target's entrypoint module, imported afresh so it reads the current
    environment (its app or handler is created again)."""
    return lambda target: load_entrypoint(agent_package, target)


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
    """A local OpenID issuer (``/.well-known/openid-configuration`` and ``/jwks.json`` on 127.0.0.1) for
    the client ``test-app-client``; ``issuer.env()`` is the ``AGENT_JWT_*`` settings that trust it, and
    ``issuer.token(...)`` signs a token. Needs the runtime's ``jwt`` extra."""
    with local_issuer() as running:
        yield running
