"""Who and where, as span attributes: the same few keys on every Strands span of one request.

Strands copies ``Agent(trace_attributes=...)`` onto the agent span and onto every cycle, model and tool span
under it, so these keys make any single span searchable by user, session and target.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from ..identity import Principal

Target = Literal["agentcore", "lambda", "fastapi", "local"]

USER_HASH_CHARS = 16


def user_ref(user_id: str, *, hash_user_id: bool = True) -> str:
    """The user as telemetry shows it: the first 16 hex digits of sha256(user id) when hashing.

    A digest rather than the id keeps e-mail addresses and names out of traces and logs while still letting
    an operator find one user's requests: ``hashlib.sha256(b"alice").hexdigest()[:16]``. It is deliberately
    not ``Principal.namespace``, so log lines never reveal storage keys.
    """
    if not hash_user_id:
        return user_id
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:USER_HASH_CHARS]


def trace_attributes(
    principal: Principal, session_id: str, target: Target | str, *, hash_user_id: bool = True
) -> dict[str, str]:
    """Attributes for ``Agent(trace_attributes=...)``.

    Keys: ``enduser.id`` (hashed unless ``hash_user_id=False``), ``session.id``, ``agent.target``
    (agentcore, lambda, fastapi or local) and ``auth.method``.

    ``enduser.id`` is the OpenTelemetry semantic-convention key for the caller; ``session.id`` is the key
    AgentCore's GenAI observability groups sessions by. Claims, scopes and groups never go into traces.
    """
    return {
        "enduser.id": user_ref(principal.user_id, hash_user_id=hash_user_id),
        "session.id": session_id,
        "agent.target": str(target),
        "auth.method": principal.auth_method,
    }
