"""FastAPI entrypoint: ``app`` serves ``POST /invocations`` and ``GET /ping`` anywhere ASGI runs.

Run it locally with ``scaffold serve --target fastapi``, or
``uvicorn research_orchestrator.entrypoints.http_app:app --port 8000``.
No agent logic here: it lives in ``research_orchestrator.agent``.
"""

from agent_scaffold_runtime.fastapi_adapter import create_app
from agent_scaffold_runtime.loader import AgentRef

from ..settings import RUNTIME_DEFAULTS

app = create_app(
    AgentRef("research_orchestrator.agent"),
    title="research-orchestrator",
    defaults=RUNTIME_DEFAULTS,
)
