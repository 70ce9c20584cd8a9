"""Sessions are per verified user, through both adapters, with the file backend and with S3 on moto.

Alice talks twice in session ``s1``; the offline model counts one input token per word of everything in
context, so her second turn's ``usage.input_tokens`` shows her first turn was there. Bob then names the same
session id ``s1`` and gets a fresh conversation: his input tokens equal those of a brand-new session, and
Alice's stored session is byte-for-byte unchanged. Each adapter process has its own session directory
(``AGENT_SESSION_DIR``) and S3 prefix (``AGENT_SESSION_PREFIX``), so ``s1`` is fresh for each.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from .conftest import Users
from .harness import Deployment, Fleet, bearer, namespace, session_owners, tree, words

ADAPTERS = ("fastapi", "lambda")
BUCKET = "e2e-agent-sessions"
FIRST = "my favourite colour is teal and my cat is called Pixel"
SECOND = "what did I tell you before"


@pytest.fixture(scope="module")
def s3(moto_endpoint: str) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def s3_deployment(fleet: Fleet, moto_endpoint: str, s3: Any) -> Deployment:
    """The same project, sessions in S3: what an operator sets on top of the generated answers."""
    return fleet.deploy(
        "s3",
        {
            "AGENT_MEMORY": "s3",
            "AGENT_SESSION_BUCKET": BUCKET,
            "AGENT_AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
        },
    )


def talk(deployment: Deployment, adapter: str, token: str, session_id: str, prompt: str) -> dict[str, Any]:
    reply = deployment.invoke(adapter, {"prompt": prompt, "session_id": session_id}, bearer(token))
    assert reply.status == 200, reply.body
    data: dict[str, Any] = reply.json()
    assert data["session_id"] == session_id
    assert data["text"] == f"You said: {prompt}"
    return data


def converse(
    deployment: Deployment, adapter: str, users: Users, alice_state: Callable[[], Any]
) -> tuple[Any, Any]:
    """The scenario; returns Alice's stored state just before and just after Bob's request."""
    fresh = talk(deployment, adapter, users.alice, f"fresh-{uuid.uuid4().hex}", SECOND)["usage"]
    talk(deployment, adapter, users.alice, "s1", FIRST)
    second = talk(deployment, adapter, users.alice, "s1", SECOND)["usage"]
    # Her first prompt and the model's answer to it ("You said: ...") were in context for the second turn.
    assert second["input_tokens"] == fresh["input_tokens"] + words(FIRST) + words(f"You said: {FIRST}")
    before = alice_state()
    bobs = talk(deployment, adapter, users.bob, "s1", SECOND)["usage"]
    assert bobs["input_tokens"] == fresh["input_tokens"]  # a new conversation, not Alice's
    return before, alice_state()


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_file_sessions_are_per_user(adapter: str, main: Deployment, users: Users) -> None:
    root = main.session_dir(adapter)
    assert session_owners(root, "s1") == []
    alice_dir = root / namespace(users.alice_sub)
    before, after = converse(main, adapter, users, lambda: tree(alice_dir))
    assert any(name.startswith("session_s1/") and "message_" in name for name in before)
    assert after == before
    assert session_owners(root, "s1") == sorted([namespace(users.alice_sub), namespace(users.bob_sub)])
    bob_files = tree(root / namespace(users.bob_sub) / "session_s1")
    assert not any(b"teal" in content for content in bob_files.values())


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_s3_sessions_are_per_user(adapter: str, s3_deployment: Deployment, s3: Any, users: Users) -> None:
    prefix = s3_deployment.session_prefix(adapter)

    def objects(under: str) -> dict[str, str]:
        listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=under).get("Contents", [])
        return {item["Key"]: item["ETag"] for item in listed}

    assert objects(prefix) == {}
    alice_prefix = f"{prefix}{namespace(users.alice_sub)}/"
    before, after = converse(s3_deployment, adapter, users, lambda: objects(alice_prefix))
    assert any(key.startswith(f"{alice_prefix}session_s1/") and "message_" in key for key in before)
    assert after == before
    keys = objects(prefix)
    owners = {key[len(prefix) :].split("/", 1)[0] for key in keys}
    assert owners == {namespace(users.alice_sub), namespace(users.bob_sub)}  # two per-user prefixes
    for owner in owners:
        assert any(key.startswith(f"{prefix}{owner}/session_s1/") for key in keys)
    assert tree(s3_deployment.session_dir(adapter)) == {}  # nothing went to local disk
