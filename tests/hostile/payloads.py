"""The hostile bodies and tokens every adapter family is tested with (items 1-6 of issue 11)."""

from __future__ import annotations

from typing import Any

from agent_scaffold_runtime.protocol import SESSION_HEADER

from tests.auth.stub_issuer import CLIENT, StubIssuer, access_claims, sign

#: name -> (raw body, the error code the 400 must carry)
HOSTILE_BODIES: dict[str, tuple[bytes, str]] = {
    "100,000 nested arrays": (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
    "40,000 nested objects in context": (
        b'{"prompt": "hi", "context": ' + b'{"a":' * 40_000 + b"1" + b"}" * 40_001,
        "invalid_json",
    ),
    "a 5,000-digit integer": (b'{"prompt": "hi", "context": {"n": ' + b"7" * 5000 + b"}}", "invalid_json"),
    "a lone surrogate escape in the prompt": (b'{"prompt": "\\ud800"}', "invalid_request"),
    "a lone surrogate escape in a context key": (
        b'{"prompt": "hi", "context": {"\\udfff": 1}}',
        "invalid_request",
    ),
    "a lone surrogate as raw bytes": (b'{"prompt": "\xed\xa0\x80"}', "invalid_json"),
    "invalid UTF-8 bytes": (b'{"prompt": "\xff\xfe"}', "invalid_json"),
    "a session id ending in a newline": (b'{"prompt": "hi", "session_id": "abc\\n"}', "invalid_request"),
    "a session id with a CR LF inside": (
        b'{"prompt": "hi", "session_id": "abc\\r\\nSet-Cookie: x=1"}',
        "invalid_request",
    ),
}

#: Session header values that must be refused and never echoed back.
BAD_SESSION_HEADERS = ("abc def", "-leading-dash", "x" * 300, "semi;colon")


def jwt_defaults(stub: StubIssuer, **extra: Any) -> dict[str, Any]:
    """Template answers for ``auth=jwt`` against the stub issuer (unknown kids may refetch at once)."""
    return {
        "auth": "jwt",
        "jwt_discovery_url": stub.discovery_url,
        "jwt_allowed_clients": CLIENT,
        "jwt_jwks_min_refresh_seconds": "0",
        **extra,
    }


def good_token(keys: dict[str, Any], **claims: Any) -> str:
    return sign(access_claims(**claims), keys["rsa"], "stub-rsa")


def made_up_kid_token(keys: dict[str, Any]) -> str:
    return sign(access_claims(), keys["attacker_rsa"], "made-up-kid")


#: name -> claims that make a correctly signed token invalid (RFC 7519 NumericDate is a JSON number)
STRING_DATES: dict[str, dict[str, Any]] = {
    "exp as a numeric string": {"exp": "9999999999"},
    "nbf as a numeric string": {"nbf": "0"},
    "iat as a numeric string": {"iat": "0"},
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_json_error(status: int, body: Any, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body
    assert body["code"] == code, body


def session_header_absent(headers: Any) -> bool:
    return all(str(name).lower() != SESSION_HEADER.lower() for name in headers)
