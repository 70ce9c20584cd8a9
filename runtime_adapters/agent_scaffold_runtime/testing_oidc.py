"""A local OpenID issuer for a project's tests: an RSA key, a discovery document and a JWKS on 127.0.0.1.

A project with ``auth=jwt`` tests its adapters with tokens that go through the production verifier
(signature, issuer, client, expiry), so its tests need an issuer the verifier can fetch keys from. This one
serves ``/.well-known/openid-configuration`` and ``/jwks.json`` from a thread and signs Cognito-shaped
access tokens; ``env()`` is what the project's settings need to trust it, and only it. Nothing here is used
in production; it needs the ``jwt`` extra (PyJWT with ``cryptography``).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

DEFAULT_CLIENT_ID = "test-app-client"
KEY_ID = "test-key-1"


def new_key() -> RSAPrivateKey:
    """An RSA key of the size issuers use (a forged token signs with one the issuer never published)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class LocalIssuer:
    url: str
    key: RSAPrivateKey
    client_id: str

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def token(self, *, expires_in: int = 300, **claims: Any) -> str:
        """A signed access token shaped like Cognito's (``client_id``, ``token_use``); ``claims`` override
        the defaults (``sub`` is ``user-123``)."""
        import jwt

        now = int(time.time())
        payload = {
            "sub": "user-123",
            "client_id": self.client_id,
            "token_use": "access",
            "iss": self.url,
            "iat": now,
            "exp": now + expires_in,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def env(self) -> dict[str, str]:
        """The ``AGENT_*`` settings that trust this issuer and this client only; set, even blank, they
        override a project's baked-in answers (audiences, scopes, groups)."""
        return {
            "AGENT_AUTH": "jwt",
            "AGENT_JWT_DISCOVERY_URL": self.discovery_url,
            "AGENT_JWT_ALLOWED_CLIENTS": self.client_id,
            "AGENT_JWT_ALLOWED_AUDIENCES": "",
            "AGENT_JWT_ALLOWED_SCOPES": "",
            "AGENT_JWT_REQUIRED_GROUPS": "",
            "AGENT_JWT_TOKEN_USE": "access",
        }


@contextlib.contextmanager
def local_issuer(client_id: str = DEFAULT_CLIENT_ID) -> Iterator[LocalIssuer]:
    """A running issuer for ``client_id``; its port is closed when the block ends, however it ends."""
    from jwt.algorithms import RSAAlgorithm

    key = new_key()
    jwk = dict(RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), kid=KEY_ID, alg="RS256", use="sig")
    documents: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            document = documents.get(self.path)
            body = json.dumps(document).encode()
            self.send_response(200 if document is not None else 404)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # keep the test output quiet
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    issuer = LocalIssuer(f"http://127.0.0.1:{server.server_address[1]}", key, client_id)
    documents["/.well-known/openid-configuration"] = {
        "issuer": issuer.url,
        "jwks_uri": f"{issuer.url}/jwks.json",
    }
    documents["/jwks.json"] = {"keys": [jwk]}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
