"""The ``s3`` backend: Strands' ``S3SessionManager`` under ``<prefix><principal namespace>/`` in one bucket.

Keys look like ``sessions/<namespace>/session_<id>/agents/agent_default/messages/message_<n>.json``: each
user has their own prefix (a digest, never the user id), so another user's session id names other keys.
The bucket policy and the runtime role can then be scoped to the prefix, and a user's data is deleted by
deleting one prefix.

Across processes. Within a process ``session_lock`` serialises the turns of a session. AgentCore Runtime
routes a session id to one microVM, so there that is the whole story. Lambda is not sticky: two invocations
of one session can run at once in two execution environments, each having read the same history and each
about to write ``message_<n>``. Strands writes with a plain ``PutObject``, which would silently replace the
other turn's message. This backend creates messages (and ``session.json``) with
``PutObject(IfNoneMatch="*")``, an S3 conditional write: the later writer gets ``412 PreconditionFailed``
and its turn fails with ``SessionConflictError`` (HTTP 409, retryable) instead of erasing a turn. The
loser usually fails on its first write (the user's message), before calling the model. What this does not
give: ordering (a turn that read the history before another turn finished answers without it) and
``agent.json`` (agent and conversation-manager state, still last writer wins). S3-compatible stores
without conditional writes reject or ignore ``If-None-Match``; there, keep one writer per session.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError
from strands.session.s3_session_manager import S3SessionManager
from strands.types.exceptions import SessionException
from strands.types.session import Session, SessionMessage

from ..identity import Principal
from ._aws import boto_session
from .config import MemoryConfig
from .errors import SessionConflictError

# 412 when the key exists; 409 when a concurrent conditional write to the key is still in flight.
_CONFLICT_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "412", "409"})


class CreateOnlyS3SessionManager(S3SessionManager):
    """``S3SessionManager`` whose new messages never overwrite an existing one (see the module docstring)."""

    def create_session(self, session: Session, **kwargs: Any) -> Session:
        """Two invocations starting one new session at once: the later one gets a conflict."""
        key = f"{self._get_session_path(session.session_id)}session.json"
        self._put_new(key, session.to_dict(), session.session_id)
        return session

    def create_message(
        self, session_id: str, agent_id: str, session_message: SessionMessage, **kwargs: Any
    ) -> None:
        key = self._get_message_path(session_id, agent_id, session_message.message_id)
        self._put_new(key, session_message.to_dict(), session_id)

    def _put_new(self, key: str, data: dict[str, Any], session_id: str) -> None:
        body = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=body, ContentType="application/json", IfNoneMatch="*"
            )
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _CONFLICT_CODES:
                raise SessionConflictError(session_id) from None
            raise SessionException(f"Failed to write S3 object {key}: {error}") from error


def user_prefix(config: MemoryConfig, principal: Principal) -> str:
    """The key prefix holding all of ``principal``'s sessions, e.g. ``sessions/<namespace>/``."""
    base = config.prefix.strip("/")
    return f"{base}/{principal.namespace}/" if base else f"{principal.namespace}/"


def session_manager(config: MemoryConfig, principal: Principal, session_id: str) -> S3SessionManager:
    assert config.bucket, "MemoryConfig validates that the s3 backend has a bucket"
    return CreateOnlyS3SessionManager(
        session_id=session_id,
        bucket=config.bucket,
        prefix=user_prefix(config, principal),
        boto_session=boto_session(config),
        region_name=config.region,
        endpoint_url=config.endpoint_url,
    )
