"""Session ids and the per-user keys they are stored under.

A client picks its session id, so the id alone must never select storage: every backend stores a session
under the verified principal's ``namespace`` (a digest of auth method and user id) first. Two users naming
the same id therefore get two sessions, and a user id never shapes a path or key.
"""

from __future__ import annotations

import re

from ..identity import Principal
from .errors import InvalidSessionId

# The wire contract's rule (docs/architecture.md), re-checked here because storage keys are built from it.
SESSION_ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,255}\Z")


def checked_session_id(session_id: str) -> str:
    """Return ``session_id`` if it is safe as a path segment and an S3 key part, else raise."""
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.match(session_id):
        raise InvalidSessionId(
            "session_id must be 1-256 of A-Z a-z 0-9 . _ : - starting with a letter or digit; "
            f"got {session_id!r}."
        )
    return session_id


def session_key(principal: Principal, session_id: str) -> tuple[str, str]:
    """The identity of one conversation: whose it is, and which of theirs."""
    return principal.namespace, checked_session_id(session_id)
