"""Amazon Bedrock AgentCore Runtime entrypoint: ``app`` is a ``BedrockAgentCoreApp``.

Run it locally with ``scaffold serve --target agentcore``, or
``uvicorn research_orchestrator.entrypoints.agentcore_app:app --port 8080``,
then ``POST /invocations`` with ``{"prompt": "Hello"}``; ``GET /ping`` is the health check.
No agent logic here: it lives in ``research_orchestrator.agent``.
"""

from agent_scaffold_runtime.agentcore_adapter import create_app
from agent_scaffold_runtime.loader import AgentRef

from ..settings import RUNTIME_DEFAULTS

app = create_app(
    AgentRef("research_orchestrator.agent"),
    defaults=RUNTIME_DEFAULTS,
)

if __name__ == "__main__":
    app.run(port=8080)
