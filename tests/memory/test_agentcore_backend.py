"""The ``agentcore`` backend: bedrock-agentcore's Strands session manager against a real moto server.

moto 5.2 implements the data plane calls the integration makes (``CreateEvent``, ``ListEvents``,
``GetEvent``, ``DeleteEvent``), so events, actors and isolation are tested as they are. Two gaps in its
``ListEvents`` keep the integration from restoring history on moto: it ignores ``filter.eventMetadata``
(the integration finds its agent-state event by metadata) and returns events oldest first, while the
integration reads them newest first (it takes ``events[0]`` as the latest agent state and reverses events
into a transcript). ``aws_like_list_events`` patches moto's *server* handler to filter and order as the
integration expects, so the restore path runs for real; boto3 and the integration are untouched. Drop
the patch once moto implements both.

Long-term memory: moto has no control-plane strategy processing (``CreateMemory`` stores strategies but
extracts nothing, and reads only the legacy ``namespaces`` field) and no ``RetrieveMemoryRecords``. The
strategies are checked against the service model offline, and ``long_term_records`` adds a server-side
``RetrieveMemoryRecords`` over seeded records, to show which namespace the agent reads and what it injects.
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from agent_scaffold_runtime.memory import MemoryConfig, session_manager_for
from agent_scaffold_runtime.memory.agentcore import (
    LONG_TERM_NAMESPACES,
    LONG_TERM_STRATEGIES,
    memory_config,
    memory_session_id,
)
from botocore.session import get_session
from botocore.validate import ParamValidator
from moto.bedrockagentcore.responses import BedrockAgentCoreResponse
from moto.core.responses import ActionResult

from .support import ALICE, BOB, assert_two_turns_are_remembered, new_agent, texts, turn


@pytest.fixture
def config(moto_endpoint: str) -> MemoryConfig:
    return MemoryConfig.from_env(
        {
            "AGENT_MEMORY": "agentcore",
            "AGENT_MEMORY_ID": f"scaffold-{uuid.uuid4().hex[:10]}",  # a fresh memory per test
            "AWS_REGION": "us-east-1",
            "AGENT_AWS_ENDPOINT_URL": moto_endpoint,
        }
    )


def _list_events_like_aws(self: BedrockAgentCoreResponse) -> ActionResult:
    params = self._get_params()
    wanted = [
        (f["left"]["metadataKey"], f["right"]["metadataValue"]["stringValue"])
        for f in (params.get("filter") or {}).get("eventMetadata", [])
        if f["operator"] == "EQUALS_TO"
    ]
    events = self.backend.list_events(params["memoryId"], params["actorId"], params["sessionId"], None)
    newest_first = [
        event
        for event in reversed(events)
        if all(event.metadata.get(key, {}).get("stringValue") == value for key, value in wanted)
    ][: params.get("maxResults") or 100]
    include = params.get("includePayloads", False)
    return ActionResult(
        {"events": [e.to_dict(include_payload=include) for e in newest_first], "nextToken": None}
    )


@pytest.fixture
def aws_like_list_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BedrockAgentCoreResponse, "list_events", _list_events_like_aws)


_RECORDS: dict[str, list[str]] = {}  # namespace -> record texts, served by the patched handler below


def _retrieve_memory_records(self: BedrockAgentCoreResponse) -> ActionResult:
    params = self._get_params()
    path = params.get("namespacePath") or params.get("namespace") or ""
    summaries = [
        {
            "memoryRecordId": f"mem-{index:04d}",
            "content": {"text": text},
            "memoryStrategyId": "scaffold_preferences",
            "namespaces": [namespace],
            "createdAt": 0,
            "score": 0.9,
        }
        for namespace, texts_ in _RECORDS.items()
        if namespace.startswith(path)
        for index, text in enumerate(texts_)
    ]
    return ActionResult({"memoryRecordSummaries": summaries})


@pytest.fixture
def long_term_records(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    monkeypatch.setattr(
        BedrockAgentCoreResponse, "retrieve_memory_records", _retrieve_memory_records, raising=False
    )
    _RECORDS.clear()
    return _RECORDS


def events(config: MemoryConfig, actor: str, session_id: str) -> list[dict[str, Any]]:
    client = boto3.client("bedrock-agentcore", endpoint_url=config.endpoint_url, region_name="us-east-1")
    found = client.list_events(
        memoryId=config.memory_id, actorId=actor, sessionId=session_id, includePayloads=True, maxResults=100
    )["events"]
    return sorted(found, key=lambda e: (e["eventTimestamp"], e["eventId"]))


def conversation(found: list[dict[str, Any]]) -> list[str]:
    """The message events' texts, oldest first (each is a Strands message serialised by the integration)."""
    import json

    lines = []
    for event in found:
        for item in event["payload"]:
            if "conversational" in item:
                message = json.loads(item["conversational"]["content"]["text"])["message"]
                lines.append(texts([message])[0])
    return lines


