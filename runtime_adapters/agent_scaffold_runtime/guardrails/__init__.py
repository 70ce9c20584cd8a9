"""Guardrails: ``AGENT_GUARDRAILS`` = ``none``, ``bedrock`` or ``local``, one outcome shape for all of them.

* ``bedrock`` on a Bedrock model: the model enforces the guardrail inside Converse;
  ``bedrock_model_guardrail_options(config)`` gives the ``BedrockModel`` keywords and ``build_guardrail``
  returns ``None`` (nothing else to run).
* ``bedrock`` on any other model: ``ApplyGuardrailClient`` checks input and output with the ApplyGuardrail
  API.
* ``local``: ``LocalPolicy``, an offline policy (denied topics, prompt size, PII masking), so tests and
  offline runs take the same guardrail path as production.

Wiring in the core (``guard_stream`` is where streamed text is masked; see ``guardrails.streaming``)::

    config = GuardrailConfig.from_env()
    guardrail = build_guardrail(config, settings.model_provider)
    model = build_model(provider, model_id, **bedrock_model_guardrail_options(config))  # bedrock only
    async for item in guard_stream(guardrail, prompt, lambda text: run(agent, text), session_id=sid):
        yield item

``GuardrailHooks`` is the same policy as a Strands ``HookProvider``, for agents used without the core's
stream.
The environment variables are listed in ``guardrails.config``.
"""

from __future__ import annotations

from .apply_api import ApplyGuardrailClient
from .base import DEFAULT_BLOCKED_MESSAGE, Guardrail, GuardrailOutcome, GuardrailUnavailable
from .bedrock import bedrock_model_guardrail_options
from .config import GuardrailConfig
from .hooks import GuardrailHooks
from .local import LocalPolicy, mask_pii
from .streaming import guard_stream

__all__ = [
    "DEFAULT_BLOCKED_MESSAGE",
    "ApplyGuardrailClient",
    "Guardrail",
    "GuardrailConfig",
    "GuardrailHooks",
    "GuardrailOutcome",
    "GuardrailUnavailable",
    "LocalPolicy",
    "bedrock_model_guardrail_options",
    "build_guardrail",
    "guard_stream",
    "mask_pii",
]


def build_guardrail(config: GuardrailConfig, model_provider: str) -> Guardrail | None:
    """The guardrail to run around the agent, or ``None`` when there is none to run (see module docstring)."""
    if config.mode == "local":
        return LocalPolicy(
            denied_topics=config.denied_topics,
            mask_pii=config.mask_pii,
            max_prompt_chars=config.max_prompt_chars,
            blocked_message=config.blocked_message,
        )
    if config.mode == "bedrock" and model_provider != "bedrock":
        return ApplyGuardrailClient(
            config.guardrail_id,
            config.guardrail_version,
            region_name=config.aws_region,
            endpoint_url=config.aws_endpoint_url,
        )
    return None
