"""Build a Strands model from a provider name, importing only that provider's SDK.

One factory per provider in a table, not an ``if provider ==`` chain, so adding a provider is one function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
