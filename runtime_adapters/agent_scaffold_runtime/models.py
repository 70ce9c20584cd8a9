"""Build a Strands model from a provider name, importing only that provider's SDK.

One factory per provider in a table, not an ``if provider ==`` chain, so adding a provider is one function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from .env_values import Source, text

if TYPE_CHECKING:  # importing Strands costs ~0.4 s: settings modules read PROVIDERS at cold start
    from strands.models.model import Model

PROVIDERS = ("offline", "bedrock", "anthropic", "openai", "ollama", "litellm")
#: Each provider's usual model: what a project uses when it switches provider without naming a model.
DEFAULT_MODEL_IDS: dict[str, str] = {
    "offline": "offline",
    "bedrock": "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic": "claude-sonnet-4-20250514",
    "openai": "gpt-4o",
    "ollama": "llama3.1",
    "litellm": "openai/gpt-4o",
}


class ModelSettings(TypedDict):
    """The model fields of a project's ``Settings``: ``Settings(**model_settings(env, ...), ...)``."""

    model_provider: str
    model_id: str
    aws_region: str


def model_settings(env: Source, *, provider: str, model_id: str, aws_region: str) -> ModelSettings:
    """Which model this process uses: ``AGENT_MODEL_PROVIDER``, ``AGENT_MODEL_ID`` and ``AWS_REGION`` (or
    ``AWS_DEFAULT_REGION``) from ``env``, over the project's own ``provider``, ``model_id``, ``aws_region``.

    Switching to another provider without naming a model gives that provider's usual model
    (``DEFAULT_MODEL_IDS``), not the project's model id, which the other provider would not know. An unknown
    provider is a ``ValueError`` naming the variable, raised when the settings are read, not on the first
    request.
    """
    chosen = text(env, "AGENT_MODEL_PROVIDER").lower() or provider
    if chosen not in PROVIDERS:
        raise ValueError(
            f"Unknown model provider {chosen!r} (set AGENT_MODEL_PROVIDER); "
            f"choose one of: {', '.join(PROVIDERS)}."
        )
    usual_model = model_id if chosen == provider else DEFAULT_MODEL_IDS[chosen]
    return ModelSettings(
        model_provider=chosen,
        model_id=text(env, "AGENT_MODEL_ID") or usual_model,
        aws_region=text(env, "AWS_REGION") or text(env, "AWS_DEFAULT_REGION") or aws_region,
    )


def _offline(model_id: str, options: dict[str, Any]) -> Model:
    from .offline_model import OfflineModel

    return OfflineModel(model_id=model_id or "offline", script=options.get("script"))


def _bedrock(model_id: str, options: dict[str, Any]) -> Model:
    from strands.models.bedrock import BedrockModel

    kwargs = {k: v for k, v in options.items() if v is not None}
    region = kwargs.pop("region", None)
    return BedrockModel(model_id=model_id, region_name=region, **kwargs)


def _anthropic(model_id: str, options: dict[str, Any]) -> Model:
    from strands.models.anthropic import AnthropicModel

    return AnthropicModel(model_id=model_id, max_tokens=int(options.get("max_tokens") or 4096))


def _openai(model_id: str, options: dict[str, Any]) -> Model:
    from strands.models.openai import OpenAIModel

    return OpenAIModel(model_id=model_id)


def _ollama(model_id: str, options: dict[str, Any]) -> Model:
    from strands.models.ollama import OllamaModel

    return OllamaModel(host=options.get("host") or "http://127.0.0.1:11434", model_id=model_id)


def _litellm(model_id: str, options: dict[str, Any]) -> Model:
    from strands.models.litellm import LiteLLMModel

    return LiteLLMModel(model_id=model_id)


_FACTORIES: dict[str, Callable[[str, dict[str, Any]], Model]] = {
    "offline": _offline,
    "bedrock": _bedrock,
    "anthropic": _anthropic,
    "openai": _openai,
    "ollama": _ollama,
    "litellm": _litellm,
}


def build_model(provider: str, model_id: str = "", **options: Any) -> Model:
    """``options`` are provider-specific (``region`` for Bedrock, ``host`` for Ollama, ``script`` offline)."""
    try:
        factory = _FACTORIES[provider]
    except KeyError:
        raise ValueError(
            f"Unknown model provider {provider!r}; choose one of: {', '.join(PROVIDERS)}."
        ) from None
    try:
        return factory(model_id, options)
    except ImportError as exc:
        raise ImportError(
            f"Model provider {provider!r} needs an extra package: "
            f"pip install 'strands-agents[{provider}]' ({exc})"
        ) from exc
