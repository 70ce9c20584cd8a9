"""The ``file`` backend: Strands' ``FileSessionManager`` under ``<session_dir>/<principal namespace>/``.

Each user gets a directory named by their namespace digest, so another user's session id resolves to a
different directory, and a user id never shapes a path.

Messages are created create-only: a message file is written to a temporary name and hard-linked into place,
which fails if the name exists. Within a process ``session_lock`` already serialises turns; across processes
sharing the directory (several uvicorn workers, two local runs) an overlapping turn now fails with
``SessionConflictError`` (409, retryable) instead of silently replacing the other turn's message. The
directory must be on a file system with hard links (any local one; Lambda's ``/tmp`` is per environment,
so there sessions survive only while that execution environment lives: use ``s3`` or ``agentcore``).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from strands.session.file_session_manager import FileSessionManager
from strands.types.exceptions import SessionException
from strands.types.session import Session, SessionMessage

from ..identity import Principal
from .config import MemoryConfig
from .errors import SessionConflictError


class CreateOnlyFileSessionManager(FileSessionManager):
    """``FileSessionManager`` whose new messages never overwrite an existing one."""

    def create_session(self, session: Session, **kwargs: Any) -> Session:
        """Two processes starting one new session at once: the later one gets a conflict, not a 500."""
        try:
            return super().create_session(session, **kwargs)
        except SessionException:
            if os.path.isdir(self._get_session_path(session.session_id)):
                raise SessionConflictError(session.session_id) from None
            raise

    def create_message(
        self, session_id: str, agent_id: str, session_message: SessionMessage, **kwargs: Any
    ) -> None:
        path = self._get_message_path(session_id, agent_id, session_message.message_id)
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".strands_", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump(session_message.to_dict(), handle, indent=2, ensure_ascii=False)
            os.link(temporary, path)  # atomic, and refuses an existing name (or a planted symlink)
        except FileExistsError:
            raise SessionConflictError(session_id) from None
        finally:
            os.unlink(temporary)


def session_manager(config: MemoryConfig, principal: Principal, session_id: str) -> FileSessionManager:
    storage_dir = config.session_dir / principal.namespace
    return CreateOnlyFileSessionManager(session_id=session_id, storage_dir=str(storage_dir))
