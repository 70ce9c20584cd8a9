"""A local OpenID issuer for the tests: an RSA key, a discovery document and a JWKS served on 127.0.0.1.

The issuer of the generated ``test_auth_jwt.py``, in a module of its own (as in the travel-assistant
sample); ``conftest.py`` makes ``issuer`` a fixture of every test module.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "test-app-client"
KEY_ID = "test-key-1"


@dataclass
class Issuer:
    url: str
    discovery_url: str
    key: rsa.RSAPrivateKey

    def token(self, *, expires_in: int = 300, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "sub": "user-123",
            "client_id": CLIENT_ID,
            "token_use": "access",
            "iss": self.url,
            "iat": now,
            "exp": now + expires_in,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KEY_ID})


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    """A local OpenID issuer: ``/.well-known/openid-configuration`` and ``/jwks.json`` on 127.0.0.1."""
    key = new_key()
    jwk = dict(RSAAlgorithm.to_jwk(key.public_key(), as_dict=True))
    jwk.update(kid=KEY_ID, alg="RS256", use="sig")
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
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    documents["/.well-known/openid-configuration"] = {"issuer": url, "jwks_uri": f"{url}/jwks.json"}
    documents["/jwks.json"] = {"keys": [jwk]}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Issuer(url=url, discovery_url=f"{url}/.well-known/openid-configuration", key=key)
    finally:
        server.shutdown()
        server.server_close()
