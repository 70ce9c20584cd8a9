"""Hostile input against the AgentCore adapter (a real ``BedrockAgentCoreApp``) over real sockets
(issue 11, items 1-8): the shared suite in ``http_suite``, run against this adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from agent_scaffold_runtime import agentcore_adapter

from .http_suite import *  # noqa: F403  (the shared suite runs here against this adapter)


@pytest.fixture(scope="module")
def factory() -> Callable[..., Any]:
    return agentcore_adapter.create_app


@pytest.fixture(scope="module")
def app_path() -> str:
    return "tests.hostile.apps:agentcore_app"
