"""A tiny OIDC issuer on a loopback socket: discovery document + JWKS, with request counters.

The claim-level rejection tests need tokens whose signature is *valid* (otherwise they would prove only the
signature check), so they are signed with keys this issuer publishes. Counting requests shows the JWKS
cache and its rate limit from the outside, without hooking into the code under test.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://issuer.example.test/pool"
CLIENT = "stub-client"

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def public_jwk(key: SigningKey, kid: str, **extra: Any) -> dict[str, Any]:
    """The public half of ``key`` as a JWK, the way an issuer publishes it."""
    jwk: dict[str, Any]
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(kid=kid, use="sig", **extra)
    return jwk


class StubIssuer:
    def __init__(self, keys: dict[str, dict[str, Any]], host: str = "127.0.0.1") -> None:
        self.jwks: list[dict[str, Any]] = list(keys.values())
        self.hits: Counter[str] = Counter()
        self.fail = False
        self.issuer = ISSUER
        self.jwks_uri: str | None = None  # what discovery announces; our own /jwks.json unless set
        self.redirects: dict[str, str] = {}  # path -> Location of a 302
        # A slow issuer: while ``hold`` is set, a JWKS request signals ``jwks_requested`` and then trickles
        # JSON whitespace until ``release``, so the fetch is provably in progress until the test says so (the
        # client's per-read timeout never fires: no test depends on how fast the machine is).
        self.hold = False
        self.jwks_requested = threading.Event()
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.hits[self.path] += 1
                if stub.fail:
                    self.send_error(500)
                    return
                if self.path in stub.redirects:
                    self.send_response(302)
                    self.send_header("Location", stub.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path == "/jwks.json" and stub.hold:
                    self.trickle_until_released(json.dumps({"keys": stub.jwks}).encode())
                    return
                body: dict[str, Any]
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": stub.issuer, "jwks_uri": stub.jwks_uri or f"{stub.base_url}/jwks.json"}
                elif self.path == "/jwks.json":
                    body = {"keys": stub.jwks}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def trickle_until_released(self, data: bytes) -> None:
                """Headers now, then a space (valid before JSON) every 0.2 s until released, then the JWKS;
                no Content-Length, so the body ends when the connection closes (HTTP/1.0)."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.flush()
                stub.jwks_requested.set()
                for _ in range(600):  # a cap of about two minutes, so a broken test cannot hang forever
                    if stub.release.wait(timeout=0.2):
                        break
                    self.wfile.write(b" ")
                    self.wfile.flush()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    @property
    def jwks_fetches(self) -> int:
        return self.hits["/jwks.json"]

    @property
    def discovery_fetches(self) -> int:
        return self.hits["/.well-known/openid-configuration"]

    def env(self, **settings: str) -> dict[str, str]:
        """Settings for ``build_authenticator``: this issuer, our client, plus overrides."""
        env = {"AGENT_JWT_DISCOVERY_URL": self.discovery_url, "AGENT_JWT_ALLOWED_CLIENTS": CLIENT}
        env.update({f"AGENT_{name.upper()}": value for name, value in settings.items()})
        return env

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubIssuer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Closed however the block ends, so a failed test never leaves the issuer's socket open."""
        self.close()


def stub_keys(**extra: SigningKey) -> dict[str, Any]:
    """The private keys ``standard_stub`` publishes (``rsa``, ``ec``, ``enc``) and an attacker's RSA key
    (``attacker_rsa``) that no JWKS publishes, plus ``extra`` (more attackers' keys)."""
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "enc": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "attacker_rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        **extra,
    }


def standard_stub(keys: dict[str, Any], host: str = "127.0.0.1") -> StubIssuer:
    """The issuer the tests assume: an RSA (``stub-rsa``, RS256) and an EC (``stub-ec``) signing key, and an
    encryption key (``stub-enc``, ``use=enc``) that must never verify; ``keys`` is the ``keys`` fixture."""
    return StubIssuer(
        {
            "rsa": public_jwk(keys["rsa"], "stub-rsa", alg="RS256"),
            "ec": public_jwk(keys["ec"], "stub-ec"),
            "enc": public_jwk(keys["enc"], "stub-enc") | {"use": "enc"},
        },
        host=host,
    )


def access_claims(**overrides: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito access token from the stub issuer; ``None`` values are dropped."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "5f2a1c3e-0000-4000-8000-00000000abcd",
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "agent/invoke openid",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "jti": "b7d0c7e8-1111-4222-8333-444455556666",
        "username": "carol",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], key: SigningKey, kid: str, alg: str = "RS256", **headers: Any) -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, **headers})
