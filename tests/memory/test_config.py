"""``MemoryConfig.from_env``: defaults, the Lambda directory rule, errors that name the variable to set."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_scaffold_runtime.memory import MemoryConfig


def test_defaults() -> None:
    config = MemoryConfig.from_env({})
    assert config == MemoryConfig(backend="file", session_dir=Path(".scaffold/sessions"), prefix="sessions/")
    assert (config.bucket, config.region, config.endpoint_url, config.memory_id) == (None, None, None, None)
    assert config.long_term is False


def test_project_default_backend_and_env_override() -> None:
    assert MemoryConfig.from_env({}, defaults={"memory": "none"}).backend == "none"
    assert MemoryConfig.from_env({"AGENT_MEMORY": " NONE "}, defaults={"memory": "file"}).backend == "none"
    assert MemoryConfig.from_env({"AGENT_MEMORY": ""}, defaults={"memory": "none"}).backend == "none"


def test_every_variable_is_read() -> None:
    config = MemoryConfig.from_env(
        {
            "AGENT_MEMORY": "agentcore",
            "AGENT_SESSION_DIR": "/var/sessions",
            "AGENT_SESSION_BUCKET": "b",
            "AGENT_SESSION_PREFIX": "chats/",
            "AWS_REGION": "eu-west-1",
            "AGENT_AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "AGENT_MEMORY_ID": "mem-0123456789",
            "AGENT_MEMORY_LONG_TERM": "True",
        }
    )
    assert config == MemoryConfig(
        backend="agentcore",
        session_dir=Path("/var/sessions"),
        bucket="b",
        prefix="chats/",
        region="eu-west-1",
        endpoint_url="http://127.0.0.1:5000",
        memory_id="mem-0123456789",
        long_term=True,
    )


def test_aws_default_region_is_the_fallback() -> None:
    assert MemoryConfig.from_env({"AWS_DEFAULT_REGION": "us-west-2"}).region == "us-west-2"
    assert MemoryConfig.from_env({"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "x"}).region == "eu-west-1"


def test_on_lambda_a_relative_session_dir_goes_under_tmp() -> None:
    on_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "fn"}
    assert MemoryConfig.from_env(on_lambda).session_dir == Path("/tmp/.scaffold/sessions")
    assert MemoryConfig.from_env({**on_lambda, "AGENT_SESSION_DIR": "s"}).session_dir == Path("/tmp/s")
    assert MemoryConfig.from_env({**on_lambda, "AGENT_SESSION_DIR": "/mnt/efs/s"}).session_dir == Path(
        "/mnt/efs/s"
    )
    assert MemoryConfig.from_env({"AGENT_SESSION_DIR": "s"}).session_dir == Path("s")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"AGENT_MEMORY": "redis"},
            r"Unknown memory backend 'redis' \(set AGENT_MEMORY\); choose one of: none, file",
        ),
        ({"AGENT_MEMORY": "s3"}, r"AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET"),
        ({"AGENT_MEMORY": "s3", "AGENT_SESSION_BUCKET": "  "}, r"AGENT_MEMORY=s3 needs AGENT_SESSION_BUCKET"),
        ({"AGENT_MEMORY": "agentcore"}, r"AGENT_MEMORY=agentcore needs AGENT_MEMORY_ID"),
        ({"AGENT_MEMORY_LONG_TERM": "maybe"}, r"AGENT_MEMORY_LONG_TERM must be true or false; got 'maybe'"),
    ],
)
def test_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MemoryConfig.from_env(env)


def test_a_config_built_by_hand_is_validated_too() -> None:
    with pytest.raises(ValueError, match="AGENT_SESSION_BUCKET"):
        MemoryConfig(backend="s3")
