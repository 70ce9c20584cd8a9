"""Session errors that carry their HTTP meaning, so every adapter reports them without knowing this package.

Both derive from ``agent_scaffold_runtime.errors.AdapterError``: ``errors.from_agent_failure`` passes an
``AdapterError`` through unchanged, so a conflict becomes a 409 and a bad id a 400 on every target.
"""

from __future__ import annotations

from ..errors import AdapterError, InvalidRequest


class InvalidSessionId(InvalidRequest, ValueError):
    """A session id that could shape a storage path; the wire contract refuses these before we see them."""


class SessionConflictError(AdapterError):
    """Another turn wrote this session first (another process: within one, ``session_lock`` serialises).

    Raised instead of overwriting the other turn's message, so a lost turn becomes a retryable error.
    """

    status = 409
    code = "session_conflict"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"Session {session_id!r} was changed by a concurrent request; retry the request.",
        )
        self.session_id = session_id
