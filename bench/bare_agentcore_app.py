"""The baseline the adapters are measured against: a bare ``BedrockAgentCoreApp`` calling the same core.

It imports the generated project's ``call_agent`` eagerly (when this module is imported), so its first
healthy ``/ping`` also means "ready to answer". Run it from a generated project with the project root and
``bench/`` on ``PYTHONPATH`` and ``BENCH_AGENT_PACKAGE`` naming the project's package::

    BENCH_AGENT_PACKAGE=bench_agent PYTHONPATH=PROJECT:bench python -m uvicorn bare_agentcore_app:app
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from bedrock_agentcore.runtime import BedrockAgentCoreApp

PACKAGE = os.environ.get("BENCH_AGENT_PACKAGE", "bench_agent")
call_agent = importlib.import_module(f"{PACKAGE}.agent").call_agent

app = BedrockAgentCoreApp()


@app.entrypoint
def invoke(payload: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = call_agent("anonymous", payload["prompt"]).to_dict()
    return result
