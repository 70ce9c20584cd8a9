"""Errors that adapters turn into HTTP statuses, so every target reports a failure the same way."""

from __future__ import annotations

from typing import Any


class AdapterError(Exception):
    """A failure with an HTTP status and a stable machine-readable code."""

    status: int = 500
    code: str = "agent_error"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code}

    def headers(self) -> dict[str, str]:
        """Response headers this error needs (``WWW-Authenticate`` on a 401, ``Allow`` on a 405)."""
        return {}


class InvalidJSON(AdapterError):
    status = 400
    code = "invalid_json"


class InvalidRequest(AdapterError):
    status = 400
    code = "invalid_request"


class PayloadTooLarge(AdapterError):
    status = 413
    code = "payload_too_large"


class NotFound(AdapterError):
    status = 404
    code = "not_found"


class MethodNotAllowed(AdapterError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str, *, allow: str) -> None:
        super().__init__(message)
        self.allow = allow

    def headers(self) -> dict[str, str]:
        return {"allow": self.allow}


def from_agent_failure(exc: BaseException) -> AdapterError:
    """Map an exception raised by the agent to a status; never leak a stack trace to the caller."""
    if isinstance(exc, AdapterError):
        return exc
    name = type(exc).__name__
    if name == "ModelThrottledException":
        return AdapterError(
            "The model provider is throttling requests; retry later.", status=429, code="throttled"
        )
    return AdapterError(f"The agent failed ({name}).", status=500, code="agent_error")
