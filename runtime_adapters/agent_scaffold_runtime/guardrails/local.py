"""An offline guardrail: denied topics by pattern, a prompt-size cap, PII masking of output.

It needs no network and returns the same ``GuardrailOutcome`` as the Bedrock paths, so tests and offline runs
exercise exactly the code that production guardrails go through. It is a policy of regular expressions, not a
classifier: it catches the obvious (a pasted access key, "dump all the passwords", an email address in the
answer) and is meant as a floor, not as a replacement for Bedrock Guardrails.

Direction matters: denied topics and the size cap apply to input (what the user asks), PII masking applies to
output (what the agent answers). Checking topics on output would block the agent's own refusals ("I can't
share passwords"), and masking input would hide from the model the very data the user asked it to work on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .base import DEFAULT_BLOCKED_MESSAGE, GuardrailOutcome, StreamMode

_SECRET_WORDS = (
    r"passwords?|passwd|api[ _-]?keys?|secret[ _-]?(?:access[ _-]?)?keys?|access[ _-]?tokens?"
    r"|session[ _-]?tokens?|credentials?|private[ _-]?keys?"
)
_EXFIL_VERBS = r"reveal|show|print|dump|leak|list|give|send|share|exfiltrate|export|tell|read out|email"

# name -> pattern (case-insensitive). Credential exfiltration: asking for secrets, or pasting them.
DEFAULT_DENIED_TOPICS: tuple[tuple[str, str], ...] = (
    ("credential_exfiltration", rf"\b(?:{_EXFIL_VERBS})\b[^.?!\n]{{0,60}}\b(?:{_SECRET_WORDS})\b"),
    ("aws_access_key", r"(?-i:\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"),
    ("private_key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
)


@dataclass(frozen=True)
class DeniedTopic:
    name: str
    pattern: re.Pattern[str]


def compile_topics(topics: Iterable[tuple[str, str]]) -> tuple[DeniedTopic, ...]:
    """Compile ``(name, regex)`` pairs; a bad regex is a configuration error, reported with its name."""
    compiled = []
    for name, source in topics:
        try:
            compiled.append(DeniedTopic(name, re.compile(source, re.IGNORECASE)))
        except re.error as exc:
            raise ValueError(f"Denied topic {name!r} is not a valid regular expression: {exc}") from None
    return tuple(compiled)


# PII. Order matters: cards and SSNs are masked before phones, whose pattern would match parts of them.
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)"  # North America
    r"|(?<![\w+])\+\d{1,3}(?:[ .-]?\d){6,14}(?!\w)"  # international, written with a leading +
)


def luhn_valid(digits: str) -> bool:
    """The card-number checksum: it keeps order numbers and timestamps of card length from being masked."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask_pii(text: str) -> tuple[str, tuple[str, ...]]:
    """Replace emails, card numbers (Luhn-checked), US SSNs and phone numbers; return the kinds found."""
    found: list[str] = []

    def sub(
        pattern: re.Pattern[str], label: str, value: str, keep: Callable[[str], bool] | None = None
    ) -> str:
        def replace(match: re.Match[str]) -> str:
            if keep is not None and not keep(match.group(0)):
                return match.group(0)
            if label not in found:
                found.append(label)
            return f"[{label}]"

        return pattern.sub(replace, value)

    text = sub(_EMAIL, "EMAIL", text)
    text = sub(_CARD, "CARD", text, keep=lambda raw: luhn_valid(re.sub(r"\D", "", raw)))
    text = sub(_SSN, "SSN", text)
    text = sub(_PHONE, "PHONE", text)
    return text, tuple(f"pii:{label}" for label in found)


class LocalPolicy:
    """The ``local`` guardrail. Cheap and pure, so ``guard_stream`` checks output sentence by sentence."""

    stream_mode: StreamMode = "sentence"

    def __init__(
        self,
        *,
        denied_topics: Sequence[tuple[str, str]] = DEFAULT_DENIED_TOPICS,
        mask_pii: bool = True,
        max_prompt_chars: int | None = None,
        blocked_message: str = DEFAULT_BLOCKED_MESSAGE,
    ) -> None:
        self.denied_topics = compile_topics(denied_topics)
        self.mask_pii = mask_pii
        self.max_prompt_chars = max_prompt_chars
        self.blocked_message = blocked_message

    def check_input(self, text: str) -> GuardrailOutcome:
        if self.max_prompt_chars is not None and len(text) > self.max_prompt_chars:
            return GuardrailOutcome(
                action="blocked",
                text=f"Your message is too long: the limit is {self.max_prompt_chars} characters.",
                reasons=("max_prompt_chars",),
            )
        hits = tuple(f"denied_topic:{t.name}" for t in self.denied_topics if t.pattern.search(text))
        if hits:
            return GuardrailOutcome(action="blocked", text=self.blocked_message, reasons=hits)
        return GuardrailOutcome.allow(text)

    def check_output(self, text: str) -> GuardrailOutcome:
        if not self.mask_pii:
            return GuardrailOutcome.allow(text)
        masked, reasons = mask_pii(text)
        if not reasons:
            return GuardrailOutcome.allow(text)
        return GuardrailOutcome(action="masked", text=masked, reasons=reasons)
