"""The boto3 session the S3 and AgentCore backends build their clients from: one per (region, endpoint).

Every turn builds a new Strands session manager, and each makes its own clients (the AgentCore one makes
four). A fresh ``boto3.Session`` reloads the service models every time (about 0.1 s per S3 client); one
shared session per process brings a client down to a few milliseconds. boto3 sessions are not safe to
create clients from concurrently, so ``client()`` is serialised; the clients themselves are thread-safe.

``AGENT_AWS_ENDPOINT_URL`` must reach every client a backend makes, including the ones the bedrock-agentcore
session manager creates itself with ``session.client(...)`` and no endpoint parameter, so the session's
``client()`` fills in a default ``endpoint_url``. Without one it adds nothing: production clients talk to
AWS exactly as boto3 alone would.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import boto3

from .config import MemoryConfig


class _SharedSession(boto3.Session):
    """A boto3 session safe to share between threads, whose clients default to ``endpoint_url``."""

    def __init__(self, *, endpoint_url: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._endpoint_url = endpoint_url
        self._client_lock = threading.Lock()

    def client(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("endpoint_url") is None and self._endpoint_url:
            kwargs["endpoint_url"] = self._endpoint_url
        with self._client_lock:
            return super().client(*args, **kwargs)


@functools.lru_cache(maxsize=8)
def _shared_session(region: str | None, endpoint_url: str | None) -> _SharedSession:
    return _SharedSession(endpoint_url=endpoint_url, region_name=region)


def boto_session(config: MemoryConfig) -> boto3.Session:
    """The process-wide session for ``config.region`` whose clients honour ``config.endpoint_url``."""
    return _shared_session(config.region, config.endpoint_url)
