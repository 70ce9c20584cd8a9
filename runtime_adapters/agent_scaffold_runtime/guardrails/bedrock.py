"""Bedrock Guardrails on ``BedrockModel``: the model applies the guardrail inside Converse itself.

The keyword names are Strands' ``BedrockModel.BedrockConfig`` fields (``strands/models/bedrock.py``):
``guardrail_id``, ``guardrail_version``, ``guardrail_trace``, ``guardrail_redact_input``,
``guardrail_redact_output`` and ``guardrail_stream_processing_mode``.

``guardrail_stream_processing_mode="sync"`` is set explicitly: in sync mode Bedrock evaluates each chunk
before sending it, so a masked or blocked answer never reaches the client in streamed chunks; ``async``
streams first and checks afterwards, which is faster but can leak what the guardrail would have masked.
"""

from __future__ import annotations

from typing import Any

from .config import GuardrailConfig


def bedrock_model_guardrail_options(config: GuardrailConfig) -> dict[str, Any]:
    """``BedrockModel(**options)`` keywords for ``config``; empty unless ``AGENT_GUARDRAILS=bedrock``."""
    if config.mode != "bedrock":
        return {}
    return {
        "guardrail_id": config.guardrail_id,
        "guardrail_version": config.guardrail_version,
        "guardrail_trace": config.trace,
        "guardrail_redact_input": config.redact_input,
        "guardrail_redact_output": config.redact_output,
        "guardrail_stream_processing_mode": "sync",
    }
