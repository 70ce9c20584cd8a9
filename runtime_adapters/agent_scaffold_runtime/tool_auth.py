"""Tool authorization: a tool declares the scopes or groups it needs; callers without them cannot use it.

Declare with ``requires``, stacked either way round with Strands' ``@tool``::

    @requires(scopes={"orders:refund"}, groups={"support", "admin"})
    @tool
    def refund(order_id: str) -> str: ...

On top of ``@tool`` it marks the ``DecoratedFunctionTool`` (and the function inside, so class-method tools,
which Strands re-wraps per instance, keep it); below ``@tool`` it marks the function and Strands copies the
mark onto the tool (``functools.update_wrapper``). Any other tool object (an ``AgentTool`` subclass, an MCP
tool) can be marked by calling ``requires(...)(tool)``. All ``scopes`` are needed; any one of ``groups`` is
enough (``Principal.has_scopes`` / ``Principal.in_any_group``). Unmarked tools are open to every caller.

Enforcement is two layers, because a model can name a tool it was never offered:

* ``allowed_tools(tools, principal)`` keeps only what the caller may use, for ``Agent(tools=...)``: the model
  is never offered the others, and a forced call of one finds no such tool.
* ``ToolAuthorizer(principal)`` is a Strands ``HookProvider`` for agents that hold every tool (one agent
  serving many callers): it removes disallowed tools from the specs of each model call (an
  ``InvokeModelStage`` input middleware, added on the agent's first invocation) and refuses a call of one in
  ``BeforeToolCallEvent`` via ``cancel_tool``, so the tool function never runs. Without a principal of its
  own it reads ``invocation_state["principal"]``, and a caller it cannot identify gets only unmarked tools.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from strands.hooks import BeforeInvocationEvent, BeforeToolCallEvent, HookProvider, HookRegistry
from strands.middleware import InvokeModelContext, InvokeModelStage

from .identity import ANONYMOUS, Principal

T = TypeVar("T")
MARK = "__tool_requirements__"


@dataclass(frozen=True)
class ToolRequirements:
    scopes: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    def allows(self, principal: Principal) -> bool:
        return principal.has_scopes(self.scopes) and principal.in_any_group(self.groups)

    def describe(self) -> str:
        parts = []
        if self.scopes:
            parts.append("scopes " + ", ".join(sorted(self.scopes)))
        if self.groups:
            parts.append("one of the groups " + ", ".join(sorted(self.groups)))
        return " and ".join(parts)


def requires(*, scopes: Iterable[str] | str = (), groups: Iterable[str] | str = ()) -> Callable[[T], T]:
    """Mark a tool as needing all of ``scopes`` and one of ``groups``; see the module docstring."""
    requirements = ToolRequirements(_names(scopes), _names(groups))

    def mark(target: T) -> T:
        try:
            setattr(target, MARK, requirements)
        except AttributeError:
            raise TypeError(f"requires() cannot mark {target!r}: it takes no attributes.") from None
        inner = getattr(target, "__wrapped__", None)  # the function inside a DecoratedFunctionTool
        if inner is not None:
            setattr(inner, MARK, requirements)
        return target

    return mark


def requirements_of(tool: Any) -> ToolRequirements | None:
    found = getattr(tool, MARK, None)
    if found is None:
        found = getattr(getattr(tool, "__wrapped__", None), MARK, None)
    return found if isinstance(found, ToolRequirements) else None


def is_allowed(tool: Any, principal: Principal) -> bool:
    requirements = requirements_of(tool)
    return requirements is None or requirements.allows(principal)


def allowed_tools(tools: Iterable[T], principal: Principal) -> list[T]:
    """The tools ``principal`` may use, in order; anything else ``Agent(tools=...)`` takes passes through."""
    return [tool for tool in tools if is_allowed(tool, principal)]


class ToolAuthorizer(HookProvider):
    def __init__(self, principal: Principal | None = None) -> None:
        self.principal = principal
        self._installed: weakref.WeakSet[Any] = weakref.WeakSet()

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(BeforeInvocationEvent, self._install_spec_filter)
        registry.add_callback(BeforeToolCallEvent, self._refuse_disallowed)

    def principal_for(self, invocation_state: dict[str, Any] | None) -> Principal:
        if self.principal is not None:
            return self.principal
        found = (invocation_state or {}).get("principal")
        return found if isinstance(found, Principal) else ANONYMOUS

    def _install_spec_filter(self, event: BeforeInvocationEvent) -> None:
        # Per invocation (once per agent), so a provider added after the agent was built still filters.
        if event.agent not in self._installed:
            self._installed.add(event.agent)
            event.agent.add_middleware(InvokeModelStage.Input, self._filter_specs)

    def _filter_specs(self, context: InvokeModelContext) -> InvokeModelContext:
        registry = getattr(getattr(context.agent, "tool_registry", None), "registry", {})
        principal = self.principal_for(context.invocation_state)
        specs = [spec for spec in context.tool_specs if is_allowed(registry.get(spec["name"]), principal)]
        if len(specs) == len(context.tool_specs):
            return context
        return context.replace(tool_specs=specs)

    def _refuse_disallowed(self, event: BeforeToolCallEvent) -> None:
        requirements = requirements_of(event.selected_tool)
        if requirements is None:
            return
        principal = self.principal_for(event.invocation_state)
        if not requirements.allows(principal):
            name = event.tool_use.get("name", "?")
            needs = requirements.describe()
            event.cancel_tool = f"Not authorized: this caller may not use {name!r} (it requires {needs})."


def _names(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)
