"""Authentication failures as adapter errors, so every target answers 401/403 the same way.

Messages are fixed, short sentences chosen here: nothing from the request (and never the token) is copied
into a message, a ``WWW-Authenticate`` value or a log line, because those end up in responses and logs that
are far less protected than the credential itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import AdapterError


class AuthError(AdapterError):
    """401 (no usable credentials) or 403 (valid credentials, not allowed); carries the challenge header."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str, *, status: int = 401, www_authenticate: str | None = None) -> None:
        if status not in (401, 403):
            raise ValueError("AuthError status must be 401 or 403")
        super().__init__(message, status=status, code="unauthorized" if status == 401 else "forbidden")
        self.www_authenticate = www_authenticate

    def headers(self) -> dict[str, str]:
        return {"www-authenticate": self.www_authenticate} if self.www_authenticate else {}

    @classmethod
    def missing_bearer(cls) -> AuthError:
        """No credentials at all: RFC 6750 section 3.1 says the challenge then carries no error code."""
        return cls("A Bearer token is required.", www_authenticate='Bearer realm="agent"')

    @classmethod
    def invalid_token(cls, description: str) -> AuthError:
        return cls(description, www_authenticate=bearer_challenge("invalid_token", description))

    @classmethod
    def insufficient_scope(cls, description: str, scopes: Iterable[str] = ()) -> AuthError:
        challenge = bearer_challenge("insufficient_scope", description, scope=" ".join(sorted(scopes)))
        return cls(description, status=403, www_authenticate=challenge)

    @classmethod
    def forbidden(cls, description: str) -> AuthError:
        return cls(description, status=403)


class AuthUnavailable(AdapterError):
    """The identity provider's keys cannot be fetched: our problem (503), not the caller's (401)."""

    status = 503
    code = "auth_unavailable"


class AuthConfigError(ValueError):
    """The auth settings are unusable; raised when the authenticator is built, before any request."""


def bearer_challenge(error: str, description: str, *, scope: str = "") -> str:
    """A ``WWW-Authenticate: Bearer`` value; inputs are our own constants, quotes are dropped defensively."""
    parts = ['realm="agent"', f'error="{error}"', f'error_description="{_quoted(description)}"']
    if scope:
        parts.append(f'scope="{_quoted(scope)}"')
    return "Bearer " + ", ".join(parts)


def _quoted(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and ch not in '"\\')
