"""The tools of the orchestrator and its specialists: deterministic, side-effect free, safe for a model.

The orchestrator's own tools are ``TOOLS`` (plus the two specialists, ``specialists.py``); the research
specialist gets ``RESEARCH_TOOLS`` (``search_notes`` over ``data/notes.json``, ``word_count``) and the math
specialist ``MATH_TOOLS`` (``calculator``). The generated example tools are kept and shared out.

A tool is a plain function decorated with Strands' ``@tool``: the model sees its name, its docstring and
the ``Args:`` section, so write them for the model. Add a tool here (or in a new module) and list it in
``TOOLS``; ``agent.py`` passes ``TOOLS`` to the agent.

Tools report bad input as an ``Error: ...`` string instead of raising: the model reads the message and
can correct itself, and a test can assert on it.

Who is calling: a tool that needs the caller asks Strands for its ``ToolContext`` (``@tool(context=True)``)
and reads ``tool_context.invocation_state["principal"]``, the runtime's ``identity.Principal`` the
adapter verified (bearer token, IAM). Never take a user id from the prompt or from tool arguments: the
model writes those, and anyone can write anything in a prompt.

Protected tools: ``@requires(scopes=...)`` / ``@requires(groups=...)`` from the runtime's ``tool_auth``
(on top of ``@tool``) keeps a tool away from callers whose principal lacks them: the model is not even
offered it. ``whoami`` below is the example; it needs the ``profile`` scope.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import operator
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.tool_auth import requires
from strands import ToolContext, tool
from strands.types.tools import AgentTool

_BINARY_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_MAX_EXPRESSION_CHARS = 200
_MAX_MAGNITUDE = 10**100  # keeps every intermediate result small: no `9**9**9` denial of service


class _CalculatorError(ValueError):
    pass


@tool
def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression and return the result.

    Supports numbers, + - * / // % ** and parentheses, nothing else (no names, no function calls).

    Args:
        expression: The arithmetic expression, for example "(2 + 3) * 4" or "2 ** 10".
    """
    if len(expression) > _MAX_EXPRESSION_CHARS:
        return f"Error: the expression is longer than {_MAX_EXPRESSION_CHARS} characters."
    try:
        tree = ast.parse(expression.strip(), mode="eval")
        value = _evaluate(tree.body)
    except ZeroDivisionError:
        return "Error: division by zero."
    except _CalculatorError as exc:
        return f"Error: {exc}"
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return (
            f"Error: {expression!r} is not an arithmetic expression; "
            "use numbers, + - * / // % ** and parentheses."
        )
    return _format_number(value)


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


NOTES = Path(__file__).parent / "data" / "notes.json"
_WORD = re.compile(r"[a-z0-9]+")
_MAX_RESULTS = 3


@cache
def _notes() -> list[dict[str, Any]]:
    return list(json.loads(NOTES.read_text(encoding="utf-8")))


@tool
def search_notes(query: str) -> str:
    """Search the team's reference notes (cities, physics, geography) and return the best matches.

    Args:
        query: Words to look for, for example "Lisbon population area" or "speed of light".
    """
    words = set(_WORD.findall(query.lower()))
    if not words:
        return "Error: give some words to search for."
    scored = []
    for note in _notes():
        haystack = set(_WORD.findall(f"{note['title']} {' '.join(note['keywords'])}".lower()))
        score = len(words & haystack)
        if score:
            scored.append((-score, note["id"], note))
    if not scored:
        return f"No notes match {query!r}."
    top = min(score for score, _, _ in scored)  # scores are negated, for sorting
    best = [note for score, _, note in sorted(scored) if score == top][:_MAX_RESULTS]
    return " ".join(f"[{note['id']}] {note['text']}" for note in best)


#: The orchestrator's own tools (it also gets the specialists, see ``specialists.SPECIALISTS``).
TOOLS: list[AgentTool] = [current_time, whoami]
#: The research specialist's tools.
RESEARCH_TOOLS: list[AgentTool] = [search_notes, word_count]
#: The math specialist's tools.
MATH_TOOLS: list[AgentTool] = [calculator]


def _evaluate(node: ast.expr) -> float:
    """Walk the parsed expression, allowing only numeric literals and arithmetic operators."""
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return _checked(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY_OPERATORS:
        return _UNARY_OPERATORS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        return _checked(_BINARY_OPERATORS[type(node.op)](left, right))
    found = repr(node.value) if isinstance(node, ast.Constant) else type(node).__name__
    raise _CalculatorError(f"only numbers, + - * / // % ** and parentheses are allowed (found {found}).")


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_power(base: float, exponent: float) -> None:
    if abs(base) > 1 and exponent > 0 and exponent * math.log10(abs(base)) > math.log10(_MAX_MAGNITUDE):
        raise _CalculatorError("the result is too large.")


def _checked(value: float) -> float:
    if isinstance(value, complex):
        raise _CalculatorError("the result is not a real number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _CalculatorError("the result is too large.")
    if abs(value) > _MAX_MAGNITUDE:
        raise _CalculatorError("the result is too large.")
    return value


def _format_number(value: float) -> str:
    """Integers as they are; floats to 12 significant digits, so ``0.1 + 0.2`` reads ``0.3``."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".12g")
    return str(value)
