"""The request flow around a project's agent, so the project's ``agent.py`` holds only the agent.

A generated ``agent.py`` defines ``build_agent`` (model, tools, prompt, limits) and hands it to
``AgentCore``; its ``stream_agent`` and ``call_agent`` are one line each. What every request needs and no
owner should rewrite lives here:

* **Session locking.** One turn at a time per (verified caller, session), so concurrent requests never
  lose each other's turns (``memory.session_lock``).
* **Thread offloading.** Building the agent reads the session's history (files, S3 or AgentCore Memory):
  it runs on a worker thread, off the event loop.
* **Guardrails.** The prompt is checked before the agent starts and text is masked before it leaves
  (``guardrails.guard_stream``); Bedrock's own guardrail goes into the model's options.
* **The event-to-reply loop.** Strands' events become the core's stream: text chunks, then one
  ``AgentReply``; the stream is closed in the task that consumed it (``streaming.closing``).
* **Request timeouts** are applied by the adapters around this stream (``service.py`` with
  ``run_limits.with_request_timeout``), so every target bounds a request the same way.

Settings are read once and kept: a request reads nothing from the environment unless it changed since
the last one (a test's ``monkeypatch.setenv``, a dev server's reload), which is compared as a snapshot of
the ``AGENT_*``, ``AWS_*`` and ``OTEL_*`` variables (and the project's own prefixes, ``watch=``), not
re-parsed.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import threading
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from strands import Agent
from strands.models import Model
from typing_extensions import Unpack

from .guardrails import (
    Guardrail,
    GuardrailConfig,
    bedrock_model_guardrail_options,
    build_guardrail,
    guard_stream,
)
from .identity import Principal, local_principal
from .memory import MemoryConfig, session_lock, session_manager_for
from .models import build_model
from .reply import AgentReply, new_session_id
from .run_limits import RunLimits
from .streaming import RequestOptions, closing, run_to_reply
from .telemetry import TelemetryConfig, trace_attributes
from .tool_auth import ToolAuthorizer

__all__ = ["AgentCore", "CoreConfig", "CoreSettings", "RequestOptions"]

_WATCHED_PREFIXES = ("AGENT_", "AWS_", "OTEL_")


class CoreSettings(Protocol):
    """What the core reads from a project's ``Settings`` (a generated ``settings.py`` has more)."""

    @property
    def model_provider(self) -> str: ...

    @property
    def model_id(self) -> str: ...

    @property
    def aws_region(self) -> str: ...


S = TypeVar("S", bound=CoreSettings)


#: ``build_agent(settings, *, principal, session_id, target)``: the owner's agent for one request; one that
#: also takes ``prompt=`` gets the request's prompt (to pick scripted offline turns, say).
BuildAgent = Callable[..., Agent]


@dataclass(frozen=True)
class CoreConfig(Generic[S]):
    """Everything read from the environment, once per environment."""

    settings: S
    guardrail: Guardrail | None
    guardrail_config: GuardrailConfig
    memory: MemoryConfig
    telemetry: TelemetryConfig
    limits: RunLimits


