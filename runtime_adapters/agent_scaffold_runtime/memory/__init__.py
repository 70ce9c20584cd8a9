"""Sessions: where a conversation is kept between turns, namespaced by the verified user.

``AGENT_MEMORY`` picks the backend (see ``config`` for every variable):

=============  ==============================================================================
``none``       no history: every turn starts fresh
``file``       Strands ``FileSessionManager`` under ``AGENT_SESSION_DIR/<user namespace>/`` (default)
``s3``         Strands ``S3SessionManager`` under ``AGENT_SESSION_PREFIX<user namespace>/``
``agentcore``  bedrock-agentcore's Strands session manager; actor = the user namespace
=============  ==============================================================================

A turn in the core::

    async with session_lock(principal, session_id):
        agent = Agent(..., session_manager=session_manager_for(config, principal, session_id))
        async for event in agent.stream_async(prompt): ...

Isolation: storage is keyed by ``principal.namespace`` (a digest of auth method and user id) before the
session id, so a user naming another user's session id gets a new, empty session of their own.

Concurrency: ``session_lock`` serialises the turns of one session inside a process, across threads and
event loops. Across processes: AgentCore Runtime routes a session to one microVM; for Lambda and several
workers the file and s3 backends create messages create-only (hard link, S3 ``If-None-Match: *``), so an
overlapping turn fails with ``SessionConflictError`` (409) instead of replacing another turn; AgentCore
Memory appends events, so nothing is overwritten there. Details in each backend's module docstring.

This package imports neither Strands nor boto3 until a backend is used, so it is cheap to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..identity import Principal
from .config import BACKENDS, MemoryConfig
from .errors import InvalidSessionId, SessionConflictError
from .keys import checked_session_id
from .locks import session_lock

if TYPE_CHECKING:
    from strands.session.session_manager import SessionManager

__all__ = [
    "BACKENDS",
    "InvalidSessionId",
    "MemoryConfig",
    "SessionConflictError",
    "session_lock",
    "session_manager_for",
]

Factory = Callable[[MemoryConfig, Principal, str], "SessionManager | None"]


def _no_memory(config: MemoryConfig, principal: Principal, session_id: str) -> SessionManager | None:
    return None


def _backend(module: str) -> Factory:
    """A factory that imports ``module`` on first use, so unused backends cost nothing at import."""

    def factory(config: MemoryConfig, principal: Principal, session_id: str) -> SessionManager | None:
        manager: SessionManager = importlib.import_module(f"{__name__}.{module}").session_manager(
            config, principal, session_id
        )
        return manager

    return factory


_FACTORIES: Mapping[str, Factory] = {
    "none": _no_memory,
    "file": _backend("file"),
    "s3": _backend("s3"),
    "agentcore": _backend("agentcore"),
}


def session_manager_for(config: MemoryConfig, principal: Principal, session_id: str) -> SessionManager | None:
    """The session manager for ``principal``'s session ``session_id``, or None for ``AGENT_MEMORY=none``.

    Building one may read storage (the s3 and agentcore managers look the session up), so async code
    with a remote backend can build it with ``asyncio.to_thread``.
    """
    return _FACTORIES[config.backend](config, principal, checked_session_id(session_id))
