"""Agents as tools: the orchestrator delegates to a research specialist and a math specialist.

Each specialist is a Strands ``@tool`` that builds a fresh ``Agent`` of its own (its own system prompt, its
own tools, its own model call loop) for the task it is given, and returns that agent's answer to the
orchestrator as the tool result. This is the "agents as tools" pattern of the Strands documentation, with
the production wiring the generated core gives the orchestrator:

* **Identity.** The specialist runs for the orchestrator's caller: the verified ``Principal`` comes from
  ``invocation_state["principal"]``, its tools are filtered by ``allowed_tools`` and ``ToolAuthorizer``
  as the orchestrator's are, and it is handed on to the specialist's tools.
* **Telemetry per agent.** Every agent is named (``Agent(name=...)``, so Strands' ``invoke_agent <name>``
  span carries ``gen_ai.agent.name``) and tagged with ``agent.name`` (and ``agent.parent``) next to the usual
  user, session and target attributes. The specialist's spans nest under the orchestrator's
  ``execute_tool`` span, in the same trace. Each delegation also writes one JSON line on the
  ``agent_scaffold_runtime.agents`` logger (next to the adapters' request line): agent, parent, token usage,
  cycles, tool calls, duration, stop reason and trace id.
* **Limits.** A specialist has the run limits every agent has (``AGENT_MAX_CYCLES`` model calls, and the
  orchestrator's ``AGENT_TOOL_TIMEOUT_SECONDS`` bounds the whole delegation). ``DelegationLimit`` bounds how
  often one request may delegate (``ORCHESTRATOR_MAX_DELEGATIONS``): the call past the limit is refused,
  and the orchestrator is stopped before its next model call with a clear answer, so a model that keeps
  delegating cannot loop until the request times out. Specialists get no specialist tools, so delegation
  is one level deep.

Specialists keep no memory of their own: each delegation starts fresh from the task, and the conversation
is the orchestrator's session.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from agent_scaffold_runtime.identity import ANONYMOUS, Principal
from agent_scaffold_runtime.models import build_model
from agent_scaffold_runtime.reply import AgentReply
from agent_scaffold_runtime.run_limits import RunLimits
from agent_scaffold_runtime.telemetry import TelemetryConfig, current_trace_id, trace_attributes, user_ref
from agent_scaffold_runtime.telemetry.logs import JsonLine
from agent_scaffold_runtime.tool_auth import ToolAuthorizer, allowed_tools
from strands import Agent, ToolContext, tool
from strands.hooks import (
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookProvider,
    HookRegistry,
)
from strands.types.tools import AgentTool

from .settings import ORCHESTRATOR, RUNTIME_DEFAULTS, Settings
from .tools import MATH_TOOLS, RESEARCH_TOOLS

AGENT_LOGGER = "agent_scaffold_runtime.agents"  # under the adapters' logger: the same JSON handler, on stderr
DELEGATIONS = "orchestrator.delegations"  # the counter in the orchestrator's invocation state

logger = logging.getLogger(AGENT_LOGGER)


@dataclass(frozen=True)
class Specialist:
    name: str
    system_prompt: str
    tools: list[AgentTool]


RESEARCH = Specialist(
    name="research_specialist",
    system_prompt=(
        "You are a research specialist. Answer the question from the team's notes (search_notes) and quote "
        "the figures you found with their source note. Say so when the notes do not have the answer."
    ),
    tools=RESEARCH_TOOLS,
)
MATH = Specialist(
    name="math_specialist",
    system_prompt=(
        "You are a math specialist. Work out the calculation you are given with the calculator tool and "
        "answer with the result. Never guess a number."
    ),
    tools=MATH_TOOLS,
)


@tool(context=True)
async def research_specialist(question: str, tool_context: ToolContext) -> str:
    """Ask the research specialist a factual question; it searches the team's notes and answers with sources.

    Args:
        question: The question, self-contained (the specialist does not see the conversation).
    """
    return await delegate(RESEARCH, question, tool_context)


@tool(context=True)
async def math_specialist(problem: str, tool_context: ToolContext) -> str:
    """Ask the math specialist to compute something exactly, for example "545796 / 100.05".

    Args:
        problem: The calculation to do, with all the numbers it needs.
    """
    return await delegate(MATH, problem, tool_context)


SPECIALISTS: list[AgentTool] = [research_specialist, math_specialist]


async def delegate(specialist: Specialist, task: str, tool_context: ToolContext) -> str:
    """Run ``specialist`` on ``task`` for the orchestrator's caller; its answer, or an ``Error: ...``."""
    state = tool_context.invocation_state
    principal = state.get("principal")
    principal = principal if isinstance(principal, Principal) else ANONYMOUS
    session_id, target = str(state.get("session_id") or ""), str(state.get("target") or "local")
    agent = build_specialist(specialist, task, principal=principal, session_id=session_id, target=target)
    started = time.monotonic()
    try:
        result = await agent.invoke_async(
            task, invocation_state={"principal": principal, "session_id": session_id, "target": target}
        )
    except Exception as error:  # the orchestrator reads the error and can answer without this specialist
        log_agent_run(specialist.name, None, principal, session_id, started, error=type(error).__name__)
        return f"Error: the {specialist.name} failed ({type(error).__name__})."
    reply = AgentReply.from_result(result, session_id=session_id)
    log_agent_run(specialist.name, reply, principal, session_id, started)
    return reply.text.strip()