def test_turns_are_events_under_the_users_namespace_actor(config: MemoryConfig) -> None:
    turn(config, ALICE, "chat-1", "hello there")
    turn(config, ALICE, "chat-1", "and again")
    found = events(config, ALICE.namespace, "chat-1")
    assert {e["actorId"] for e in found} == {ALICE.namespace}
    assert "alice" not in ALICE.namespace
    assert conversation(found) == ["hello there", "You said: hello there", "and again", "You said: and again"]


def test_another_user_naming_the_same_session_id_writes_under_another_actor(config: MemoryConfig) -> None:
    turn(config, ALICE, "chat-1", "my secret is 42")
    alice_before = events(config, ALICE.namespace, "chat-1")

    bob = new_agent(config, BOB, "chat-1")
    assert bob.messages == []
    bob("what is the secret?")

    assert conversation(events(config, BOB.namespace, "chat-1")) == [
        "what is the secret?",
        "You said: what is the secret?",
    ]
    assert events(config, ALICE.namespace, "chat-1") == alice_before


@pytest.mark.usefixtures("aws_like_list_events")
def test_two_turns_are_remembered_when_list_events_filters_like_aws(config: MemoryConfig) -> None:
    assert_two_turns_are_remembered(config)
    assert new_agent(config, BOB, "chat-1").messages == []


def test_session_ids_agentcore_refuses_are_stored_under_a_digest(config: MemoryConfig) -> None:
    assert memory_session_id("0d6f5b1c-0000-4000-8000-000000000000") == "0d6f5b1c-0000-4000-8000-000000000000"
    odd = "chat.2024:01"  # allowed on the wire, not by AgentCore Memory (no '.' or ':')
    mapped = memory_session_id(odd)
    assert mapped.startswith("sid-") and mapped == memory_session_id(odd) != memory_session_id("chat.2024:02")
    assert memory_session_id("x" * 101).startswith("sid-") and len(memory_session_id("x" * 256)) <= 100

    turn(config, ALICE, odd, "hello")
    assert conversation(events(config, ALICE.namespace, mapped)) == ["hello", "You said: hello"]


def test_short_term_only_by_default(config: MemoryConfig) -> None:
    manager = session_manager_for(config, ALICE, "chat-1")
    assert manager is not None
    assert manager.config.retrieval_config is None  # type: ignore[attr-defined]
    assert manager.memory_client.gmdp_client.meta.endpoint_url == config.endpoint_url  # type: ignore[attr-defined]


def test_long_term_reads_exactly_the_namespaces_the_strategies_write(config: MemoryConfig) -> None:
    long_term = MemoryConfig(**{**config.__dict__, "long_term": True})
    read = memory_config(long_term, ALICE, "chat-1").retrieval_config
    assert read is not None and set(read) == set(LONG_TERM_NAMESPACES)
    written = {
        ns
        for strategy in LONG_TERM_STRATEGIES
        for spec in strategy.values()
        for ns in spec["namespaceTemplates"]
    }
    assert written == set(LONG_TERM_NAMESPACES)
    assert all("{actorId}" in ns for ns in written)  # every long-term record is per user


def test_long_term_strategies_are_a_valid_create_memory_request() -> None:
    model = get_session().get_service_model("bedrock-agentcore-control")
    request = {
        "name": "scaffold_memory",
        "eventExpiryDuration": 30,
        "memoryStrategies": list(LONG_TERM_STRATEGIES),
    }
    report = ParamValidator().validate(request, model.operation_model("CreateMemory").input_shape)
    assert not report.has_errors(), report.generate_report()


def test_long_term_memory_of_one_user_reaches_only_that_user(
    config: MemoryConfig, long_term_records: dict[str, list[str]]
) -> None:
    long_term = MemoryConfig(**{**config.__dict__, "long_term": True})
    long_term_records[f"/preferences/{ALICE.namespace}/"] = ["Prefers tea"]

    alice = turn(long_term, ALICE, "chat-1", "what do I like?")
    assert texts(alice.messages)[0] == "<user_context>Prefers tea</user_context> what do I like?"
    bob = turn(long_term, BOB, "chat-1", "what do I like?")
    assert texts(bob.messages) == ["what do I like?", "You said: what do I like?"]
