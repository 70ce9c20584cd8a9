"""Module-level apps for tests that start ``python -m uvicorn`` themselves, as ``scaffold serve`` does."""

from __future__ import annotations

from agent_scaffold_runtime import agentcore_adapter, fastapi_adapter
from agent_scaffold_runtime.loader import AgentRef

fastapi_app = fastapi_adapter.create_app(AgentRef("tests.support.demo_core"))
agentcore_app = agentcore_adapter.create_app(AgentRef("tests.support.demo_core"))
