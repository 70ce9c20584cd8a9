"""Run-time settings are checked when an adapter starts, and known failures are explained in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from agent_scaffold_runtime import agentcore_adapter, fastapi_adapter, lambda_adapter
from agent_scaffold_runtime.config_check import ConfigurationError, check_configuration, explain_failure
from agent_scaffold_runtime.loader import AgentRef
from botocore.config import Config

AGENT = AgentRef("tests.support.demo_core")


@pytest.fixture()
def s3_memory_without_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MEMORY", "s3")
    monkeypatch.delenv("AGENT_SESSION_BUCKET", raising=False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AGENT_MEMORY": "s3"}, "AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET; it is empty or unset."),
        (
            {"AGENT_MEMORY": "agentcore"},
            "AGENT_MEMORY=agentcore needs AGENT_MEMORY_ID; it is empty or unset.",
        ),
        (
            {"AGENT_GUARDRAILS": "bedrock"},
            "AGENT_GUARDRAILS=bedrock needs the guardrail id in AGENT_GUARDRAIL_ID.",
        ),
        ({"AGENT_TELEMETRY": "loud"}, "AGENT_TELEMETRY must be one of"),
    ],
)
def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    for name in ("AGENT_SESSION_BUCKET", "AGENT_MEMORY_ID", "AGENT_GUARDRAIL_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError) as raised:
        check_configuration({})

    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_the_projects_answer_satisfies_the_check(s3_memory_without_bucket: None) -> None:
    check_configuration({"memory": "s3", "session_bucket": "team-sessions"})  # no error: the answer counts


@pytest.mark.parametrize(
    "start",
    [
        lambda: fastapi_adapter.create_app(AGENT),
        lambda: agentcore_adapter.create_app(AGENT),
        lambda: lambda_adapter.create_handler(AGENT)({"prompt": "hi"}, None),
    ],
    ids=["fastapi", "agentcore", "lambda"],
)
def test_servers_refuse_to_start_naming_the_variable(
    s3_memory_without_bucket: None, start: Callable[[], Any]
) -> None:
    with pytest.raises(ConfigurationError, match=r"^AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET"):
        start()


def test_no_credentials_from_a_real_client_is_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        (tmp_path / name).write_text("")
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.session.Session().client(
        "bedrock-runtime", region_name="us-east-1", config=Config(retries={"max_attempts": 1})
    )

    with pytest.raises(Exception) as raised:
        try:
            client.converse(modelId="m", messages=[{"role": "user", "content": [{"text": "hi"}]}])
        except Exception as exc:
            raise RuntimeError("the model SDK wrapped it") from exc

    explained = explain_failure(raised.value)
    assert explained is not None
    assert explained.startswith("No AWS credentials found for the model provider.")
    assert "AGENT_MODEL_PROVIDER=offline" in explained


def test_an_unknown_failure_is_not_explained() -> None:
    assert explain_failure(RuntimeError("boom")) is None
    assert explain_failure(None) is None
