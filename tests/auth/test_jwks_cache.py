"""The key cache seen from outside: requests counted on a real (stub) issuer, time from a fake clock."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

import pytest
from agent_scaffold_runtime.auth import AuthConfigError, AuthError, AuthUnavailable, JwtConfig, JwtVerifier
from agent_scaffold_runtime.errors import AdapterError

from .stub_issuer import StubIssuer, access_claims, public_jwk, sign, standard_stub


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def verifier(stub: StubIssuer, clock: FakeClock | None = None, **settings: str) -> JwtVerifier:
    config = JwtConfig.from_settings(stub.env(**settings))
    return JwtVerifier(config, clock=clock or FakeClock())


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_valid_stub_tokens_rsa_and_ec(stub: StubIssuer, keys: dict[str, Any]) -> None:
    auth = verifier(stub)
    claims = access_claims(scope=None, scp=["agent/invoke", "agent/read"], groups=["analysts"])
    for key, kid, alg in (("rsa", "stub-rsa", "RS256"), ("ec", "stub-ec", "ES256")):
        principal = auth.authenticate(bearer(sign(claims, keys[key], kid, alg)))
        assert principal.user_id == claims["sub"]
        assert principal.scopes == {"agent/invoke", "agent/read"}
        assert principal.groups == {"analysts"}


def test_warm_cache_needs_no_network(stub: StubIssuer, keys: dict[str, Any]) -> None:
    auth = verifier(stub)
    auth.warm()
    assert (stub.discovery_fetches, stub.jwks_fetches) == (1, 1)
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    stub.close()  # the issuer is gone; a warm cache does not notice
    for _ in range(100):
        auth.authenticate(bearer(token))


def test_unknown_kid_refetch_is_rate_limited(stub: StubIssuer, keys: dict[str, Any]) -> None:
    clock = FakeClock()
    auth = verifier(stub, clock)
    auth.warm()
    assert stub.jwks_fetches == 1

    def unknown(kid: str) -> None:
        with pytest.raises(AuthError) as caught:
            auth.authenticate(bearer(sign(access_claims(), keys["attacker_rsa"], kid)))
        assert caught.value.status == 401
        assert "signing key is not known" in caught.value.message

    unknown("made-up-1")  # keys were fetched just now: no refetch inside the window
    assert stub.jwks_fetches == 1
    clock.advance(61)
    unknown("made-up-2")  # window over: exactly one refetch…
    assert stub.jwks_fetches == 2
    for n in range(20):  # …then none for the rest of the window, however many kids are tried
        clock.advance(2)
        unknown(f"made-up-{n + 3}")
    assert stub.jwks_fetches == 2
    clock.advance(61)
    unknown("made-up-99")
    assert stub.jwks_fetches == 3
    assert stub.discovery_fetches == 1


def test_rotated_key_is_picked_up_after_the_window(stub: StubIssuer, keys: dict[str, Any]) -> None:
    clock = FakeClock()
    auth = verifier(stub, clock, jwt_jwks_min_refresh_seconds="10")
    auth.warm()
    stub.jwks.append(public_jwk(keys["attacker_rsa"], "rotated-2", alg="RS256"))  # the issuer rotates
    token = sign(access_claims(), keys["attacker_rsa"], "rotated-2")
    with pytest.raises(AuthError):
        auth.authenticate(bearer(token))
    clock.advance(11)
    assert auth.authenticate(bearer(token)).auth_method == "jwt"
    assert stub.jwks_fetches == 2
    auth.authenticate(bearer(token))
    assert stub.jwks_fetches == 2


def test_keys_older_than_max_age_are_refetched_so_revoked_keys_stop(
    stub: StubIssuer, keys: dict[str, Any]
) -> None:
    clock = FakeClock()
    auth = verifier(stub, clock, jwt_jwks_max_age_seconds="600")
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    auth.authenticate(bearer(token))
    stub.jwks = [jwk for jwk in stub.jwks if jwk["kid"] != "stub-rsa"]  # the issuer revokes the key
    clock.advance(599)
    auth.authenticate(bearer(token))
    assert stub.jwks_fetches == 1
    clock.advance(2)
    with pytest.raises(AuthError):
        auth.authenticate(bearer(token))
    assert stub.jwks_fetches == 2


def test_stale_keys_are_kept_when_the_refresh_fails(stub: StubIssuer, keys: dict[str, Any]) -> None:
    clock = FakeClock()
    auth = verifier(stub, clock, jwt_jwks_max_age_seconds="600")
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    auth.authenticate(bearer(token))
    stub.fail = True
    clock.advance(601)
    auth.authenticate(bearer(token))  # refresh failed: keep serving with the keys we have
    auth.authenticate(bearer(token))  # and do not retry on every request
    assert stub.jwks_fetches == 2


def test_cold_cache_under_concurrency_fetches_once(stub: StubIssuer, keys: dict[str, Any]) -> None:
    auth = verifier(stub)
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    start, results = threading.Barrier(16), []

    def call() -> None:
        start.wait()
        results.append(auth.authenticate(bearer(token)).user_id)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 16
    assert (stub.discovery_fetches, stub.jwks_fetches) == (1, 1)


def test_unreachable_issuer_is_503_and_fails_fast(stub: StubIssuer, keys: dict[str, Any]) -> None:
    clock = FakeClock()
    auth = verifier(stub, clock)
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    stub.fail = True
    for _ in range(5):
        with pytest.raises(AuthUnavailable) as caught:
            auth.authenticate(bearer(token))
        assert not isinstance(caught.value, AuthError)
    error = caught.value
    assert isinstance(error, AdapterError)
    assert (error.status, error.body()["code"]) == (503, "auth_unavailable")
    assert stub.discovery_fetches == 1  # failed once, then fail fast without hammering the issuer
    stub.fail = False
    clock.advance(6)
    assert auth.authenticate(bearer(token)).auth_method == "jwt"


def test_jwks_without_usable_signing_keys_is_unavailable(stub: StubIssuer, keys: dict[str, Any]) -> None:
    stub.jwks = [
        public_jwk(keys["enc"], "enc-only") | {"use": "enc"},
        {"kty": "oct", "kid": "shared", "k": "c2VjcmV0", "alg": "HS256"},
        public_jwk(keys["rsa"], "verify-not-allowed") | {"key_ops": ["encrypt"]},
    ]
    with pytest.raises(AuthUnavailable):
        verifier(stub).authenticate(bearer(sign(access_claims(), keys["rsa"], "verify-not-allowed")))


def test_jwks_uri_must_be_https_unless_loopback(stub: StubIssuer) -> None:
    stub.jwks_uri = "http://keys.example.test/jwks.json"  # discovery points the keys at plain HTTP
    with pytest.raises(AuthUnavailable):
        verifier(stub).warm()
    assert stub.jwks_fetches == 0


def test_a_fetch_is_single_flight_and_runs_off_the_callers_thread(
    stub: StubIssuer, keys: dict[str, Any]
) -> None:
    auth = verifier(stub, jwt_jwks_min_refresh_seconds="0")
    auth.warm()
    stub.hold = True
    first = auth.keys.lookup("made-up-1")
    assert stub.jwks_requested.wait(30)  # the fetch is running, and lookup() has already returned
    second = auth.keys.lookup("made-up-2")
    assert isinstance(first, Future) and second is first and not first.done()
    assert auth.keys.lookup("stub-rsa") is not None  # a cached key answers while the fetch is held
    stub.release.set()
    first.result(timeout=30)
    assert auth.keys.lookup("made-up-1", may_start=False) is None
    assert stub.jwks_fetches == 2  # the warm-up and the one shared refetch


def test_async_key_lookup_awaits_the_fetch_without_blocking_the_loop(
    stub: StubIssuer, keys: dict[str, Any]
) -> None:
    auth = verifier(stub)
    token = sign(access_claims(), keys["rsa"], "stub-rsa")
    stub.hold = True

    async def scenario() -> str:
        pending = asyncio.ensure_future(auth.authenticate_async(bearer(token)))
        await asyncio.to_thread(stub.jwks_requested.wait, 30)
        assert not pending.done()  # the loop ran this coroutine while the first load was held
        stub.release.set()
        return (await pending).user_id

    assert asyncio.run(scenario()) == access_claims()["sub"]


def test_a_redirect_hop_is_held_to_the_https_loopback_rule(stub: StubIssuer, keys: dict[str, Any]) -> None:
    elsewhere = standard_stub(keys, host="127.0.0.2")
    try:
        stub.redirects["/.well-known/openid-configuration"] = (
            f"{elsewhere.base_url}/.well-known/openid-configuration"
        )
        with pytest.raises(AuthUnavailable):
            verifier(stub).warm()
        assert elsewhere.discovery_fetches == 0
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.evil.example/.well-known/openid-configuration",
        "http://localhost@evil.example/.well-known/openid-configuration",
        "http://127.0.0.1.nip.io/.well-known/openid-configuration",
        "http://127.0.0.2/.well-known/openid-configuration",
        "ftp://localhost/x",
        "https:///no-host",
    ],
)
def test_the_discovery_url_rule_looks_at_the_parsed_host(url: str) -> None:
    with pytest.raises(AuthConfigError):
        JwtConfig(discovery_url=url, allowed_clients=frozenset({"c"}))
