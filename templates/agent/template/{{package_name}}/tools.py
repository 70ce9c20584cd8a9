"""Example tools the agent can call: deterministic, side-effect free, and safe to expose to a model.

A tool is a plain function decorated with Strands' ``@tool``: the model sees its name, its docstring and
the ``Args:`` section, so write them for the model. Add a tool here (or in a new module) and list it in
``TOOLS``; ``agent.py`` passes ``TOOLS`` to the agent.

Tools report bad input as an ``Error: ...`` string instead of raising: the model reads the message and
can correct itself, and a test can assert on it.

Who is calling: a tool that needs the caller asks Strands for its ``ToolContext`` (``@tool(context=True)``)
and reads ``tool_context.invocation_state["principal"]``, the ``agent_scaffold_runtime.identity.Principal``
the adapter verified (bearer token, IAM). Never take a user id from the prompt or from tool arguments: the
model writes those, and anyone can write anything in a prompt.

Protected tools: ``@requires(scopes=...)`` / ``@requires(groups=...)`` from
``agent_scaffold_runtime.tool_auth`` (on top of ``@tool``) keeps a tool away from callers whose principal
lacks them: the model is not even offered it. ``whoami`` below is the example; it needs the ``profile`` scope.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_scaffold_runtime.arithmetic import evaluate as evaluate_arithmetic
from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.tool_auth import requires
from strands import ToolContext, tool
from strands.types.tools import AgentTool


@tool
def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression and return the result.

    Supports numbers, + - * / // % ** and parentheses, nothing else (no names, no function calls).

    Args:
        expression: The arithmetic expression, for example "(2 + 3) * 4" or "2 ** 10".
    """
    return evaluate_arithmetic(expression)


@tool
def word_count(text: str) -> int:
    """Count the words (whitespace-separated) in a text.

    Args:
        text: The text to count the words of.
    """
    return len(text.split())


@tool
def current_time(timezone: str = "UTC") -> str:
    """Return the current date and time in ISO 8601 format.

    Args:
        timezone: An IANA time zone name such as "UTC", "Europe/Paris" or "America/New_York".
    """
    name = timezone.strip() or "UTC"
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        # Needs no time zone database, so it works even on minimal images without tzdata.
        return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Error: unknown time zone {timezone!r}; use an IANA name such as 'Europe/Paris' or 'UTC'."
    return dt.datetime.now(zone).isoformat(timespec="seconds")


#: The scope a caller's token must carry to use ``whoami`` (a standard OpenID Connect scope; Cognito app
#: clients can grant it). Callers without it, including the anonymous and local ones, are never offered it.
WHOAMI_SCOPE = "profile"


@requires(scopes={WHOAMI_SCOPE})
@tool(context=True)
def whoami(tool_context: ToolContext) -> str:
    """Tell the caller who they are signed in as: their user id and how they were authenticated.

    Takes no arguments.
    """
    principal = tool_context.invocation_state.get("principal")
    if not isinstance(principal, Principal):
        return "Error: the caller is not known."
    return f"{principal.user_id} (signed in with {principal.auth_method})"


TOOLS: list[AgentTool] = [calculator, word_count, current_time, whoami]
