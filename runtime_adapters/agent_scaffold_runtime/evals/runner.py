"""What eval cases run against: anything that answers one turn with the wire-contract reply (a dict), and
``CoreRunner``, the project's core called in this process."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, Protocol

from ..core import AgentCore

EVAL_USER = "eval-user"


class Runner(Protocol):
    #: A short description for the report ("core (in process)", a URL, "target agentcore").
    label: str
    #: Whether ``faults`` cases can run here (tool faults need the agent built in this process).
    supports_faults: bool

    def ask(self, prompt: str, session_id: str) -> dict[str, Any]: ...

    def faults_enabled(self) -> contextlib.AbstractContextManager[None]: ...


class CoreRunner:
    """``call_agent`` of the project's core module (``<package>.agent``), in this process."""

    label = "core (in process)"
    supports_faults = True

    def __init__(self, core: ModuleType) -> None:
        self.core: Any = core  # the project's module: call_agent, build_agent

    def ask(self, prompt: str, session_id: str) -> dict[str, Any]:
        reply = self.core.call_agent(EVAL_USER, prompt, session_id=session_id, target="eval")
        return dict(reply.to_dict())

    @contextlib.contextmanager
    def faults_enabled(self) -> Iterator[None]:
        """Attach strands-evals' ``ChaosPlugin`` to every agent the core builds while the cases run; the
        plugin acts only while a ``ChaosCase`` with effects is active (``ChaosExperiment`` sets it).

        Through the module's runtime ``AgentCore`` when it has one (the template's ``core``), which holds
        ``build_agent`` itself; else by wrapping the module's ``build_agent`` (a core that looks it up on
        each request); otherwise every Strands ``Agent`` built meanwhile gets the plugin, so a core that
        builds its agent elsewhere is covered too.
        """
        from strands_evals.chaos import ChaosPlugin

        plugin = ChaosPlugin()

        def attach(agent: Any) -> None:
            for callback in plugin.hooks:  # what Strands' plugin registry does for Agent(plugins=[...])
                for event_type in getattr(callback, "_hook_event_types", ()):
                    agent.add_hook(callback, event_type)

        agent_core = _runtime_core(self.core)
        if agent_core is not None:
            with agent_core.decorating_agents(attach):
                yield
            return
        original: Callable[..., Any] | None = getattr(self.core, "build_agent", None)
        if original is None:
            with _plugin_on_every_agent(plugin):
                yield
            return

        def build_with_chaos(*args: Any, **kwargs: Any) -> Any:
            agent = original(*args, **kwargs)
            attach(agent)
            return agent

        self.core.build_agent = build_with_chaos
        try:
            yield
        finally:
            self.core.build_agent = original


def _runtime_core(module: ModuleType) -> AgentCore[Any] | None:
    """The module's ``AgentCore`` (the template calls it ``core``; any name is found)."""
    found = [value for value in vars(module).values() if isinstance(value, AgentCore)]
    return found[0] if len(found) == 1 else None


@contextlib.contextmanager
def _plugin_on_every_agent(plugin: Any) -> Iterator[None]:
    from strands import Agent

    original_init = Agent.__init__

    def init_with_plugin(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["plugins"] = [*(kwargs.get("plugins") or ()), plugin]  # keyword-only in Agent.__init__
        original_init(self, *args, **kwargs)

    Agent.__init__ = init_with_plugin  # type: ignore[method-assign]
    try:
        yield
    finally:
        Agent.__init__ = original_init  # type: ignore[method-assign]