def build_specialist(
    specialist: Specialist, task: str, *, principal: Principal, session_id: str, target: str
) -> Agent:
    """The specialist's agent for one task: the orchestrator's model provider, its own prompt and tools."""
    settings = Settings.from_env()
    limits = RunLimits.from_env()
    telemetry = TelemetryConfig.from_env(defaults=RUNTIME_DEFAULTS)
    script = settings.scripted_turns(specialist.name, task)
    options: dict[str, Any] = {"script": script} if settings.model_provider == "offline" else {}
    if settings.model_provider == "bedrock":
        options = {"region": settings.aws_region, "boto_client_config": limits.bedrock_client_config()}
    return Agent(
        name=specialist.name,
        model=build_model(settings.model_provider, settings.model_id, **options),
        tools=allowed_tools(specialist.tools, principal),
        system_prompt=specialist.system_prompt,
        hooks=[ToolAuthorizer(principal), *limits.hooks()],
        retry_strategy=limits.retry_strategy(),
        trace_attributes=agent_attributes(
            specialist.name, principal, session_id, target, telemetry.hash_user_id, parent=ORCHESTRATOR
        ),
        callback_handler=None,
    )


def agent_attributes(
    name: str, principal: Principal, session_id: str, target: str, hash_user_id: bool, *, parent: str = ""
) -> dict[str, str]:
    """The core's trace attributes (user digest, session, target, auth method) plus which agent this is."""
    attributes = trace_attributes(principal, session_id, target, hash_user_id=hash_user_id)
    attributes["agent.name"] = name
    if parent:
        attributes["agent.parent"] = parent
    return attributes


def log_agent_run(
    name: str,
    reply: AgentReply | None,
    principal: Principal,
    session_id: str,
    started: float,
    *,
    error: str | None = None,
) -> None:
    """One JSON line per specialist run: the per-agent share of a request's work."""
    telemetry = TelemetryConfig.from_env(defaults=RUNTIME_DEFAULTS)
    payload: dict[str, Any] = {
        "event": "agent_run",
        "agent": name,
        "parent": ORCHESTRATOR,
        "session_id": session_id,
        "user": user_ref(principal.user_id, hash_user_id=telemetry.hash_user_id),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
        "trace_id": current_trace_id(),
    }
    if reply is not None:
        payload.update(
            usage={
                "input_tokens": reply.usage.input_tokens,
                "output_tokens": reply.usage.output_tokens,
                "total_tokens": reply.usage.total_tokens,
            },
            cycles=reply.cycles,
            tool_calls=reply.tool_calls,
            stop_reason=reply.stop_reason,
        )
    if error is not None:
        payload["error_type"] = error
    logger.info(JsonLine(payload))


class DelegationLimit(HookProvider):
    """At most ``max_delegations`` specialist calls per request; then the orchestrator stops with a message.

    The call past the limit is cancelled (the specialist never runs; the model reads why), and the next model
    call is cancelled with our message as the answer, the way ``run_limits.CycleLimit`` stops a run:
    ``request_state["run_limit"]`` is ``"max_delegations"`` and nothing is raised.
    """

    def __init__(self, max_delegations: int, names: frozenset[str] | None = None) -> None:
        self.max_delegations = max_delegations
        self.names = names if names is not None else frozenset(tool.tool_name for tool in SPECIALISTS)

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(BeforeInvocationEvent, self._reset)
        registry.add_callback(BeforeToolCallEvent, self._count)
        registry.add_callback(BeforeModelCallEvent, self._stop)

    def _reset(self, event: BeforeInvocationEvent) -> None:
        event.invocation_state[DELEGATIONS] = 0

    def _count(self, event: BeforeToolCallEvent) -> None:
        if event.tool_use.get("name") not in self.names:
            return
        count = event.invocation_state.get(DELEGATIONS, 0) + 1
        event.invocation_state[DELEGATIONS] = count
        if count > self.max_delegations:
            event.cancel_tool = (
                f"Refused: this request already delegated {self.max_delegations} times "
                "(ORCHESTRATOR_MAX_DELEGATIONS); answer with what the specialists returned."
            )

    def _stop(self, event: BeforeModelCallEvent) -> None:
        if event.invocation_state.get(DELEGATIONS, 0) <= self.max_delegations:
            return
        event.invocation_state.setdefault("request_state", {})["run_limit"] = "max_delegations"
        event.cancel = (
            f"Stopped: the limit of {self.max_delegations} delegations per request "
            "(ORCHESTRATOR_MAX_DELEGATIONS) was reached."
        )
