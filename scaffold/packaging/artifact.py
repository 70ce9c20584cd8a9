"""What a build hands to its caller (the deploy engine and its targets, the CloudFormation export,
``--json``): the one description of a built artifact that packaging and deploy share."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Artifact:
    """A packaged zip, named ``<project>-<sha256[:16]>.zip`` by its content.

    ``entrypoint`` is what the service is configured with: Lambda's handler
    (``my_agent.entrypoints.lambda_handler.handler``) or AgentCore's ``entryPoint`` list as one
    space-separated string (``agentcore_main.py``, or ``opentelemetry-instrument agentcore_main.py`` when
    telemetry is on); ``runtime`` is the matching runtime id (``python3.12``, ``PYTHON_3_12``).
    ``reused`` says nothing was rebuilt because an identical build exists, ``deps_installed`` whether uv
    installed dependencies in this call (False: the cached layer was used), ``lock_reused`` whether the
    dependency resolution was reused (no index query).
    """

    path: Path
    sha256: str
    size_bytes: int
    unzipped_bytes: int
    held_back: tuple[str, ...]
    arch: str
    python_version: str
    target: str
    entrypoint: str
    runtime: str
    file_count: int
    precompiled: bool
    reused: bool
    deps_installed: bool
    lock_reused: bool
    left_out: tuple[str, ...] = ()  # distributions the runtime provides, not packaged
    notices: tuple[str, ...] = ()
    format: str = "zip"
    held_back_rules: tuple[tuple[str, str], ...] = ()  # (path, the rule that held it back), as held_back

    def summary(self) -> dict[str, Any]:
        """What a deploy records of the artifact (state file, plan ``--json``): never the local path."""
        return {
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "python_version": self.python_version,
            "arch": self.arch,
            "target": self.target,
            "entrypoint": self.entrypoint,
            "runtime": self.runtime,
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        for key in ("held_back", "left_out", "notices"):
            data[key] = list(data[key])
        data["held_back_rules"] = dict(self.held_back_rules)
        return data
