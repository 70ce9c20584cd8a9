"""A deterministic Strands ``Model`` that needs no network, so projects run and test anywhere.

On each model call the first rule that applies decides the turn:

1. **Script.** If the model was built with ``script=[...]``, the next scripted turn is played: a
   ``{"text": ...}`` turn answers, a ``{"tool": name, "input": {...}}`` turn calls that tool.
2. **Tool results.** If the last message carries tool results, the model answers with them:
   ``The <tool> tool returned: <result>`` (several results are joined with ``; ``).
3. **Named tool.** If the user's latest text names an offered tool as a whole word, the model calls it once
   per user turn. Arguments come from ``key=value`` pairs in the text (values are JSON-decoded when they
   parse, quotes allowed: ``city="New York"``). When the tool's only required argument is still missing,
   it gets the text after the tool's name (``word_count: the quick brown fox``).
4. **Echo.** Otherwise it answers ``You said: <prompt>``.

Text streams one word per chunk. Usage counts one token per whitespace-separated word, so tests can assert
exact numbers. ``AGENT_OFFLINE_CHUNK_DELAY_MS`` (default 0) paces the chunks like a remote model would, to
see streaming at work (a playground, a streaming Lambda, a load test); the words and usage stay the same.

A project can keep scripts in a JSON file, one per prompt, for demos of prompts the rules cannot follow
("Book me a flight to NYC next Monday"): ``scripted_turns(path, prompt)`` looks the prompt up.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
from collections.abc import AsyncGenerator, AsyncIterable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel
from strands.models.model import Model
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolSpec

T = TypeVar("T", bound=BaseModel)


def scripted_turns(path: str, prompt: str, *, section: str | None = None) -> list[dict[str, Any]] | None:
    """The turns a script file holds for ``prompt`` (``OfflineModel(script=...)``), or None.

    The file maps prompts to turns (``{"Book me a flight to NYC next Monday": [{"tool": ...}, ...]}``), or,
    with ``section`` (one agent of several), names to such maps. Prompts are matched ignoring case and
    spacing; the file is read on each call, so an edited script applies to the next request.
    """
    with open(path, encoding="utf-8") as handle:
        script = json.load(handle)
    if section is not None:
        script = script.get(section) or {}
    wanted = _normalised(prompt)
    for scripted_prompt, turns in script.items():
        if _normalised(scripted_prompt) == wanted:
            return [dict(turn) for turn in turns]
    return None


def _normalised(prompt: str) -> str:
    return " ".join(prompt.casefold().split())


_PAIR_RE = re.compile(r"""(\w+)=("[^"]*"|'[^']*'|\S+)""")


class OfflineModel(Model):
    """See the module docstring for the rules; ``model_id`` is only reported back."""

    def __init__(
        self,
        *,
        model_id: str = "offline",
        script: list[dict[str, Any]] | None = None,
        chunk_delay_ms: float | None = None,
    ) -> None:
        self.config: dict[str, Any] = {"model_id": model_id}
        self._script = list(script or [])
        if chunk_delay_ms is None:
            chunk_delay_ms = _delay_from_env(os.environ.get("AGENT_OFFLINE_CHUNK_DELAY_MS") or "0")
        self._chunk_delay = max(chunk_delay_ms, 0.0) / 1000

    def update_config(self, **model_config: Any) -> None:
        if "script" in model_config:
            self._script = list(model_config.pop("script") or [])
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return dict(self.config)

    async def structured_output(
        self, output_model: type[T], prompt: Messages, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[dict[str, T | Any], None]:
        """Structured output is answered from a ``{"structured": {...}}`` script turn."""
        turn = self._script.pop(0) if self._script else {}
        if "structured" not in turn:
            raise ValueError(
                "The offline model gives structured output only from a scripted turn: "
                "OfflineModel(script=[{'structured': {...}}])."
            )
        yield {"output": output_model.model_validate(turn["structured"])}

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        **kwargs: Any,
    ) -> AsyncIterable[StreamEvent]:
        turn = self._decide(messages, tool_specs or [])
        input_tokens = _count_words(system_prompt or "") + sum(_message_words(m) for m in messages)
        if "tool" in turn:
            events, output_tokens = _tool_use_events(turn["tool"], turn.get("input") or {}, len(messages))
        else:
            events, output_tokens = _text_events(str(turn.get("text", "")))
        for event in events:
            if self._chunk_delay and "contentBlockDelta" in event:
                await asyncio.sleep(self._chunk_delay)
            yield event
        yield {
            "metadata": {
                "usage": {
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "totalTokens": input_tokens + output_tokens,
                },
                "metrics": {"latencyMs": 0},
            }
        }

    def _decide(self, messages: Messages, tool_specs: list[ToolSpec]) -> dict[str, Any]:
        if self._script:
            return self._script.pop(0)
        results = _latest_tool_results(messages)
        if results:
            return {"text": "; ".join(f"The {name} tool returned: {text}" for name, text in results)}
        prompt, already_called = _latest_user_turn(messages)
        for spec in tool_specs:
            name = spec["name"]
            if name not in already_called and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", prompt):
                return {"tool": name, "input": _arguments(prompt, name, spec)}
        return {"text": f"You said: {prompt}"}


