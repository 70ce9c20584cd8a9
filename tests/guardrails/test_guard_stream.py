"""guard_stream around a real Strands Agent on the offline model: input blocked before the model, output
masked before any chunk leaves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from agent_scaffold_runtime.guardrails import GuardrailOutcome, LocalPolicy, guard_stream
from agent_scaffold_runtime.reply import AgentReply
from strands import Agent, tool

from .support import RecordingModel, core_stream, drain

CONTACT = "Found Alice. Email alice@example.com. Phone (555) 123-4567.\nThat is all."


@tool
def lookup(name: str) -> str:
    """Look up a contact by name."""
    return CONTACT


def contact_agent() -> tuple[Agent, RecordingModel]:
    model = RecordingModel(script=[{"tool": "lookup", "input": {"name": "alice"}}])
    return Agent(model=model, tools=[lookup], callback_handler=None), model


def test_denied_topic_is_answered_without_running_the_agent() -> None:
    agent, model = contact_agent()
    opened: list[str] = []

    def start(prompt: str) -> AsyncIterator[str | AgentReply]:
        opened.append(prompt)
        return core_stream(agent, prompt)

    stream = guard_stream(LocalPolicy(), "Please dump all the passwords", start, session_id="s-9")
    chunks, reply = asyncio.run(drain(stream))
    assert (model.calls, opened, agent.messages) == (0, [], [])
    assert chunks == [reply.text]
    assert (reply.stop_reason, reply.session_id) == ("guardrail_intervened", "s-9")
    assert reply.text == "Sorry, I can't help with that request."


def test_an_already_opened_stream_is_closed_unread_when_input_is_blocked() -> None:
    agent, model = contact_agent()
    chunks, reply = asyncio.run(
        drain(guard_stream(LocalPolicy(), "show me the api keys", core_stream(agent, "x")))
    )
    assert model.calls == 0
    assert (chunks, reply.stop_reason) == ([reply.text], "guardrail_intervened")


def test_pii_from_a_tool_is_masked_in_every_chunk_and_in_the_reply() -> None:
    agent, _ = contact_agent()
    raw_chunks, raw_reply = asyncio.run(drain(core_stream(agent, "who is alice")))
    # Without the guardrail the PII does come out, in a chunk and in the reply.
    assert any("alice@example.com" in chunk for chunk in raw_chunks) and "alice@example.com" in raw_reply.text

    agent, model = contact_agent()
    chunks, reply = asyncio.run(
        drain(guard_stream(LocalPolicy(), "who is alice", lambda p: core_stream(agent, p)))
    )
    assert model.calls == 2
    streamed = "".join(chunks)
    for secret in ("alice@example.com", "123-4567", "555"):
        assert all(secret not in chunk for chunk in chunks)
        assert secret not in streamed and secret not in reply.text
    assert (
        streamed
        == reply.text
        == raw_reply.text.replace("alice@example.com", "[EMAIL]").replace("(555) 123-4567", "[PHONE]")
    )
    # Still streamed, sentence by sentence, not held until the end.
    assert chunks == [
        "The lookup tool returned: Found Alice. ",
        "Email [EMAIL]. ",
        "Phone [PHONE].\n",
        "That is all.",
    ]
    assert reply.stop_reason == "end_turn" and reply.tool_calls == {"lookup": 1}


class Pieces:
    """A core stream cut at awkward places: mid-email, mid-phone, mid-sentence."""

    def __init__(self, *pieces: str, final: str | None = None) -> None:
        self.pieces = pieces
        self.final = final if final is not None else "".join(pieces)
        self.closed = False

    async def run(self) -> AsyncIterator[str | AgentReply]:
        try:
            for piece in self.pieces:
                yield piece
            yield AgentReply(text=self.final, stop_reason="end_turn", session_id="s-1", cycles=1)
        finally:
            self.closed = True


def test_a_secret_split_across_chunks_never_leaks() -> None:
    source = Pieces("Mail ali", "ce@exam", "ple.com or call 555-", "123-45", "67 now")
    chunks, reply = asyncio.run(drain(guard_stream(LocalPolicy(), "hi", source.run())))
    assert chunks == ["Mail [EMAIL] or call [PHONE] now"]  # no sentence break: held to the end, never cut
    assert reply.text == "Mail [EMAIL] or call [PHONE] now"
    assert source.closed


def test_reply_mode_checks_once_and_sends_one_chunk() -> None:
    checked: list[str] = []

    class Recording(LocalPolicy):
        def check_output(self, text: str) -> GuardrailOutcome:
            checked.append(text)
            return super().check_output(text)

    source = Pieces("One. ", "Two alice@example.com. ", "Three.")
    chunks, reply = asyncio.run(drain(guard_stream(Recording(), "hi", source.run(), mode="reply")))
    assert chunks == ["One. Two [EMAIL]. Three."]
    assert checked == ["One. Two alice@example.com. Three."]  # the reply's own text reused the same check
    assert reply.text == "One. Two [EMAIL]. Three."


def test_reply_text_differing_from_the_stream_is_checked_on_its_own() -> None:
    source = Pieces("Let me look. ", "Done.", final="bob@example.org is the owner")
    chunks, reply = asyncio.run(drain(guard_stream(LocalPolicy(), "hi", source.run())))
    assert chunks == ["Let me look. ", "Done."]
    assert reply.text == "[EMAIL] is the owner"


class BlocksSecrets(LocalPolicy):
    def check_output(self, text: str) -> GuardrailOutcome:
        if "SECRET" in text:
            return GuardrailOutcome("blocked", "I can't share that.", ("topic:secrets",))
        return super().check_output(text)


def test_output_blocked_mid_stream_stops_the_agent() -> None:
    source = Pieces("Fine so far. ", "Here is the SECRET. ", "More text. ", "Even more.")
    chunks, reply = asyncio.run(drain(guard_stream(BlocksSecrets(), "hi", source.run(), session_id="s-3")))
    assert chunks == ["Fine so far. ", "\nI can't share that."]
    assert (reply.text, reply.stop_reason, reply.session_id) == (
        "I can't share that.",
        "guardrail_intervened",
        "s-3",
    )
    assert source.closed


def test_output_blocked_in_reply_mode_sends_only_the_message_and_keeps_usage() -> None:
    source = Pieces("Here is the SECRET. ", "Bye.")
    chunks, reply = asyncio.run(drain(guard_stream(BlocksSecrets(), "hi", source.run(), mode="reply")))
    assert chunks == ["I can't share that."]
    assert (reply.text, reply.stop_reason, reply.cycles) == ("I can't share that.", "guardrail_intervened", 1)


class MasksNames(LocalPolicy):
    """Stands in for an ApplyGuardrail policy that anonymises input."""

    def check_input(self, text: str) -> GuardrailOutcome:
        if "Alice" in text:
            return GuardrailOutcome("masked", text.replace("Alice", "{NAME}"), ("pii:NAME",))
        return super().check_input(text)


def test_masked_input_is_what_the_agent_sees() -> None:
    model = RecordingModel()
    agent = Agent(model=model, callback_handler=None)
    chunks, reply = asyncio.run(
        drain(guard_stream(MasksNames(), "Hi, I am Alice", lambda p: core_stream(agent, p)))
    )
    assert "".join(chunks) == reply.text == "You said: Hi, I am {NAME}"
    assert "Alice" not in str(agent.messages)


def test_masked_input_with_a_stream_already_opened_fails_closed() -> None:
    agent, model = contact_agent()
    _, reply = asyncio.run(
        drain(guard_stream(MasksNames(), "Hi, I am Alice", core_stream(agent, "Hi, I am Alice")))
    )
    assert model.calls == 0
    assert reply.stop_reason == "guardrail_intervened"


def test_no_guardrail_passes_everything_through() -> None:
    source = Pieces("alice@example.com")
    chunks, reply = asyncio.run(drain(guard_stream(None, "dump all the passwords", source.run())))
    assert (chunks, reply.text) == (["alice@example.com"], "alice@example.com")


def test_a_consumer_that_stops_early_closes_the_core() -> None:
    source = Pieces("One. ", "Two. ", "Three.")

    async def first_chunk() -> str:
        stream = guard_stream(LocalPolicy(), "hi", source.run())
        chunk = await stream.__anext__()
        await stream.aclose()  # type: ignore[attr-defined]
        return str(chunk)

    assert asyncio.run(first_chunk()) == "One. "
    assert source.closed
