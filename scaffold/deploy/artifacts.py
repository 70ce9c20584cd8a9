"""The code a deploy uploads: built by ``scaffold.packaging.build_artifact``, read here through its fields.

Deploy depends only on the artifact's shape (``path, sha256, size_bytes, entrypoint, runtime, python_version,
arch``),
so the builder can be swapped (``BUILDER``: tests use a small fixture zip; the benchmark reuses one build).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..project import Project
from .errors import TargetUnavailable


@dataclass(frozen=True)
class ArtifactInfo:
    path: Path
    sha256: str  # hex
    size_bytes: int
    entrypoint: tuple[str, ...]  # Lambda: ("pkg.module.handler",); AgentCore: the command, e.g. ("main.py",)
    runtime: str | None = None  # the service's runtime id: python3.12, PYTHON_3_12
    python_version: str | None = None
    arch: str | None = None
    unzipped_bytes: int | None = None

    def to_json(self) -> dict[str, Any]:
        """What the state and ``--json`` record: never the local path."""
        return {
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "python_version": self.python_version,
            "arch": self.arch,
        }


Builder = Callable[..., Any]  # build_artifact(project, target, *, arch=..., python_version=..., progress=...)


def _packaging_builder(*args: Any, **kwargs: Any) -> Any:
    try:
        from ..packaging import build_artifact
    except ImportError as exc:
        raise TargetUnavailable(
            f"Cannot build the deployment artifact: scaffold.packaging is not available ({exc})."
        ) from None
    return build_artifact(*args, **kwargs)


BUILDER: Builder = _packaging_builder


def build(
    project: Project,
    target: str,
    *,
    arch: str,
    python_version: str | None,
    progress: Callable[..., None] | None,
) -> ArtifactInfo:
    built = BUILDER(project, target, arch=arch, python_version=python_version, progress=progress)
    return from_artifact(built)


def from_artifact(built: Any) -> ArtifactInfo:
    path = Path(built.path)
    sha256 = normalise_sha256(getattr(built, "sha256", None)) or file_sha256(path)
    size = int(getattr(built, "size_bytes", None) or path.stat().st_size)
    return ArtifactInfo(
        path=path,
        sha256=sha256,
        size_bytes=size,
        entrypoint=_entrypoint(getattr(built, "entrypoint", None)),
        runtime=_optional(getattr(built, "runtime", None)),
        python_version=_optional(getattr(built, "python_version", None)),
        arch=_optional(getattr(built, "arch", None)),
        unzipped_bytes=getattr(built, "unzipped_bytes", None),
    )


def normalise_sha256(value: Any) -> str | None:
    """Hex digest from ``hex``, ``sha256:hex`` or base64 forms."""
    if not isinstance(value, str) or not value:
        return None
    text = value.removeprefix("sha256:").strip()
    if len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text):
        return text.lower()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 32 else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entrypoint(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # AgentCore's command comes as one space-separated string
        return tuple(value.split())
    if isinstance(value, Sequence):
        return tuple(str(item) for item in value)
    return (str(value),)


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)
