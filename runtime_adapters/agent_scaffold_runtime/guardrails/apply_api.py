"""Bedrock Guardrails for models that are not on Bedrock: the standalone ApplyGuardrail API.

``BedrockModel`` applies a guardrail inside Converse; an Anthropic, OpenAI or Ollama model cannot, so this
client sends the user's input (``source="INPUT"``) and the agent's answer (``source="OUTPUT"``) to
``bedrock-runtime:ApplyGuardrail`` and maps the response onto ``GuardrailOutcome``:

* ``action == "NONE"`` -> ``none``, the text unchanged;
* ``GUARDRAIL_INTERVENED`` with any assessment whose action is ``BLOCKED`` -> ``blocked``, with the
  guardrail's configured blocked message (``outputs``) as the text;
* ``GUARDRAIL_INTERVENED`` with only ``ANONYMIZED`` assessments -> ``masked``, with the masked text.

Any other intervention is treated as blocked: an unknown policy must not let text through. AWS errors become
``GuardrailUnavailable`` (503), so a guardrail outage fails closed instead of running the agent unguarded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Literal

from .base import DEFAULT_BLOCKED_MESSAGE, GuardrailOutcome, GuardrailUnavailable, StreamMode

Source = Literal["INPUT", "OUTPUT"]

# assessment key -> reason prefix; the entry field that names what was found (never the matched text).
_POLICIES = {
    "topicPolicy": ("topic", "name"),
    "contentPolicy": ("content", "type"),
    "wordPolicy": ("word", "type"),
    "sensitiveInformationPolicy": ("pii", "type"),
    "contextualGroundingPolicy": ("grounding", "type"),
    "automatedReasoningPolicy": ("reasoning", "type"),
}


class ApplyGuardrailClient:
    """One API call per check, so ``guard_stream`` buffers whole replies."""

    stream_mode: StreamMode = "reply"

    def __init__(
        self,
        guardrail_id: str,
        guardrail_version: str = "DRAFT",
        *,
        client: Any = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.guardrail_id = guardrail_id
        self.guardrail_version = guardrail_version
        self._client = client if client is not None else _client(region_name, endpoint_url)

    def check_input(self, text: str) -> GuardrailOutcome:
        return self.apply("INPUT", text)

    def check_output(self, text: str) -> GuardrailOutcome:
        return self.apply("OUTPUT", text)

    def apply(self, source: Source, text: str) -> GuardrailOutcome:
        if not text.strip():
            return GuardrailOutcome.allow(text)  # nothing to assess; also spares an API call per empty chunk
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.apply_guardrail(
                guardrailIdentifier=self.guardrail_id,
                guardrailVersion=self.guardrail_version,
                source=source,
                content=[{"text": {"text": text}}],
            )
        except (BotoCoreError, ClientError) as exc:
            detail = type(exc).__name__
            if isinstance(exc, ClientError):
                detail = exc.response.get("Error", {}).get("Code", detail)
            message = f"The guardrail could not check the {source.lower()} ({detail})."
            raise GuardrailUnavailable(message) from exc
        return outcome_from_response(response, text)


def outcome_from_response(response: dict[str, Any], text: str) -> GuardrailOutcome:
    """Map an ApplyGuardrail response (the AWS API shape) to a ``GuardrailOutcome``."""
    if response.get("action") != "GUARDRAIL_INTERVENED":
        return GuardrailOutcome.allow(text)
    actions: set[str] = set()
    reasons: list[str] = []
    for prefix, name, action in _findings(response.get("assessments") or []):
        actions.add(action)
        reason = f"{prefix}:{name}"
        if reason not in reasons:
            reasons.append(reason)
    if not reasons and response.get("actionReason"):
        reasons.append(f"action_reason:{response['actionReason']}")
    output = "".join(str(item.get("text", "")) for item in response.get("outputs") or [])
    if actions and actions <= {"ANONYMIZED", "NONE"} and "ANONYMIZED" in actions and output:
        return GuardrailOutcome(action="masked", text=output, reasons=tuple(reasons))
    return GuardrailOutcome(action="blocked", text=output or DEFAULT_BLOCKED_MESSAGE, reasons=tuple(reasons))


def _findings(assessments: list[dict[str, Any]]) -> Iterator[tuple[str, str, str]]:
    """Every detected policy entry as (reason prefix, what was found, action), walking nested lists."""
    for assessment in assessments:
        for key, (prefix, name_field) in _POLICIES.items():
            for entry in _entries(assessment.get(key)):
                if entry.get("detected") is False:  # outputScope=FULL also lists what was not found
                    continue
                kind = prefix
                if key == "sensitiveInformationPolicy" and "name" in entry and "type" not in entry:
                    kind, label = "regex", str(entry["name"])
                else:
                    label = str(entry.get(name_field) or entry.get("name") or "custom")
                yield kind, label, str(entry["action"])


def _entries(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "action" in value and isinstance(value["action"], str):
            yield value
        for child in value.values():
            yield from _entries(child)
    elif isinstance(value, list):
        for child in value:
            yield from _entries(child)


@functools.lru_cache(maxsize=8)
def _client(region_name: str | None, endpoint_url: str | None) -> Any:
    """One client per region and endpoint: building a boto3 client costs tens of milliseconds per request.

    Retries are botocore's standard mode with few attempts and short timeouts: a guardrail sits on the request
    path twice, so it must fail fast (and closed) rather than eat the request's time budget.
    """
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=15)
    return boto3.client("bedrock-runtime", region_name=region_name, endpoint_url=endpoint_url, config=config)
