"""The ``s3`` backend against a real moto server: per-user prefixes, remembered turns, create-only writes."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from agent_scaffold_runtime.memory import MemoryConfig, SessionConflictError, session_manager_for
from agent_scaffold_runtime.memory.s3 import CreateOnlyS3SessionManager, user_prefix
from agent_scaffold_runtime.offline_model import OfflineModel
from strands import Agent
from strands.session.s3_session_manager import S3SessionManager

from .support import ALICE, BOB, assert_two_turns_are_remembered, new_agent, texts, turn


@pytest.fixture
def bucket(moto_endpoint: str) -> str:
    name = f"sessions-{uuid.uuid4().hex[:12]}"
    s3_client(moto_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def config(moto_endpoint: str, bucket: str) -> MemoryConfig:
    return MemoryConfig.from_env(
        {
            "AGENT_MEMORY": "s3",
            "AGENT_SESSION_BUCKET": bucket,
            "AWS_REGION": "us-east-1",
            "AGENT_AWS_ENDPOINT_URL": moto_endpoint,
        }
    )


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


def objects(config: MemoryConfig, prefix: str = "") -> dict[str, str]:
    client = s3_client(str(config.endpoint_url))
    listed = client.list_objects_v2(Bucket=config.bucket, Prefix=prefix).get("Contents", [])
    return {item["Key"]: item["ETag"] for item in listed}


def test_two_turns_in_one_session_are_remembered(config: MemoryConfig) -> None:
    assert_two_turns_are_remembered(config)


def test_users_have_their_own_prefix_and_never_read_each_other(config: MemoryConfig) -> None:
    turn(config, ALICE, "chat-1", "my secret is 42")
    alice_before = objects(config, user_prefix(config, ALICE))

    bob = new_agent(config, BOB, "chat-1")
    assert bob.messages == []
    bob("what is the secret?")

    keys = sorted(objects(config))
    assert {key.split("/")[1] for key in keys} == {ALICE.namespace, BOB.namespace}
    assert all(key.startswith("sessions/") for key in keys)
    assert f"sessions/{ALICE.namespace}/session_chat-1/agents/agent_default/messages/message_1.json" in keys
    assert f"sessions/{BOB.namespace}/session_chat-1/agents/agent_default/messages/message_1.json" in keys
    assert objects(config, user_prefix(config, ALICE)) == alice_before  # same keys, same ETags
    assert texts(new_agent(config, ALICE, "chat-1").messages) == [
        "my secret is 42",
        "You said: my secret is 42",
    ]


def test_the_endpoint_reaches_the_strands_client(config: MemoryConfig) -> None:
    manager = session_manager_for(config, ALICE, "chat-1")
    assert isinstance(manager, CreateOnlyS3SessionManager)
    assert manager.client.meta.endpoint_url == config.endpoint_url
    assert manager.prefix == f"sessions/{ALICE.namespace}/"


def plain_strands_agent(config: MemoryConfig) -> Agent:
    """An agent on Strands' own S3SessionManager (plain PutObject) at the same keys as this backend."""
    manager = S3SessionManager(
        session_id="chat-1",
        bucket=str(config.bucket),
        prefix=user_prefix(config, ALICE),
        region_name="us-east-1",
        endpoint_url=config.endpoint_url,
    )
    return Agent(model=OfflineModel(), callback_handler=None, session_manager=manager)


# Two agents that both read the history before either answers: what two Lambda invocations of one
# session can do. Run one after the other, the outcome is deterministic.


def test_plain_strands_s3_writes_lose_a_turn_across_processes(config: MemoryConfig) -> None:
    """Why this backend writes create-only: with a plain PutObject the later turn replaces the earlier."""
    turn(config, ALICE, "chat-1", "first")
    early, late = plain_strands_agent(config), plain_strands_agent(config)  # both read the same history
    early("from invocation one")
    late("from invocation two")  # succeeds...
    history = texts(new_agent(config, ALICE, "chat-1").messages)
    assert len(history) == 4 and "from invocation one" not in history  # ...and turn one is gone


def test_conditional_writes_turn_the_lost_turn_into_a_conflict(config: MemoryConfig) -> None:
    turn(config, ALICE, "chat-1", "first")
    early, late = new_agent(config, ALICE, "chat-1"), new_agent(config, ALICE, "chat-1")
    early("from invocation one")
    with pytest.raises(SessionConflictError) as caught:
        late("from invocation two")
    assert (caught.value.status, caught.value.code) == (409, "session_conflict")
    assert texts(new_agent(config, ALICE, "chat-1").messages) == [
        "first",
        "You said: first",
        "from invocation one",
        "You said: from invocation one",
    ]
