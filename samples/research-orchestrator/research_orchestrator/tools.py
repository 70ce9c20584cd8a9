"""The tools of the orchestrator and its specialists: deterministic, side-effect free, safe for a model.

The orchestrator's tools are the two specialists (``specialists.py``) and ``TOOLS``, none yet: it only
delegates. The research specialist gets ``RESEARCH_TOOLS`` (``search_notes`` over ``data/notes.json``,
``word_count``) and the math specialist ``MATH_TOOLS`` (``calculator``): of the generated example tools, the
specialists took these two, and ``current_time`` and ``whoami`` went.

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
offered it (the generated ``whoami`` is the example; the travel assistant sample keeps it).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from agent_scaffold_runtime.arithmetic import evaluate as evaluate_arithmetic
from strands import tool
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
TOOLS: list[AgentTool] = []
#: The research specialist's tools.
RESEARCH_TOOLS: list[AgentTool] = [search_notes, word_count]
#: The math specialist's tools.
MATH_TOOLS: list[AgentTool] = [calculator]
