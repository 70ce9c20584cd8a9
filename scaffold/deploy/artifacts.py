"""The code a deploy uploads, built by ``scaffold.packaging.build_artifact`` and used as the ``Artifact`` it
returns (``scaffold.packaging.artifact``): deploy has no artifact type of its own.

``BUILDER`` lets the builder be swapped (tests use a small fixture zip; the benchmark reuses one build).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..packaging.artifact import Artifact
from ..project import Project
from .errors import TargetUnavailable

Builder = Callable[..., Artifact]  # build_artifact(project, target, *, arch=, python_version=, progress=)


def _packaging_builder(*args: Any, **kwargs: Any) -> Artifact:
    try:
        from ..packaging import build_artifact
    except ImportError as exc:
        raise TargetUnavailable(
            f"Cannot build the deployment artifact: scaffold.packaging is not available ({exc})."
        ) from None
    built: Artifact = build_artifact(*args, **kwargs)
    return built


BUILDER: Builder = _packaging_builder


def build(
    project: Project,
    target: str,
    *,
    arch: str,
    python_version: str | None,
    progress: Callable[..., None] | None,
) -> Artifact:
    return BUILDER(project, target, arch=arch, python_version=python_version, progress=progress)