def _delay_from_env(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"AGENT_OFFLINE_CHUNK_DELAY_MS must be a number of milliseconds; got {value!r}."
        ) from None


def _text_events(text: str) -> tuple[list[StreamEvent], int]:
    words = text.split(" ")
    chunks = [word + " " for word in words[:-1]] + [words[-1]]
    deltas: list[StreamEvent] = [
        {"contentBlockDelta": {"delta": {"text": chunk}}} for chunk in chunks if chunk
    ]
    events: list[StreamEvent] = [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockStart": {"start": {}}},
        *deltas,
        {"contentBlockStop": {}},
        {"messageStop": {"stopReason": "end_turn"}},
    ]
    return events, _count_words(text)


def _tool_use_events(name: str, tool_input: dict[str, Any], turn: int) -> tuple[list[StreamEvent], int]:
    encoded = json.dumps(tool_input, sort_keys=True)
    events: list[StreamEvent] = [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockStart": {"start": {"toolUse": {"name": name, "toolUseId": f"offline-{turn}-{name}"}}}},
        {"contentBlockDelta": {"delta": {"toolUse": {"input": encoded}}}},
        {"contentBlockStop": {}},
        {"messageStop": {"stopReason": "tool_use"}},
    ]
    return events, 1 + _count_words(encoded)


def _latest_tool_results(messages: Messages) -> list[tuple[str, str]]:
    if not messages or messages[-1]["role"] != "user":
        return []
    results = [block["toolResult"] for block in messages[-1]["content"] if "toolResult" in block]
    if not results:
        return []
    names = {use["toolUseId"]: use["name"] for use in _tool_uses(messages)}
    return [(names.get(r["toolUseId"], "tool"), _result_text(r)) for r in results]


def _latest_user_turn(messages: Messages) -> tuple[str, set[str]]:
    """The user's latest text, and the tools already called since it was said."""
    called: set[str] = set()
    for message in reversed(messages):
        texts = [block["text"] for block in message["content"] if "text" in block]
        if message["role"] == "user" and texts:
            return " ".join(texts).strip(), called
        called.update(block["toolUse"]["name"] for block in message["content"] if "toolUse" in block)
    return "", called


def _tool_uses(messages: Messages) -> Iterator[Any]:
    for message in messages:
        for block in message["content"]:
            if "toolUse" in block:
                yield block["toolUse"]


def _result_text(result: Any) -> str:
    parts = []
    for item in result.get("content", []):
        if "text" in item:
            parts.append(item["text"])
        elif "json" in item:
            parts.append(json.dumps(item["json"], sort_keys=True))
    return " ".join(parts)


def _arguments(prompt: str, tool_name: str, spec: ToolSpec) -> dict[str, Any]:
    schema = spec.get("inputSchema", {}).get("json", {})
    properties = schema.get("properties", {})
    args: dict[str, Any] = {}
    for key, raw in _PAIR_RE.findall(prompt):
        if key in properties:
            args[key] = _decode(raw, properties[key])
    missing = [name for name in schema.get("required", []) if name not in args]
    if len(missing) == 1 and len(schema.get("required", [])) == 1:
        rest = prompt.split(tool_name, 1)[1]
        rest = _PAIR_RE.sub("", rest).strip().lstrip(":,-").strip()
        args[missing[0]] = _decode(rest, properties.get(missing[0], {})) if rest else ""
    return args


def _decode(raw: str, prop: dict[str, Any]) -> Any:
    if raw[:1] in "\"'" and raw[-1:] == raw[:1] and len(raw) >= 2:
        return shlex.split(raw)[0] if raw else raw
    if prop.get("type") == "string":
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _count_words(text: str) -> int:
    return len(text.split())


def _message_words(message: Any) -> int:
    total = 0
    for block in message["content"]:
        if "text" in block:
            total += _count_words(block["text"])
        elif "toolUse" in block:
            total += 1 + _count_words(json.dumps(block["toolUse"].get("input", {}), sort_keys=True))
        elif "toolResult" in block:
            total += _count_words(_result_text(block["toolResult"]))
    return total
