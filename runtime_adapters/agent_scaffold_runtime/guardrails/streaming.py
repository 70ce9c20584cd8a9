"""Guardrails around the core's stream: the one place text leaves the agent, so the one place to mask it.

``guard_stream(guardrail, prompt, stream)`` wraps what ``stream_agent`` yields (text chunks, then one
``AgentReply``):

* **Input.** The prompt is checked before the agent starts. Blocked: the agent never runs (no model call, no
  tool, nothing in the session), and the stream is one chunk with the guardrail's message followed by an
  ``AgentReply`` with ``stop_reason="guardrail_intervened"`` (the chunk is there because streaming clients,
  the local CLI among them, show chunks, not the final reply). Masked: the agent gets the masked prompt, which
  needs ``stream`` to be a factory ``prompt -> stream``; a stream that was already opened with the raw prompt
  cannot be changed, so a masked input then fails closed (blocked).
* **Output.** Chunks are held back and released only after the guardrail has checked them, so masked text can
  never leak through a chunk. How much is held back is the trade-off, chosen by ``mode``:

  - ``"sentence"`` (local policy): text is released per complete sentence or line (a ``.``, ``!`` or ``?``
    followed by whitespace, or a newline). Streaming stays live and latency grows by at most one sentence.
    This is safe because none of the masked patterns (emails, phones, cards, SSNs) contains a sentence break,
    so a match never straddles two checks. Text without any break is held until the end, never cut blindly.
    A block decided mid-answer stops the agent (no further model output or tool calls) after the sentences
    already released; the final reply then carries the blocked message and no usage figures.
  - ``"reply"`` (ApplyGuardrail): the whole answer is held and checked once, then sent as one chunk. One API
    call per answer instead of one per sentence, and the guardrail judges the answer in context; the price is
    that the caller sees no text until the agent has finished.

The final ``AgentReply``'s text is checked too (it can differ from the streamed text when the agent spoke in
several cycles). ``mode=None`` takes the guardrail's ``stream_mode`` (``"sentence"`` if it has none).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from ..reply import AgentReply
from ..streaming import AgentStream
from .base import DEFAULT_BLOCKED_MESSAGE, Guardrail, GuardrailOutcome, StreamMode

StreamSource = AgentStream | Callable[[str], AgentStream]

_SENTENCE_END = re.compile(r"\n|[.!?][\"')\]]*\s")
GUARDRAIL_STOP = "guardrail_intervened"


async def guard_stream(
    guardrail: Guardrail | None,
    prompt: str,
    stream: StreamSource,
    *,
    session_id: str = "",
    mode: StreamMode | None = None,
) -> AsyncIterator[str | AgentReply]:
    """Yield ``stream``'s items with input checked and output masked; see the module docstring.

    ``session_id`` names the session in the reply made for a blocked input (the agent never ran to name it).
    With ``guardrail=None`` the stream passes through untouched, so the core can always wrap.
    """
    if guardrail is None:
        async for item in _open(stream, prompt):
            yield item
        return
    outcome = await asyncio.to_thread(guardrail.check_input, prompt)
    if outcome.action == "masked" and not callable(stream):
        reasons = (*outcome.reasons, "masked_input_unusable")
        outcome = GuardrailOutcome("blocked", DEFAULT_BLOCKED_MESSAGE, reasons)
    if outcome.blocked:
        await _close(stream)
        yield outcome.text
        yield AgentReply(text=outcome.text, stop_reason=GUARDRAIL_STOP, session_id=session_id)
        return
    inner = _open(stream, outcome.text)
    try:
        chosen = mode or str(getattr(guardrail, "stream_mode", "sentence"))
        async for item in _guard_output(guardrail, inner, chosen, session_id):
            yield item
    finally:
        await _close(inner)


async def _guard_output(
    guardrail: Guardrail, inner: AgentStream, mode: str, session_id: str
) -> AsyncIterator[Any]:
    buffer = ""
    released = False
    async for item in inner:
        if isinstance(item, AgentReply):
            held = await _check(guardrail, buffer)
            if held.blocked:
                yield _blocked_chunk(held.text, released)
                yield dataclasses.replace(item, text=held.text, stop_reason=GUARDRAIL_STOP)
                return
            if held.text:
                yield held.text
            same = mode == "reply" and item.text == buffer
            final = held if same else await _check(guardrail, item.text)
            stop = GUARDRAIL_STOP if final.blocked else item.stop_reason
            yield dataclasses.replace(item, text=final.text, stop_reason=stop)
            return
        buffer += item
        if mode == "reply":
            continue
        ready, buffer = _split_complete(buffer)
        if not ready:
            continue
        checked = await _check(guardrail, ready)
        if checked.blocked:
            yield _blocked_chunk(checked.text, released)
            # Stop the agent here: no more model output or tool calls after a policy violation.
            await _close(inner)
            yield AgentReply(text=checked.text, stop_reason=GUARDRAIL_STOP, session_id=session_id)
            return
        released = True
        yield checked.text


def _split_complete(buffer: str) -> tuple[str, str]:
    """Split after the last sentence or line break: (text safe to check now, text to keep holding)."""
    end = 0
    for match in _SENTENCE_END.finditer(buffer):
        end = match.end()
    return buffer[:end], buffer[end:]


async def _check(guardrail: Guardrail, text: str) -> GuardrailOutcome:
    if not text:
        return GuardrailOutcome.allow(text)
    return await asyncio.to_thread(guardrail.check_output, text)


def _blocked_chunk(message: str, after_text: bool) -> str:
    return f"\n{message}" if after_text else message


def _open(stream: StreamSource, prompt: str) -> AgentStream:
    return stream(prompt) if callable(stream) else stream


async def _close(stream: Any) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()
