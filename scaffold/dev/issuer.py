"""A local OpenID Connect issuer, so a project with ``auth=jwt`` can be tried as any test user.

It signs RS256 access tokens for the subject, scopes and groups the developer picks in the playground, and
publishes a discovery document and a JWKS the way Cognito does. The project's app is pointed at it through
the same ``AGENT_JWT_*`` variables an operator sets, so every token goes through the production verifier
(signature, issuer, client, expiry, scopes, groups).

Discovery and JWKS are served by a small threaded HTTP server on its own loopback port: the runtime fetches
keys synchronously while handling a request, so they cannot come from the event loop that is waiting on
them. The page asks for tokens through the dev server (``/_dev/oidc/token``), which calls ``mint`` here.
``scaffold loadtest`` uses the same issuer (its own client id) to give each virtual user a token of its own.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEV_CLIENT_ID = "scaffold-dev"
TOKEN_LIFETIME_S = 3600
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks.json"


class LocalIssuer:
    """An RSA key pair made at startup (never written to disk) and the tokens it signs."""

    def __init__(self, client_id: str = DEV_CLIENT_ID) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self.client_id = client_id
        self.served: Counter[str] = Counter()  # requests served per path (a JWKS cache shows as one fetch)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_id = uuid.uuid4().hex[:16]
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The local issuer is not started.")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def discovery_url(self) -> str:
        return self.url + DISCOVERY_PATH

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": self.url + JWKS_PATH,
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
        }

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import RSAAlgorithm

        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**jwk, "kid": self.key_id, "alg": "RS256", "use": "sig"}]}

    def mint(self, subject: str, scopes: Iterable[str] = (), groups: Iterable[str] = ()) -> str:
        """An access token for ``subject`` shaped like Cognito's (``client_id``, ``token_use``, ``scope``)."""
        import jwt

        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": subject,
            "client_id": self.client_id,
            "token_use": "access",
            "scope": " ".join(sorted(set(scopes))),
            "groups": sorted(set(groups)),
            "iat": now,
            "exp": now + TOKEN_LIFETIME_S,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.key_id})

    def app_environment(self) -> dict[str, str]:
        """What the project's app needs to trust this issuer, instead of the production one."""
        return {
            "AGENT_JWT_DISCOVERY_URL": self.discovery_url,
            "AGENT_JWT_ALLOWED_CLIENTS": self.client_id,
            "AGENT_JWT_ALLOWED_AUDIENCES": "",
            "AGENT_JWT_TOKEN_USE": "access",
        }

    def start(self) -> None:
        """Serve discovery and JWKS on an ephemeral loopback port, in a daemon thread."""
        documents = {DISCOVERY_PATH: self.discovery, JWKS_PATH: self.jwks}
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(documents, self.served))
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="scaffold-dev-issuer", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _handler(documents: Mapping[str, Any], served: Counter[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            served[path] += 1
            produce = documents.get(path)
            status, body = (200, produce()) if produce else (404, {"error": "not found"})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler
