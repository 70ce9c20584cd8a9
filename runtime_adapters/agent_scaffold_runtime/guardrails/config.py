"""Guardrail settings from environment variables: one build runs unguarded, locally guarded or on Bedrock.

| variable | meaning | default |
| --- | --- | --- |
| ``AGENT_GUARDRAILS`` | ``none``, ``bedrock`` or ``local`` | ``none`` |
| ``AGENT_GUARDRAIL_ID`` | Bedrock guardrail id or ARN (required for ``bedrock``) | |
| ``AGENT_GUARDRAIL_VERSION`` | guardrail version | ``DRAFT`` |
| ``AGENT_GUARDRAIL_TRACE`` | ``enabled``, ``disabled`` or ``enabled_full`` | ``enabled`` |
| ``AGENT_GUARDRAIL_REDACT_INPUT`` | replace blocked input in history (Bedrock model) | ``true`` |
| ``AGENT_GUARDRAIL_REDACT_OUTPUT`` | replace blocked output in history (Bedrock model) | ``false`` |
| ``AGENT_POLICY_DENIED_TOPICS`` | ``;``-separated regexes (``none`` for none) | credential exfiltration |
| ``AGENT_POLICY_MASK_PII`` | mask emails, phones, cards, SSNs in output | ``true`` |
| ``AGENT_POLICY_MAX_PROMPT_CHARS`` | block longer prompts (local policy) | no limit |
| ``AGENT_POLICY_BLOCKED_MESSAGE`` | the answer to blocked input (local policy) | a short refusal |
| ``AGENT_AWS_ENDPOINT_URL`` | endpoint override for the ``bedrock-runtime`` client | AWS |

An empty variable counts as unset. ``defaults`` (same names) are the project's choices baked in at generation
time: the environment overrides them, they override the built-in defaults. Redaction defaults follow Strands'
``BedrockModel`` (redact input, keep output). A ``;`` cannot appear inside a topic regex; write ``\\x3b``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Literal, cast

from ..env_values import answered, flag, positive_int, text
from .base import DEFAULT_BLOCKED_MESSAGE, StreamMode
from .local import DEFAULT_DENIED_TOPICS, compile_topics

Mode = Literal["none", "bedrock", "local"]
Trace = Literal["enabled", "disabled", "enabled_full"]
MODES: tuple[Mode, ...] = ("none", "bedrock", "local")
TRACES: tuple[Trace, ...] = ("enabled", "disabled", "enabled_full")


@dataclass(frozen=True)
class GuardrailConfig:
    mode: Mode = "none"
    guardrail_id: str = ""
    guardrail_version: str = "DRAFT"
    trace: Trace = "enabled"
    redact_input: bool = True
    redact_output: bool = False
    denied_topics: tuple[tuple[str, str], ...] = DEFAULT_DENIED_TOPICS
    mask_pii: bool = True
    max_prompt_chars: int | None = None
    blocked_message: str = DEFAULT_BLOCKED_MESSAGE
    aws_region: str | None = None
    aws_endpoint_url: str | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(
                f"Unknown guardrails mode {self.mode!r} (AGENT_GUARDRAILS); use one of: none, bedrock, local."
            )
        if self.mode == "bedrock" and not self.guardrail_id:
            raise ValueError("AGENT_GUARDRAILS=bedrock needs the guardrail id in AGENT_GUARDRAIL_ID.")
        if self.trace not in TRACES:
            raise ValueError(f"AGENT_GUARDRAIL_TRACE must be one of {', '.join(TRACES)}, not {self.trace!r}.")
        compile_topics(self.denied_topics)  # fail at startup, not on the first request

    @property
    def stream_mode(self) -> StreamMode:
        """How ``guard_stream`` should buffer output: per sentence for the local policy (free), per reply for
        ApplyGuardrail (one paid API call per answer, and a block decision that sees the whole answer)."""
        return "reply" if self.mode == "bedrock" else "sentence"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, defaults: Mapping[str, str] | None = None
    ) -> GuardrailConfig:
        source = answered(env, defaults)
        get = partial(text, source)
        mode = get("AGENT_GUARDRAILS").lower() or "none"
        return cls(
            mode=cast(Mode, mode),
            guardrail_id=get("AGENT_GUARDRAIL_ID"),
            guardrail_version=get("AGENT_GUARDRAIL_VERSION") or "DRAFT",
            trace=cast(Trace, get("AGENT_GUARDRAIL_TRACE").lower() or "enabled"),
            redact_input=flag(source, "AGENT_GUARDRAIL_REDACT_INPUT", default=True),
            redact_output=flag(source, "AGENT_GUARDRAIL_REDACT_OUTPUT", default=False),
            denied_topics=_topics(get("AGENT_POLICY_DENIED_TOPICS")),
            mask_pii=flag(source, "AGENT_POLICY_MASK_PII", default=True),
            max_prompt_chars=positive_int(source, "AGENT_POLICY_MAX_PROMPT_CHARS", default=0)
            or None,  # 0: no limit
            blocked_message=get("AGENT_POLICY_BLOCKED_MESSAGE") or DEFAULT_BLOCKED_MESSAGE,
            aws_region=get("AWS_REGION") or get("AWS_DEFAULT_REGION") or None,
            aws_endpoint_url=get("AGENT_AWS_ENDPOINT_URL") or None,
        )


def _topics(raw: str) -> tuple[tuple[str, str], ...]:
    if not raw:
        return DEFAULT_DENIED_TOPICS
    if raw.lower() == "none":
        return ()
    parts = [part.strip() for part in raw.split(";") if part.strip()]
    return tuple((f"custom_{index}", part) for index, part in enumerate(parts, start=1))
