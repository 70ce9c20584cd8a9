"""The one outcome shape every guardrail returns, so callers never branch on which provider ran."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from ..errors import AdapterError

Action = Literal["none", "blocked", "masked"]
StreamMode = Literal["sentence", "reply"]

DEFAULT_BLOCKED_MESSAGE = "Sorry, I can't help with that request."


@dataclass(frozen=True)
class GuardrailOutcome:
    """What a guardrail decided about one text.

    ``text`` is always what may be shown or sent on: the original text (``none``), the text with sensitive
    parts replaced (``masked``) or the message to answer instead (``blocked``). ``reasons`` are short
    machine-readable labels (``pii:EMAIL``, ``denied_topic:credential_exfiltration``) for logs and tests;
    they are never shown to the caller, so a policy's details do not leak.
    """

    action: Action
    text: str
    reasons: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.action == "blocked"

    @classmethod
    def allow(cls, text: str) -> GuardrailOutcome:
        return cls(action="none", text=text)


class Guardrail(Protocol):
    """A policy applied to the user's input before the model sees it and to the output before it leaves.

    Implementations may block on I/O (the ApplyGuardrail client calls AWS), so async callers run them in a
    worker thread. An implementation may also set ``stream_mode`` (``"sentence"`` or ``"reply"``) to tell
    ``guard_stream`` how much output to buffer per check; see ``guardrails.streaming``.
    """

    def check_input(self, text: str) -> GuardrailOutcome: ...

    def check_output(self, text: str) -> GuardrailOutcome: ...


class GuardrailUnavailable(AdapterError):
    """The guardrail service could not be asked; the request fails closed rather than running unguarded."""

    status = 503
    code = "guardrail_unavailable"
