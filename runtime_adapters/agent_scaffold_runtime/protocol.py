"""The one request contract every adapter shares, validated without importing any web framework.

Kept dependency-free on purpose: the Lambda handler imports this on a cold start, and a hand-checked
four-field schema gives clearer messages than a generic validator would.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from .env_values import positive_int
from .errors import InvalidJSON, InvalidRequest, PayloadTooLarge

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
ANONYMOUS_USER = "anonymous"
SESSION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$"
#: Matched with ``fullmatch``: ``$`` alone also matches before a trailing newline, and a session id is
#: echoed into a response header, where a newline would break the response.
_SESSION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,255}")
_FIELDS = ("prompt", "session_id", "stream", "context")


@dataclass(frozen=True)
class Limits:
    """Request size limits; read from the environment so operators can tune them per deployment."""

    max_prompt_chars: int = 32_000
    max_body_bytes: int = 262_144

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_prompt_chars=positive_int(os.environ, "AGENT_MAX_PROMPT_CHARS", default=cls.max_prompt_chars),
            max_body_bytes=positive_int(os.environ, "AGENT_MAX_BODY_BYTES", default=cls.max_body_bytes),
        )


@dataclass(frozen=True)
class InvocationRequest:
    prompt: str
    session_id: str | None = None
    stream: bool = False
    context: dict[str, Any] = field(default_factory=dict)


def parse_body(body: bytes | str, limits: Limits, *, session_header: str | None = None) -> InvocationRequest:
    """Parse a raw HTTP body: size first (cheap), then JSON, then the schema."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if len(raw) > limits.max_body_bytes:
        raise PayloadTooLarge(f"Request body is {len(raw)} bytes; the limit is {limits.max_body_bytes}.")
    if not raw.strip():
        raise InvalidJSON('Request body is empty; send a JSON object such as {"prompt": "Hello"}.')
    try:
        # Strict UTF-8 (RFC 8259), decoded here: json.loads(bytes) would let surrogate bytes through.
        payload = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidJSON("Request body is not valid UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise InvalidJSON(f"Request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidJSON("Request body is nested too deeply to parse.") from None
    except ValueError:  # an integer over Python's digit limit (sys.get_int_max_str_digits)
        raise InvalidJSON("Request body holds a number too long to parse.") from None
    return parse_payload(payload, limits, session_header=session_header)


def parse_payload(payload: Any, limits: Limits, *, session_header: str | None = None) -> InvocationRequest:
    """Validate an already-decoded JSON payload against the request contract."""
    if not isinstance(payload, dict):
        raise InvalidRequest(f"Request body must be a JSON object, not {_json_type(payload)}.")
    unknown = sorted(set(payload) - set(_FIELDS))
    if unknown:
        raise InvalidRequest(f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(_FIELDS)}.")
    prompt = payload.get("prompt")
    if prompt is None:
        raise InvalidRequest("Field 'prompt' is required.")
    if not isinstance(prompt, str):
        raise InvalidRequest(f"Field 'prompt' must be a string, not {_json_type(prompt)}.")
    if not prompt.strip():
        raise InvalidRequest("Field 'prompt' must not be blank.")
    if len(prompt) > limits.max_prompt_chars:
        raise PayloadTooLarge(f"Prompt is {len(prompt)} characters; the limit is {limits.max_prompt_chars}.")
    session_id = payload.get("session_id", session_header)
    if session_id is not None:
        if not isinstance(session_id, str):
            raise InvalidRequest(f"Field 'session_id' must be a string, not {_json_type(session_id)}.")
        if not _SESSION_ID_RE.fullmatch(session_id):
            raise InvalidRequest(
                "Field 'session_id' must be 1-256 characters of letters, digits, '.', '_', ':' or '-', "
                "starting with a letter or digit."
            )
    stream = payload.get("stream", False)
    if not isinstance(stream, bool):
        raise InvalidRequest(f"Field 'stream' must be true or false, not {_json_type(stream)}.")
    context = payload.get("context", {})
    if not isinstance(context, dict):
        raise InvalidRequest(f"Field 'context' must be a JSON object, not {_json_type(context)}.")
    _check_text(payload)
    return InvocationRequest(prompt=prompt, session_id=session_id, stream=stream, context=context)


def _check_text(payload: dict[str, Any]) -> None:
    """Every string (and key) must be encodable as UTF-8: JSON lets ``"\\ud800"`` through as a lone
    surrogate, which fails later, in a log line or the model call, as a 500. Iterative, so a context nested
    as deep as the parser allows cannot overflow the stack here."""
    pending: list[Any] = [payload]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidRequest(
                    "Request text must be valid Unicode: it holds a lone surrogate (such as \\ud800)."
                ) from None


def wants_stream(request: InvocationRequest, accept_header: str | None) -> bool:
    return request.stream or "text/event-stream" in (accept_header or "")


REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["prompt"],
    "additionalProperties": False,
    "properties": {
        "prompt": {"type": "string", "minLength": 1, "description": "What to ask the agent."},
        "session_id": {
            "type": "string",
            "pattern": SESSION_ID_PATTERN,
            "description": "Continue this session; a new id is made when absent.",
        },
        "stream": {"type": "boolean", "default": False, "description": "Reply with Server-Sent Events."},
        "context": {"type": "object", "description": "Extra per-request values handed to the agent."},
    },
}

REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["text", "stop_reason", "session_id", "usage", "metrics"],
    "properties": {
        "text": {"type": "string"},
        "stop_reason": {"type": "string"},
        "session_id": {"type": "string"},
        "usage": {
            "type": "object",
            "properties": {k: {"type": "integer"} for k in ("input_tokens", "output_tokens", "total_tokens")},
        },
        "metrics": {
            "type": "object",
            "properties": {
                "cycles": {"type": "integer"},
                "duration_s": {"type": "number"},
                "tool_calls": {"type": "object", "additionalProperties": {"type": "integer"}},
                "tool_trajectory": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "code": {"type": "string"}},
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
