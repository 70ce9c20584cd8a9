"""Hostile input against an HTTP adapter over real sockets; imported by ``test_agentcore`` and
``test_fastapi``, each of which provides the ``factory`` fixture (its adapter's ``create_app``).

Every check is an event the test observes (a status, a header, a log record, a request the stub issuer
saw), never a time budget.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent_scaffold_runtime import sse
from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.protocol import SESSION_HEADER

from tests.auth.stub_issuer import StubIssuer, standard_stub
from tests.support.processes import wait_for_ping
from tests.support.servers import free_port, serving

from . import blocking_core
from .conftest import ErrorRecords
from .payloads import (
    BAD_SESSION_HEADERS,
    HOSTILE_BODIES,
    STRING_DATES,
    assert_json_error,
    bearer,
    good_token,
    jwt_defaults,
    made_up_kid_token,
    session_header_absent,
)

Factory = Callable[..., Any]
CORE = "tests.hostile.blocking_core"
REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def served(factory: Factory, **defaults: Any) -> Iterator[httpx.Client]:
    with (
        serving(factory(AgentRef(CORE), defaults=defaults)) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def open_client(factory: Factory) -> Iterator[httpx.Client]:
    with served(factory) as client:
        yield client


@pytest.fixture(scope="module")
def module_stub(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    with standard_stub(keys) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def jwt_client(factory: Factory, module_stub: StubIssuer) -> Iterator[httpx.Client]:
    with served(factory, **jwt_defaults(module_stub)) as client:
        yield client


def post(client: httpx.Client, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post(
        "/invocations", content=body, headers={"content-type": "application/json", **(headers or {})}
    )


# -- 1 and 2: bodies the JSON parser or the contract must refuse, with a 400 and no traceback ---------------


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_hostile_body_is_a_400_json_error(
    open_client: httpx.Client, logged_errors: ErrorRecords, name: str
) -> None:
    body, code = HOSTILE_BODIES[name]
    response = post(open_client, body)
    assert_json_error(response.status_code, response.json(), 400, code)
    assert session_header_absent(response.headers)
    assert logged_errors.described() == []


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize("credentials", ["none", "junk"])
def test_without_a_valid_token_hostile_body_is_401_before_parsing(
    jwt_client: httpx.Client, logged_errors: ErrorRecords, name: str, credentials: str
) -> None:
    headers = {} if credentials == "none" else bearer("not.a.token")
    response = post(jwt_client, HOSTILE_BODIES[name][0], headers)
    assert_json_error(response.status_code, response.json(), 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert logged_errors.described() == []


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_with_a_valid_token_hostile_body_is_still_400(
    jwt_client: httpx.Client, keys: dict[str, Any], logged_errors: ErrorRecords, name: str
) -> None:
    body, code = HOSTILE_BODIES[name]
    response = post(jwt_client, body, bearer(good_token(keys)))
    assert_json_error(response.status_code, response.json(), 400, code)
    assert logged_errors.described() == []


@pytest.mark.parametrize("value", BAD_SESSION_HEADERS)
def test_an_invalid_session_header_is_refused_and_never_echoed(open_client: httpx.Client, value: str) -> None:
    response = post(open_client, b'{"prompt": "hi"}', {SESSION_HEADER: value})
    assert_json_error(response.status_code, response.json(), 400, "invalid_request")
    assert session_header_absent(response.headers)


def test_a_valid_session_id_is_echoed(open_client: httpx.Client) -> None:
    response = post(open_client, b'{"prompt": "hi", "session_id": "abc"}')
    assert response.status_code == 200
    assert response.headers[SESSION_HEADER] == "abc" == response.json()["session_id"]


# -- 3: a key fetch never blocks the event loop ----------------------------------------------------------


def test_a_made_up_kid_while_the_issuer_is_slow_blocks_nobody(
    factory: Factory, stub: StubIssuer, keys: Any
) -> None:
    with served(factory, **jwt_defaults(stub)) as client, ThreadPoolExecutor(1) as pool:
        known = bearer(good_token(keys))
        assert post(client, b'{"prompt": "hi"}', known).status_code == 200  # keys now cached
        stub.hold = True
        made_up = pool.submit(post, client, b'{"prompt": "hi"}', bearer(made_up_kid_token(keys)))
        assert stub.jwks_requested.wait(60), "the made-up kid never caused a JWKS fetch"
        # The fetch is in progress (the issuer holds it until released): everything else must go on.
        assert client.get("/ping").status_code == 200
        assert post(client, b'{"prompt": "hi"}', known).status_code == 200
        assert not made_up.done() and not stub.release.is_set()
        stub.release.set()
        response = made_up.result(timeout=60)
    assert_json_error(response.status_code, response.json(), 401, "unauthorized")
    assert response.json()["error"] == "The token's signing key is not known."
    assert stub.jwks_fetches == 2


def test_a_cold_start_key_fetch_does_not_block_ping(factory: Factory, stub: StubIssuer, keys: Any) -> None:
    stub.hold = True
    with served(factory, **jwt_defaults(stub)) as client, ThreadPoolExecutor(1) as pool:
        first = pool.submit(post, client, b'{"prompt": "hi"}', bearer(good_token(keys)))
        assert stub.jwks_requested.wait(60)
        assert client.get("/ping").status_code == 200
        assert not first.done()
        stub.release.set()
        assert first.result(timeout=60).status_code == 200


# -- 4: every redirect hop is held to the https/loopback rule ----------------------------------------------


def test_a_redirect_to_a_plain_http_host_is_not_followed(
    factory: Factory, stub: StubIssuer, keys: dict[str, Any]
) -> None:
    elsewhere = standard_stub(keys, host="127.0.0.2")  # plain http, not a loopback name
    try:
        stub.jwks_uri = f"{stub.base_url}/moved"
        stub.redirects["/moved"] = f"{elsewhere.base_url}/jwks.json"
        with served(factory, **jwt_defaults(stub)) as client:
            response = post(client, b'{"prompt": "hi"}', bearer(good_token(keys)))
        assert_json_error(response.status_code, response.json(), 503, "auth_unavailable")
        assert stub.hits["/moved"] == 1
        assert elsewhere.jwks_fetches == 0
    finally:
        elsewhere.close()


def test_a_redirect_within_the_rule_is_followed(
    factory: Factory, stub: StubIssuer, keys: dict[str, Any]
) -> None:
    stub.jwks_uri = f"{stub.base_url}/moved"
    stub.redirects["/moved"] = f"{stub.base_url}/jwks.json"
    with served(factory, **jwt_defaults(stub)) as client:
        assert post(client, b'{"prompt": "hi"}', bearer(good_token(keys))).status_code == 200
    assert stub.hits["/moved"] == 1 and stub.jwks_fetches == 1


# -- 5: NumericDate claims are numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STRING_DATES))
def test_a_date_claim_that_is_not_a_number_is_refused(
    jwt_client: httpx.Client, keys: dict[str, Any], name: str
) -> None:
    response = post(jwt_client, b'{"prompt": "hi"}', bearer(good_token(keys, **STRING_DATES[name])))
    assert_json_error(response.status_code, response.json(), 401, "unauthorized")
    assert response.json()["error"] == "The token has a malformed claim."


# -- 6: exactly one Authorization header -------------------------------------------------------------------


@pytest.mark.parametrize("second", ["the same token", "junk"])
@pytest.mark.parametrize("order", ["valid first", "valid last"])
def test_two_authorization_headers_are_refused(
    jwt_client: httpx.Client, keys: dict[str, Any], second: str, order: str
) -> None:
    valid = f"Bearer {good_token(keys)}"
    other = valid if second == "the same token" else "Bearer junk.junk.junk"
    pair = [valid, other] if order == "valid first" else [other, valid]
    headers = [("content-type", "application/json")] + [("authorization", value) for value in pair]
    response = jwt_client.post("/invocations", content=b'{"prompt": "hi"}', headers=headers)
    assert_json_error(response.status_code, response.json(), 401, "unauthorized")
    assert response.json()["error"] == "Send exactly one Authorization header with one Bearer token."


def test_one_valid_authorization_header_is_accepted(jwt_client: httpx.Client, keys: dict[str, Any]) -> None:
    response = post(jwt_client, b'{"prompt": "whoami"}', bearer(good_token(keys)))
    assert response.status_code == 200
    assert response.json()["text"].startswith("user=5f2a1c3e-")


# -- 7: no credential in any log -------------------------------------------------------------------------


@contextlib.contextmanager
def uvicorn_process(app_path: str) -> Iterator[tuple[str, queue.Queue[str]]]:
    """``python -m uvicorn APP --log-level info``, as ``scaffold serve`` runs it; its output, line by line."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "AWS_"))}
    env.update(PYTHONPATH=str(REPO), AGENT_MODEL_PROVIDER="offline")
    command = [sys.executable, "-m", "uvicorn", app_path, "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-level", "info"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_ping(url, process)
        yield url, lines
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)


