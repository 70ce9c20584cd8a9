"""Credentials for protocol servers: the request's headers, plus the browser form of a bearer token.

Browsers cannot set ``Authorization`` on a WebSocket upgrade (RFC 6455), so AgentCore documents the bearer
token as a ``Sec-WebSocket-Protocol`` entry, ``base64UrlBearerAuthorization.<base64url(token)>``, next to
the sentinel ``base64UrlBearerAuthorization``, and the session id as the
``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` query parameter. Both are turned into the header forms
here, so authenticators see one shape whatever the client could send.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping

BROWSER_BEARER_PROTOCOL = "base64UrlBearerAuthorization"


def browser_bearer(subprotocols: Iterable[str]) -> str | None:
    """The token in ``base64UrlBearerAuthorization.<token>``; None when there is none or it is bad."""
    prefix = BROWSER_BEARER_PROTOCOL + "."
    for entry in subprotocols:
        if entry.startswith(prefix):
            encoded = entry[len(prefix) :]
            try:
                return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None
    return None


def encode_browser_bearer(token: str) -> list[str]:
    """The subprotocols a browser passes to carry ``token``: ``new WebSocket(url, these)``."""
    encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
    return [f"{BROWSER_BEARER_PROTOCOL}.{encoded}", BROWSER_BEARER_PROTOCOL]


def with_browser_credentials(headers: Mapping[str, str], subprotocols: Iterable[str]) -> dict[str, str]:
    """``headers`` (lower-cased) with an ``authorization`` header made from the browser form when absent."""
    merged = {key.lower(): value for key, value in headers.items()}
    if "authorization" not in merged:
        token = browser_bearer(subprotocols)
        if token:
            merged["authorization"] = f"Bearer {token}"
    return merged
