"""A local token issuer for load tests of ``auth=jwt`` projects: a throwaway RSA key, its discovery document
and JWKS on a loopback port, and one signed access token per virtual user (each its own ``sub``).

The local server started by ``scaffold loadtest`` verifies those tokens fully, the way it verifies Cognito's
(``AGENT_JWT_DISCOVERY_URL`` points here), so sessions are keyed by a real verified identity per user.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLIENT_ID = "scaffold-loadtest"


class LocalIssuer:
    def __init__(self) -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"loadtest-{uuid.uuid4().hex[:8]}"
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body: dict[str, Any]
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.issuer, "jwks_uri": f"{issuer.issuer}/jwks.json"}
                elif self.path == "/jwks.json":
                    body = {"keys": [jwk]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def server_env(self) -> dict[str, str]:
        """What the agent server needs to trust this issuer (and only it)."""
        return {
            "AGENT_AUTH": "jwt",
            "AGENT_JWT_DISCOVERY_URL": f"{self.issuer}/.well-known/openid-configuration",
            "AGENT_JWT_ALLOWED_CLIENTS": CLIENT_ID,
            "AGENT_JWT_ALLOWED_AUDIENCES": "",
            "AGENT_JWT_ALLOWED_SCOPES": "",
            "AGENT_JWT_REQUIRED_GROUPS": "",
        }

    def tokens(self, count: int, lifetime_s: int = 3600) -> list[str]:
        import jwt

        now = int(time.time())
        return [
            jwt.encode(
                {
                    "iss": self.issuer,
                    "sub": f"loadtest-user-{number}",
                    "client_id": CLIENT_ID,
                    "token_use": "access",
                    "scope": "openid",
                    "iat": now,
                    "exp": now + lifetime_s,
                    "jti": str(uuid.uuid4()),
                },
                self._key,
                algorithm="RS256",
                headers={"kid": self.kid},
            )
            for number in range(count)
        ]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
