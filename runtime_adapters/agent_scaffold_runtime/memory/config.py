"""Where conversations are kept, read from the environment so one build runs unchanged everywhere.

Environment variables (an empty one counts as unset):

``AGENT_MEMORY``
    ``none``, ``file``, ``s3`` or ``agentcore``; default ``defaults["memory"]``, else ``file``.
``AGENT_SESSION_DIR``
    The ``file`` backend's directory; default ``.scaffold/sessions`` (relative to the working directory).
    On Lambda (``AWS_LAMBDA_FUNCTION_NAME`` is set) a relative directory is put under ``/tmp``, the only
    writable place there (and one that does not outlive the execution environment).
``AGENT_SESSION_BUCKET`` / ``AGENT_SESSION_PREFIX``
    The ``s3`` backend's bucket (required) and key prefix (default ``sessions/``).
``AGENT_MEMORY_ID`` / ``AGENT_MEMORY_LONG_TERM``
    The ``agentcore`` backend's memory id (required) and whether to read long-term memory (``true``/``false``,
    default ``false``); see ``agent_scaffold_runtime.memory.agentcore`` for the namespaces.
``AWS_REGION`` (or ``AWS_DEFAULT_REGION``)
    The region of the S3 and AgentCore clients; unset means boto3's own resolution.
``AGENT_AWS_ENDPOINT_URL``
    An endpoint for the S3 and AgentCore clients (a local emulator, a VPC endpoint). Unset in production, so
    the clients talk to real AWS exactly as they would without this module.

Validation happens in ``__post_init__``, so a config built by hand is held to the same rules as one read
from the environment, and a deployment with a missing setting fails at the first request with a message
naming the variable to set, instead of deep inside boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from ..env_values import Source, answered, flag, text

Backend = Literal["none", "file", "s3", "agentcore"]
BACKENDS: tuple[str, ...] = get_args(Backend)

DEFAULT_BACKEND: Backend = "file"
DEFAULT_SESSION_DIR = ".scaffold/sessions"
DEFAULT_SESSION_PREFIX = "sessions/"
LAMBDA_WRITABLE_DIR = "/tmp"  # Lambda's only writable directory


# Per backend: the fields it cannot work without, and the variable that sets each.
_REQUIRED: Mapping[str, tuple[tuple[str, str], ...]] = {
    "none": (),
    "file": (),
    "s3": (("bucket", "AGENT_SESSION_BUCKET"),),
    "agentcore": (("memory_id", "AGENT_MEMORY_ID"),),
}


@dataclass(frozen=True)
class MemoryConfig:
    """Which backend keeps sessions and how to reach it; immutable once read."""

    backend: Backend = DEFAULT_BACKEND
    session_dir: Path = Path(DEFAULT_SESSION_DIR)
    bucket: str | None = None
    prefix: str = DEFAULT_SESSION_PREFIX
    region: str | None = None
    endpoint_url: str | None = None
    memory_id: str | None = None
    long_term: bool = False

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(
                f"Unknown memory backend {self.backend!r} (set AGENT_MEMORY); "
                f"choose one of: {', '.join(BACKENDS)}."
            )
        for field_name, variable in _REQUIRED[self.backend]:
            if not getattr(self, field_name):
                raise ValueError(f"AGENT_MEMORY={self.backend} needs {variable}; it is empty or unset.")

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> MemoryConfig:
        """Read the config from ``env`` (default ``os.environ``); ``defaults`` are the project's choices."""
        source = answered(env, defaults)
        return cls(
            backend=cast(Backend, text(source, "AGENT_MEMORY", DEFAULT_BACKEND).lower()),
            session_dir=_session_dir(source),
            bucket=text(source, "AGENT_SESSION_BUCKET") or None,
            prefix=text(source, "AGENT_SESSION_PREFIX", DEFAULT_SESSION_PREFIX),
            region=text(source, "AWS_REGION") or text(source, "AWS_DEFAULT_REGION") or None,
            endpoint_url=text(source, "AGENT_AWS_ENDPOINT_URL") or None,
            memory_id=text(source, "AGENT_MEMORY_ID") or None,
            long_term=flag(source, "AGENT_MEMORY_LONG_TERM", default=False),
        )


def _session_dir(source: Source) -> Path:
    path = Path(text(source, "AGENT_SESSION_DIR", DEFAULT_SESSION_DIR))
    if not path.is_absolute() and text(source, "AWS_LAMBDA_FUNCTION_NAME"):
        return Path(LAMBDA_WRITABLE_DIR) / path
    return path