def test_a_token_in_the_query_string_never_reaches_the_access_log(
    app_path: str, keys: dict[str, Any]
) -> None:
    secret = good_token(keys)
    seen: list[str] = []
    with uvicorn_process(app_path) as (url, lines):
        assert httpx.get(f"{url}/ping?access_token={secret}", timeout=60).status_code == 200
        reply = httpx.post(f"{url}/invocations?token={secret}&x=1", json={"prompt": "hi"}, timeout=60)
        assert reply.status_code == 200
        while not any('"POST /invocations' in line for line in seen):  # the access line, as an event
            seen.append(lines.get(timeout=60))
    while not lines.empty():  # the server has exited and its output is read to the end
        seen.append(lines.get_nowait())
    output = "".join(seen)
    assert '"GET /ping?[query redacted] HTTP/1.1" 200' in output
    assert '"POST /invocations?[query redacted] HTTP/1.1" 200' in output
    assert secret not in output and secret.split(".")[1] not in output


# -- 8: the runtime contract: HealthyBusy while working, the session header on every reply -----------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_ping_is_healthy_busy_while_an_invocation_is_in_flight(
    open_client: httpx.Client, stream: bool
) -> None:
    idle = open_client.get("/ping").json()
    assert idle["status"] == "Healthy" and isinstance(idle["time_of_last_update"], int)
    payload = {"prompt": "block", "stream": stream, "session_id": "held-session-1"}
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(open_client.post, "/invocations", json=payload)
        assert blocking_core.entered.wait(60), "the core never started"
        busy = open_client.get("/ping").json()
        assert busy["status"] == "HealthyBusy"
        assert busy["time_of_last_update"] >= idle["time_of_last_update"]
        assert not pending.done()
        blocking_core.release.set()
        response = pending.result(timeout=60)
    assert response.status_code == 200
    assert response.headers[SESSION_HEADER] == "held-session-1"
    after = open_client.get("/ping").json()
    assert after["status"] == "Healthy"
    assert after["time_of_last_update"] >= busy["time_of_last_update"]


def test_sse_reply_carries_the_generated_session_id_header(open_client: httpx.Client) -> None:
    response = open_client.post("/invocations", json={"prompt": "hello", "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(sse.MEDIA_TYPE)
    events = sse.decode_lines(response.text.splitlines())
    done = [event for event in events if isinstance(event, dict) and event.get("done")]
    assert len(done) == 1
    assert response.headers[SESSION_HEADER] == done[0]["reply"]["session_id"]
    json.dumps(events)  # every event is plain JSON
