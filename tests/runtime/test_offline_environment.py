"""``agent_scaffold_runtime.testing.offline_environment``: what a generated project's autouse fixture calls so
every test runs offline, whatever the shell exports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from agent_scaffold_runtime.testing import offline_environment

#: A shell set up for production: a Bedrock model, JWT auth, OTLP export, prompt logging, a proxy.
PRODUCTION_SHELL = {
    "AGENT_MODEL_PROVIDER": "bedrock",
    "AGENT_MODEL_ID": "anthropic.claude-sonnet",
    "AGENT_SYSTEM_PROMPT": "Be terse.",
    "AGENT_MEMORY": "s3",
    "AGENT_AUTH": "jwt",
    "AGENT_GUARDRAILS": "bedrock",
    "AGENT_TELEMETRY": "otlp",
    "AGENT_LOG_PROMPTS": "1",
    "AGENT_TELEMETRY_HASH_USER_ID": "1",
    "NO_PROXY": "",
}


@pytest.mark.parametrize("guardrails", ["none", "local"])
def test_a_production_shell_becomes_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, guardrails: str
) -> None:
    for name, value in PRODUCTION_SHELL.items():
        monkeypatch.setenv(name, value)

    offline_environment(monkeypatch, tmp_path_factory, guardrails=guardrails)

    assert os.environ["AGENT_MODEL_PROVIDER"] == "offline"
    assert (os.environ["AGENT_MEMORY"], os.environ["AGENT_AUTH"]) == ("file", "none")
    assert (os.environ["AGENT_GUARDRAILS"], os.environ["AGENT_TELEMETRY"]) == (guardrails, "none")
    for name in (
        "AGENT_MODEL_ID",
        "AGENT_SYSTEM_PROMPT",
        "AGENT_LOG_PROMPTS",
        "AGENT_TELEMETRY_HASH_USER_ID",
    ):
        assert name not in os.environ
    assert os.environ["NO_PROXY"] == os.environ["no_proxy"] == "127.0.0.1,localhost"
    sessions, log = Path(os.environ["AGENT_SESSION_DIR"]), Path(os.environ["AGENT_LOG_FILE"])
    base = tmp_path_factory.getbasetemp()
    assert sessions.is_dir() and sessions.is_relative_to(base)
    assert log.parent.is_dir() and log.is_relative_to(base)


def test_every_call_gets_a_fresh_session_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    offline_environment(monkeypatch, tmp_path_factory)
    first = os.environ["AGENT_SESSION_DIR"]

    offline_environment(monkeypatch, tmp_path_factory)

    assert os.environ["AGENT_SESSION_DIR"] != first
    assert os.environ["AGENT_GUARDRAILS"] == "none"
