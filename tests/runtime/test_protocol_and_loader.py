"""Request parsing limits from the environment, and the lazy AgentRef."""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.errors import InvalidRequest, from_agent_failure
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import Limits, parse_payload, wants_stream
from agent_scaffold_runtime.streaming import run_to_reply

from tests.support.processes import fresh_python


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MAX_PROMPT_CHARS", "10")
    monkeypatch.setenv("AGENT_MAX_BODY_BYTES", "100")
    assert Limits.from_env() == Limits(max_prompt_chars=10, max_body_bytes=100)


@pytest.mark.parametrize("value", ["ten", "0", "-5"])
def test_bad_limit_settings_are_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("AGENT_MAX_PROMPT_CHARS", value)
    with pytest.raises(ValueError, match="AGENT_MAX_PROMPT_CHARS"):
        Limits.from_env()


def test_body_session_id_wins_over_the_header() -> None:
    request = parse_payload({"prompt": "p", "session_id": "body"}, Limits(), session_header="header")
    assert request.session_id == "body"
    assert parse_payload({"prompt": "p"}, Limits(), session_header="header").session_id == "header"


def test_bad_session_header_is_refused_too() -> None:
    with pytest.raises(InvalidRequest):
        parse_payload({"prompt": "p"}, Limits(), session_header="has spaces")


def test_stream_is_asked_by_body_or_accept_header() -> None:
    plain = parse_payload({"prompt": "p"}, Limits())
    assert not wants_stream(plain, "application/json")
    assert wants_stream(plain, "text/event-stream")
    assert wants_stream(parse_payload({"prompt": "p", "stream": True}, Limits()), None)


def test_throttling_maps_to_429_and_other_failures_hide_details() -> None:
    class ModelThrottledException(Exception):
        pass

    assert from_agent_failure(ModelThrottledException("slow down")).status == 429
    error = from_agent_failure(KeyError("secret-internal-detail"))
    assert error.status == 500 and "secret" not in error.message


def test_agent_ref_imports_lazily_and_checks_the_module() -> None:
    ref = AgentRef("tests.support.demo_core")
    assert not ref.is_loaded
    assert run_to_reply(ref.stream("u", "hi")).text == "You said: hi"
    assert ref.is_loaded
    with pytest.raises(ImportError, match="must define stream_agent"):
        AgentRef("json").load()


def test_preload_in_background_loads_the_module() -> None:
    ref = AgentRef("tests.support.demo_core")
    ref.preload_in_background().join(timeout=30)
    assert ref.is_loaded


def test_light_modules_do_not_import_strands_or_web_frameworks() -> None:
    """Settings modules and the Lambda handler import these at cold start; Strands alone costs ~0.4 s."""
    code = (
        "import sys, agent_scaffold_runtime.models, agent_scaffold_runtime.lambda_adapter;"
        "import agent_scaffold_runtime.identity;"
        "heavy = ('strands', 'boto3', 'fastapi', 'starlette', 'bedrock_agentcore');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    assert fresh_python(code).strip() == "[]"
