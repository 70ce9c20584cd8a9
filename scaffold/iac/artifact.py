"""What the templates need to know about a packaged artifact, and the few facts derived from it.

The packaging step builds the artifact; the templates only read it. ``Artifact`` is a ``Protocol`` so this
package depends on no packaging class: anything with these attributes will do (a dataclass in tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from ..errors import BadInput

# Spellings of the two architectures that packaging tools, Docker and uname use, mapped to Lambda's.
_ARCHITECTURES = {"arm64": "arm64", "aarch64": "arm64", "x86_64": "x86_64", "amd64": "x86_64"}
_PYTHON_VERSION = re.compile(r"^3\.(\d+)(?:\.\d+)?$")


class Artifact(Protocol):
    """A packaged project: a zip for Lambda and AgentCore, an image build for FastAPI."""

    @property
    def path(self) -> Path: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def arch(self) -> str: ...
    @property
    def python_version(self) -> str: ...
    @property
    def entrypoint(self) -> str: ...


def architecture(artifact: Artifact) -> str:
    """``arm64`` or ``x86_64``: the artifact holds compiled wheels, so the runtime must match them."""
    arch = _ARCHITECTURES.get(artifact.arch.strip().lower())
    if arch is None:
        raise BadInput(f"Unknown artifact architecture {artifact.arch!r}; expected arm64 or x86_64.")
    return arch


def python_minor(artifact: Artifact) -> int:
    """The ``X`` of ``3.X``: every runtime names its Python by minor version only."""
    match = _PYTHON_VERSION.match(artifact.python_version.strip())
    if match is None:
        raise BadInput(f"Unknown artifact Python version {artifact.python_version!r}; expected 3.X.")
    return int(match.group(1))


def code_key(project_name: str, target: str, artifact: Artifact) -> str:
    """The S3 key of a zip artifact, named by its content hash, so a new build never overwrites a deployed
    one and uploading the same build twice is a no-op. The same layout as the deployer's
    (``<project>/<target>/<sha256>.zip``), so a bucket filled by either serves both."""
    return f"{project_name}/{target}/{artifact.sha256}.zip"
