"""What scaffold knows about each deployment target, in one table instead of ``if target ==`` branches.

Module paths are relative to the project's package (``entrypoints.local`` -> ``my_agent.entrypoints.local``);
they match the entrypoints the template generates (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerTarget:
    """A target that runs as an HTTP server under uvicorn."""

    name: str
    app: str  # "<module relative to the package>:<ASGI attribute>"
    default_port: int


@dataclass(frozen=True)
class TargetSpec:
    name: str
    try_it: str | None  # the command to run it locally, shown after `scaffold new` and in errors


LOCAL_TARGET = "local"
LOCAL_ENTRYPOINT = "entrypoints.local"

SERVER_TARGETS: dict[str, ServerTarget] = {
    target.name: target
    for target in (
        ServerTarget("agentcore", "entrypoints.agentcore_app:app", default_port=8080),
        ServerTarget("fastapi", "entrypoints.http_app:app", default_port=8000),
    )
}

TARGETS: dict[str, TargetSpec] = {
    spec.name: spec
    for spec in (
        TargetSpec(LOCAL_TARGET, 'scaffold run "Hello"'),
        TargetSpec("agentcore", "scaffold serve --target agentcore"),
        TargetSpec("fastapi", "scaffold serve --target fastapi"),
        TargetSpec("lambda", None),
    )
}


def try_commands(targets: tuple[str, ...]) -> list[str]:
    """How to try ``targets`` locally, ``run`` first; targets with no local command are skipped."""
    return [spec.try_it for name, spec in TARGETS.items() if name in targets and spec.try_it]
