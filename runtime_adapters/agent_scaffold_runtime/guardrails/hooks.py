"""Guardrails inside a Strands ``Agent``, for agents that are not served through the core's stream.

``GuardrailHooks`` checks the user's new messages in ``BeforeInvocationEvent``. A blocked input sets
``event.cancel`` to the guardrail's message: Strands then answers with that message and never calls the model
(no tokens spent, no tool run), and leaves the refused input out of the history. A masked input replaces the
text the model will see. The outcome is recorded in ``invocation_state["guardrail"]``.

With ``check_output`` (the default) it also checks each model response in ``AfterModelCallEvent`` and masks or
replaces its text blocks in place, so the ``AgentResult`` and the conversation history (and any session stored
from it) hold the masked text.

What hooks cannot do is recall streamed chunks: ``AfterModelCallEvent`` fires after the text has already
been streamed. Whatever streams to a caller must therefore go through ``guard_stream``; the core uses that
instead of these hooks (using both would check everything twice). Strands reports a cancelled invocation
with ``stop_reason="end_turn"``; ``guard_stream`` reports ``"guardrail_intervened"``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from strands.hooks import AfterModelCallEvent, BeforeInvocationEvent, HookProvider, HookRegistry

from .base import Guardrail, GuardrailOutcome


class GuardrailHooks(HookProvider):
    def __init__(self, guardrail: Guardrail, *, check_output: bool = True) -> None:
        self.guardrail = guardrail
        self.check_output = check_output

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(BeforeInvocationEvent, self._on_input)
        if self.check_output:
            registry.add_callback(AfterModelCallEvent, self._on_output)

    async def _on_input(self, event: BeforeInvocationEvent) -> None:
        if not event.messages:
            return
        messages = list(event.messages)
        changed = False
        for index, message in enumerate(messages):
            text = _text_of(message)
            if message.get("role") != "user" or not text.strip():
                continue
            # Guardrails may do network I/O (ApplyGuardrail); keep the event loop free for other requests.
            outcome = await asyncio.to_thread(self.guardrail.check_input, text)
            _record(event.invocation_state, "input", outcome)
            if outcome.action == "blocked":
                event.cancel = outcome.text
                return
            if outcome.action == "masked":
                messages[index] = {**message, "content": _with_text(message["content"], outcome.text)}
                changed = True
        if changed:
            event.messages = messages

    async def _on_output(self, event: AfterModelCallEvent) -> None:
        response = event.stop_response
        if response is None:
            return
        text = _text_of(response.message)
        if not text.strip():
            return
        outcome = await asyncio.to_thread(self.guardrail.check_output, text)
        if outcome.action == "none":
            return
        _record(event.invocation_state, "output", outcome)
        # In place on purpose: this same message object becomes the history entry and the AgentResult.
        response.message["content"][:] = _with_text(response.message["content"], outcome.text)


def _text_of(message: Any) -> str:
    return "".join(block["text"] for block in message.get("content", []) if "text" in block)


def _with_text(content: list[Any], text: str) -> list[Any]:
    """The blocks with all text replaced by one text block where the first one was; others kept in order."""
    result: list[Any] = []
    placed = False
    for block in content:
        if "text" not in block:
            result.append(block)
        elif not placed:
            result.append({"text": text})
            placed = True
    return result if placed else [{"text": text}, *result]


def _record(state: dict[str, Any], direction: str, outcome: GuardrailOutcome) -> None:
    state.setdefault("guardrail", {})[direction] = outcome