class AgentCore(Generic[S]):
    """The request flow for one project: ``build_agent`` builds the agent, this runs it."""

    def __init__(
        self,
        build_agent: BuildAgent,
        settings: Callable[[], S],
        defaults: Mapping[str, str] | None = None,
        *,
        watch: Sequence[str] = (),
    ) -> None:
        """``watch``: prefixes of the project's own variables its ``Settings`` reads (``"TRAVEL_"``), so
        a change of them is seen too; ``AGENT_*``, ``AWS_*`` and ``OTEL_*`` always are."""
        self._build_agent = build_agent
        self._takes_prompt = "prompt" in inspect.signature(build_agent).parameters
        self._read_settings = settings
        self._defaults = dict(defaults or {})
        self._watched = (*_WATCHED_PREFIXES, *watch)
        self._lock = threading.Lock()
        self._cached: tuple[tuple[tuple[str, str], ...], CoreConfig[S]] | None = None
        self._agent_decorators: list[Callable[[Agent], None]] = []

    @contextlib.contextmanager
    def decorating_agents(self, decorate: Callable[[Agent], None]) -> Iterator[None]:
        """While inside, ``decorate`` gets every agent this core builds, before it runs.

        This core holds the owner's ``build_agent`` itself, so replacing the module's ``build_agent``
        reaches nothing; a caller that must touch each agent (``scaffold eval`` attaching strands-evals'
        ``ChaosPlugin`` for fault cases) goes through here instead.
        """
        self._agent_decorators.append(decorate)
        try:
            yield
        finally:
            self._agent_decorators.remove(decorate)

    def config(self) -> CoreConfig[S]:
        """The settings and feature configs, read again only when the watched environment changed."""
        key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(self._watched)))
        cached = self._cached
        if cached is not None and cached[0] == key:
            return cached[1]
        with self._lock:
            settings = self._read_settings()
            guardrail_config = GuardrailConfig.from_env(defaults=self._defaults)
            config = CoreConfig(
                settings=settings,
                guardrail=build_guardrail(guardrail_config, settings.model_provider),
                guardrail_config=guardrail_config,
                memory=MemoryConfig.from_env(defaults=self._defaults),
                telemetry=TelemetryConfig.from_env(defaults=self._defaults),
                limits=RunLimits.from_env(),
            )
            self._cached = (key, config)
            return config

    # --- what build_agent uses ------------------------------------------------------------------------

    def model(self, settings: S, **options: Any) -> Model:
        """The model ``settings`` name; on Bedrock with the region, retry config and Bedrock guardrail."""
        config = self.config()
        if settings.model_provider == "bedrock":
            options = {
                "region": settings.aws_region,
                "boto_client_config": config.limits.bedrock_client_config(),
                **bedrock_model_guardrail_options(config.guardrail_config),
                **options,
            }
        return build_model(settings.model_provider, settings.model_id, **options)

    def wiring(
        self, principal: Principal, session_id: str, target: str = "local", *, hooks: Sequence[Any] = ()
    ) -> dict[str, Any]:
        """``Agent(**wiring)``: the session's memory, tool authorization, run limits, trace attributes,
        and no printing callback (the adapters consume the event stream). ``hooks`` are the owner's own."""
        config = self.config()
        return {
            "session_manager": session_manager_for(config.memory, principal, session_id),
            "hooks": [ToolAuthorizer(principal), *config.limits.hooks(), *hooks],
            "retry_strategy": config.limits.retry_strategy(),
            "trace_attributes": trace_attributes(
                principal, session_id, target, hash_user_id=config.telemetry.hash_user_id
            ),
            "callback_handler": None,
        }

    # --- the request flow -----------------------------------------------------------------------------

    async def stream(
        self, user_id: str, prompt: str, **options: Unpack[RequestOptions]
    ) -> AsyncGenerator[str | AgentReply, None]:
        """Answer ``prompt``: the reply's text chunks as they arrive, then one final ``AgentReply``.

        ``options`` are ``streaming.RequestOptions``. The principal (the verified caller, or the trusted
        local user ``user_id`` for a direct call) keys the session and reaches tools through Strands'
        ``invocation_state["principal"]``, never through the prompt. A fresh ``Agent`` is built per
        request from the session's stored history, so nothing leaks between callers.
        """
        config = self.config()
        principal = options.get("principal") or local_principal(user_id)
        session_id = options.get("session_id") or new_session_id()
        target = options.get("target") or "local"
        context = options.get("context")
        extra = {"prompt": prompt} if self._takes_prompt else {}
        async with session_lock(principal, session_id):
            agent = await asyncio.to_thread(
                self._build_agent,
                config.settings,
                principal=principal,
                session_id=session_id,
                target=target,
                **extra,
            )
            for decorate in tuple(self._agent_decorators):
                decorate(agent)
            state = {
                "principal": principal,
                "user_id": principal.user_id,
                "session_id": session_id,
                "context": dict(context or {}),
                "target": target,
            }

            def run(text: str) -> AsyncGenerator[str | AgentReply, None]:
                return _events_to_reply(agent, text, state, session_id)

            try:
                async with closing(
                    guard_stream(config.guardrail, prompt, run, session_id=session_id)
                ) as items:
                    async for item in items:
                        yield item
            finally:
                # Closes what the agent's tool providers hold open (an MCP client's connection).
                await asyncio.to_thread(agent.cleanup)

    def call(self, user_id: str, prompt: str, **options: Unpack[RequestOptions]) -> AgentReply:
        """The stream drained: same agent, same answer; safe inside a running event loop."""
        return run_to_reply(self.stream(user_id, prompt, **options))


async def _events_to_reply(
    agent: Agent, prompt: str, state: dict[str, Any], session_id: str
) -> AsyncGenerator[str | AgentReply, None]:
    async with closing(agent.stream_async(prompt, invocation_state=state)) as events:
        async for event in events:
            if "data" in event:
                yield event["data"]
            elif "result" in event:
                yield AgentReply.from_result(event["result"], session_id=session_id)
