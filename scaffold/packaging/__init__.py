"""Packaging: turn a generated project into what a target runs, built for the target's platform.

``build_artifact`` makes the reproducible, content-named zip that Lambda and AgentCore code deploys take;
``build_container_context`` writes a Dockerfile and build context; ``build_image`` builds it where Docker
or CodeBuild is available. Dependencies always come from the package index for the target platform, never
from this machine's environment.

Names are imported on first use (PEP 562): ``scaffold --help`` imports the command module, which must not
pay for pathspec and the build machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .artifact import Artifact
    from .builder import build_artifact
    from .container import ContainerContext, build_container_context
    from .errors import ExitCode, PackagingError, SizeLimitError, ToolMissing
    from .image_build import build_image
    from .targets import PACKAGE_TARGETS, SizeLimits

_EXPORTS = {
    "Artifact": "artifact",
    "build_artifact": "builder",
    "ContainerContext": "container",
    "build_container_context": "container",
    "build_image": "image_build",
    "PackagingError": "errors",
    "ExitCode": "errors",
    "SizeLimitError": "errors",
    "ToolMissing": "errors",
    "PACKAGE_TARGETS": "targets",
    "SizeLimits": "targets",
}

__all__ = [
    "PACKAGE_TARGETS",
    "Artifact",
    "ContainerContext",
    "ExitCode",
    "PackagingError",
    "SizeLimitError",
    "SizeLimits",
    "ToolMissing",
    "build_artifact",
    "build_container_context",
    "build_image",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
