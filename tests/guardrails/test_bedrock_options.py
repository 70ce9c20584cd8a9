"""The BedrockModel keywords: Strands' BedrockModel must accept them and send them in the Converse request."""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.guardrails import (
    GuardrailConfig,
    bedrock_model_guardrail_options,
    build_guardrail,
)
from agent_scaffold_runtime.models import build_model
from strands.models.bedrock import BedrockModel


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def bedrock_config() -> GuardrailConfig:
    env = {
        "AGENT_GUARDRAILS": "bedrock",
        "AGENT_GUARDRAIL_ID": "gr-abc123",
        "AGENT_GUARDRAIL_VERSION": "2",
        "AGENT_GUARDRAIL_TRACE": "enabled_full",
        "AGENT_GUARDRAIL_REDACT_OUTPUT": "true",
    }
    return GuardrailConfig.from_env(env)


def test_options_are_accepted_by_bedrock_model_and_reach_the_converse_request() -> None:
    options = bedrock_model_guardrail_options(bedrock_config())
    assert options == {
        "guardrail_id": "gr-abc123",
        "guardrail_version": "2",
        "guardrail_trace": "enabled_full",
        "guardrail_redact_input": True,
        "guardrail_redact_output": True,
        "guardrail_stream_processing_mode": "sync",
    }
    assert set(options) <= set(BedrockModel.BedrockConfig.__annotations__)  # real BedrockConfig field names

    model = BedrockModel(
        model_id="us.anthropic.claude-sonnet-4-20250514-v1:0", region_name="us-east-1", **options
    )
    assert {key: model.get_config().get(key) for key in options} == options
    request = model.format_request([{"role": "user", "content": [{"text": "hi"}]}])
    assert request["guardrailConfig"] == {
        "guardrailIdentifier": "gr-abc123",
        "guardrailVersion": "2",
        "trace": "enabled_full",
        "streamProcessingMode": "sync",
    }


def test_the_project_model_factory_passes_them_through() -> None:
    config = bedrock_config()
    model = build_model(
        "bedrock", "amazon.nova-lite-v1:0", region="us-west-2", **bedrock_model_guardrail_options(config)
    )
    assert isinstance(model, BedrockModel)
    assert model.get_config().get("guardrail_id") == "gr-abc123"
    assert build_guardrail(config, "bedrock") is None  # nothing else runs: the model enforces it


def test_no_options_unless_bedrock_guardrails_are_chosen() -> None:
    assert bedrock_model_guardrail_options(GuardrailConfig()) == {}
    assert bedrock_model_guardrail_options(GuardrailConfig(mode="local")) == {}
