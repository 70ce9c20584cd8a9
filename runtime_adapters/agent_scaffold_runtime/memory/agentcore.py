"""The ``agentcore`` backend: bedrock-agentcore's Strands session manager over AgentCore Memory.

Short-term memory: every message becomes an event under ``actorId`` = the principal's namespace digest and
``sessionId`` = the client's session id, so another user's session id reads another actor's events.
AgentCore Memory allows ``[A-Za-z0-9][A-Za-z0-9_-]*`` of at most 100 characters for a session id, which is
narrower than the wire contract (``.``, ``:``, up to 256): such ids are stored under ``sid-<digest>``. That
mapping only ever stays inside one actor, so it cannot reach another user's events.

Long-term memory (``AGENT_MEMORY_LONG_TERM=true``): the memory resource must have been created with
``LONG_TERM_STRATEGIES``; the agent reads the same ``LONG_TERM_NAMESPACES`` before each user turn (the
integration injects what it finds into that turn). Both come from one table here, so the namespaces the
strategies write and the namespaces the agent reads cannot drift apart; ``{actorId}`` and ``{sessionId}``
are filled in by AgentCore with the same actor and session ids this module passes.

Across processes. Events are appended, never overwritten, so overlapping turns cannot erase each other;
at worst their messages interleave. AgentCore Runtime sends one session id to one microVM, where
``session_lock`` serialises its turns, so that does not happen there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from bedrock_agentcore.memory.integrations.strands.config import AgentCoreMemoryConfig, RetrievalConfig
from bedrock_agentcore.memory.integrations.strands.session_manager import AgentCoreMemorySessionManager

from ..identity import Principal
from ._aws import boto_session
from .config import MemoryConfig

_MEMORY_SESSION_ID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")

# name -> (strategy type in CreateMemory, namespace template, how many records to read, minimum relevance)
_LONG_TERM: Mapping[str, tuple[str, str, int, float]] = {
    "facts": ("semanticMemoryStrategy", "/facts/{actorId}/", 10, 0.3),
    "preferences": ("userPreferenceMemoryStrategy", "/preferences/{actorId}/", 5, 0.5),
    "summaries": ("summaryMemoryStrategy", "/summaries/{actorId}/{sessionId}/", 5, 0.5),
}

LONG_TERM_NAMESPACES: tuple[str, ...] = tuple(namespace for _, namespace, _, _ in _LONG_TERM.values())

# The ``strategies`` argument of CreateMemory (or the IaC equivalent) for a memory used with long term on.
LONG_TERM_STRATEGIES: tuple[dict[str, Any], ...] = tuple(
    {kind: {"name": f"scaffold_{name}", "namespaceTemplates": [namespace]}}
    for name, (kind, namespace, _, _) in _LONG_TERM.items()
)


def memory_session_id(session_id: str) -> str:
    """``session_id`` if AgentCore Memory accepts it as is, else a stable digest form of it."""
    if _MEMORY_SESSION_ID.match(session_id):
        return session_id
    return "sid-" + hashlib.sha256(session_id.encode()).hexdigest()[:48]


def actor_id(principal: Principal) -> str:
    """The AgentCore Memory actor of a principal: its namespace digest (valid, and free of user ids)."""
    return principal.namespace


def retrieval_config() -> dict[str, RetrievalConfig]:
    return {
        namespace: RetrievalConfig(top_k=top_k, relevance_score=relevance)
        for _, namespace, top_k, relevance in _LONG_TERM.values()
    }


def memory_config(config: MemoryConfig, principal: Principal, session_id: str) -> AgentCoreMemoryConfig:
    assert config.memory_id, "MemoryConfig validates that the agentcore backend has a memory id"
    return AgentCoreMemoryConfig(
        memory_id=config.memory_id,
        actor_id=actor_id(principal),
        session_id=memory_session_id(session_id),
        retrieval_config=retrieval_config() if config.long_term else None,
    )


def session_manager(
    config: MemoryConfig, principal: Principal, session_id: str
) -> AgentCoreMemorySessionManager:
    return AgentCoreMemorySessionManager(
        memory_config(config, principal, session_id),
        region_name=config.region,
        boto_session=boto_session(config),
    )
