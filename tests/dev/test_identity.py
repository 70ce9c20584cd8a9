"""``auth=jwt``: the local issuer's tokens go through the production verifier; per-tool scopes apply."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import JWT_ANSWERS, DevServer, generate, running_dev

WHOAMI_PROMPT = "Who am I? Ask whoami"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    project = generate(
        tmp_path_factory.mktemp("dev-jwt"), "--target", "fastapi", *JWT_ANSWERS, name="jwt-agent"
    )
    with running_dev(project) as running:
        yield running


def act_as(page, sub: str, scopes: str, groups: str = "") -> None:
    page.fill("#id-sub", sub)
    page.fill("#id-scopes", scopes)
    page.fill("#id-groups", groups)
    page.click("#act-as")


def test_a_protected_tool_is_refused_without_its_scope_and_runs_with_it(server, open_playground):
    playground = open_playground(server.url)
    page = playground.page
    assert page.locator("#identity-form").is_visible()

    act_as(page, "alice", "")
    refused = playground.ask(WHOAMI_PROMPT, turn=1)
    refused.locator(".waterfall .span-row").first.wait_for()

    assert "alice" in page.locator("#identity-summary").inner_text()
    assert refused.locator(".tool").count() == 0  # the model was never offered whoami
    assert refused.locator(".reply").inner_text().startswith("You said:")

    act_as(page, "alice", "profile")
    allowed = playground.ask(WHOAMI_PROMPT, turn=2)
    tool = allowed.locator(".tool[data-tool=whoami]")
    tool.wait_for()

    assert tool.locator(".tool-output").inner_text() == "output: alice (signed in with jwt)"
    assert allowed.locator(".reply").inner_text() == "The whoami tool returned: alice (signed in with jwt)"
    assert playground.errors == []


def test_tokens_are_verified_like_production_ones(server):
    minted = httpx.post(
        f"{server.url}/_dev/oidc/token", json={"sub": "bob", "scopes": ["profile"], "groups": []}, timeout=5
    )
    token = minted.json()["access_token"]
    header, payload, signature = token.split(".")
    forged = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
    body = {"prompt": "hello"}

    accepted = httpx.post(
        f"{server.url}/invocations", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    rejected = httpx.post(
        f"{server.url}/invocations", json=body, headers={"Authorization": f"Bearer {forged}"}
    )
    anonymous = httpx.post(f"{server.url}/invocations", json=body)

    assert accepted.status_code == 200, accepted.text
    assert rejected.status_code == 401 and rejected.json()["code"] == "unauthorized"
    assert anonymous.status_code == 401
    assert server.info()["issuer"].startswith("http://127.0.0.1:")


def test_the_token_endpoint_refuses_malformed_requests(server):
    for body in ({"sub": ""}, {"sub": "x", "scopes": "profile"}, {"sub": "x", "groups": [1]}, ["sub"]):
        response = httpx.post(f"{server.url}/_dev/oidc/token", json=body, timeout=5)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_request"
    not_json = httpx.post(f"{server.url}/_dev/oidc/token", content=b"{", timeout=5)
    assert not_json.status_code == 400 and not_json.json()["code"] == "invalid_json"
