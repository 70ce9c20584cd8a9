"""After a SnapStart restore the Lambda handler fetches the issuer's keys again, never the snapshot's.

A snapshot can be resumed weeks after it was taken: the keys it cached may have been rotated or revoked,
and its monotonic timestamps belong to another boot. The handler's after-restore hook drops them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import snapshot_restore_py
from agent_scaffold_runtime.lambda_adapter import create_handler
from agent_scaffold_runtime.loader import AgentRef

from .stub_issuer import StubIssuer, access_claims, sign

EVENT = json.loads((Path(__file__).parent.parent / "events" / "function_url.json").read_text())


def request(token: str) -> dict[str, Any]:
    event = copy.deepcopy(EVENT)
    event["headers"]["authorization"] = f"Bearer {token}"
    event["body"] = json.dumps({"prompt": "Hello"})
    return event


def test_the_key_cache_is_fetched_again_after_a_restore(
    stub: StubIssuer, keys: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in stub.env().items():
        monkeypatch.setenv(name, value)
    registered = len(snapshot_restore_py.get_after_restore())
    handler = create_handler(AgentRef("tests.support.demo_core"), defaults={"auth": "jwt"})
    after_restore = snapshot_restore_py.get_after_restore()[registered:]
    assert len(after_restore) == 1  # this handler's own hook
    token = sign(access_claims(), keys["rsa"], "stub-rsa")

    assert handler(request(token), None)["statusCode"] == 200
    assert handler(request(token), None)["statusCode"] == 200
    assert (stub.discovery_fetches, stub.jwks_fetches) == (1, 1)  # cached between requests

    for hook, args, kwargs in after_restore:
        hook(*args, **kwargs)
    assert handler(request(token), None)["statusCode"] == 200
    assert (stub.discovery_fetches, stub.jwks_fetches) == (2, 2)  # fetched again after the restore
