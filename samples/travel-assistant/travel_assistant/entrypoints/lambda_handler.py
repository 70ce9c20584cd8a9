"""AWS Lambda entrypoint; set the function's handler to
``travel_assistant.entrypoints.lambda_handler.handler``.

It accepts API Gateway REST (v1), HTTP API (v2) and function URL events for ``POST /invocations``.
The agent core is imported on the first request, not here, so this module imports in milliseconds
and cold starts stay short. No agent logic here: it lives in
``travel_assistant.agent``.
"""

from agent_scaffold_runtime.lambda_adapter import create_handler
from agent_scaffold_runtime.loader import AgentRef

from ..settings import RUNTIME_DEFAULTS

handler = create_handler(
    AgentRef("travel_assistant.agent"),
    defaults=RUNTIME_DEFAULTS,
)
