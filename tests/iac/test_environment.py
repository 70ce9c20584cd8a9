"""``agent_environment``: the AGENT_* variables a deployed agent gets, from the answers alone."""

from __future__ import annotations

from scaffold.iac.environment import agent_environment, session_prefix

from .support import ANSWER_SETS, DISCOVERY_URL


def test_defaults_name_every_choice_and_nothing_else() -> None:
    assert agent_environment({"project_name": "demo-agent"}) == {
        "AGENT_ENVIRONMENT": "dev",
        "AGENT_METRICS": "emf",
        "AGENT_MODEL_PROVIDER": "offline",
        "AGENT_AUTH": "none",
        "AGENT_MEMORY": "file",
        "AGENT_GUARDRAILS": "none",
        "AGENT_TELEMETRY": "none",
        "AGENT_SERVICE_NAME": "demo-agent",
    }


def test_details_follow_the_choices_that_need_them() -> None:
    env = agent_environment({"project_name": "demo-agent", **ANSWER_SETS["jwt-s3-bedrock-us-otlp"]})
    assert env == {
        "AGENT_ENVIRONMENT": "dev",
        "AGENT_METRICS": "emf",
        "AGENT_MODEL_PROVIDER": "bedrock",
        "AGENT_MODEL_ID": "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "AGENT_AUTH": "jwt",
        "AGENT_JWT_DISCOVERY_URL": DISCOVERY_URL,
        "AGENT_JWT_ALLOWED_CLIENTS": "web-client,cli-client",
        "AGENT_JWT_ALLOWED_SCOPES": "agent/invoke",
        "AGENT_MEMORY": "s3",
        "AGENT_SESSION_BUCKET": "team-agent-sessions",
        "AGENT_SESSION_PREFIX": "sessions/",
        "AGENT_GUARDRAILS": "bedrock",
        "AGENT_GUARDRAIL_ID": "gr7example",
        "AGENT_TELEMETRY": "otlp",
        "AGENT_SERVICE_NAME": "demo-agent",
    }


def test_the_environment_names_the_metrics_dimension() -> None:
    env = agent_environment({"project_name": "demo-agent"}, environment="prod")
    assert env["AGENT_ENVIRONMENT"] == "prod"
    assert env["AGENT_METRICS"] == "emf"


def test_answers_of_unchosen_features_do_not_leak_in() -> None:
    env = agent_environment(
        {"auth": "none", "jwt_discovery_url": DISCOVERY_URL, "memory": "file", "memory_id": "x"}
    )
    assert not any(name.startswith(("AGENT_JWT_", "AGENT_MEMORY_ID")) for name in env)


def test_no_reserved_or_empty_variables() -> None:
    for answers in ANSWER_SETS.values():
        env = agent_environment(answers)
        assert all(name.startswith("AGENT_") and value for name, value in env.items())


def test_session_prefix_is_normalised() -> None:
    assert session_prefix({}) == "sessions/"
    assert session_prefix({"session_prefix": "/team/a/"}) == "team/a/"
    assert session_prefix({"session_prefix": "/"}) == "sessions/"
