"""Who is calling: a typed principal that adapters derive from verified credentials only.

It reaches the agent through Strands ``invocation_state["principal"]`` (never through the prompt), and it
namespaces sessions, so a client-supplied session id alone can never reach another user's history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

AuthMethod = Literal["none", "jwt", "iam", "local"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    auth_method: AuthMethod = "none"
    claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    scopes: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    @property
    def namespace(self) -> str:
        """A filesystem- and S3-safe key for this user's sessions: a digest, so ids never shape paths."""
        return hashlib.sha256(f"{self.auth_method}:{self.user_id}".encode()).hexdigest()[:32]

    def has_scopes(self, required: frozenset[str] | set[str]) -> bool:
        return set(required) <= self.scopes

    def in_any_group(self, required: frozenset[str] | set[str]) -> bool:
        return not required or bool(set(required) & self.groups)


ANONYMOUS = Principal(user_id="anonymous", auth_method="none")


def local_principal(user_id: str) -> Principal:
    """The developer at the keyboard (local target): trusted, no credentials involved."""
    return Principal(user_id=user_id, auth_method="local")
