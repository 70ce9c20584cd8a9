"""What ``scaffold dev`` tells the server process it starts: one JSON document in one environment variable.

The command runs in scaffold's process; the server (``scaffold.dev.server:create_app``) runs in uvicorn's
worker, which the reloader restarts on every code change. The worker reads this document each time it
starts, so the command decides once and every restart serves the same thing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

ENV_VAR = "SCAFFOLD_DEV_CONFIG"
#: What the project's production memory becomes under ``scaffold dev`` (the file backend, on this machine).
DEV_MEMORY = "file"
DEV_SESSION_DIR = ".scaffold/sessions"
#: The bearer token for ``--deployed`` (as for ``scaffold invoke``): an environment variable, kept out of
#: the config document.
TOKEN_VARIABLE = "SCAFFOLD_BEARER_TOKEN"


@dataclass(frozen=True)
class DevConfig:
    """``app`` is ``module:attribute`` of the project's ASGI app; empty when the page talks to a remote."""

    project_name: str
    target: str
    app: str = ""
    auth: str = "none"
    memory: str = "none"  # what dev uses
    production_memory: str = "none"  # what the project answers for deployments
    session_dir: str = DEV_SESSION_DIR
    allowed_scopes: list[str] = field(default_factory=list)
    required_groups: list[str] = field(default_factory=list)
    otlp_endpoint: str | None = None
    remote_url: str | None = None  # --url: the page talks to this server through scaffold's client
    deployed_target: str | None = None  # --deployed: the same, to a deployed target through AWS
    project_root: str = ""
    aws_region: str | None = None  # --deployed: the AWS options of `scaffold invoke`
    aws_profile: str | None = None
    aws_endpoint_url: str | None = None
    aws_environment: str = "dev"  # --deployed: the environment (environments.toml)

    @property
    def remote(self) -> bool:
        return bool(self.remote_url or self.deployed_target)

    def to_env(self) -> dict[str, str]:
        return {ENV_VAR: json.dumps(asdict(self))}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DevConfig:
        raw = (os.environ if environ is None else environ).get(ENV_VAR)
        if not raw:
            raise RuntimeError(f"{ENV_VAR} is not set: start the playground with `scaffold dev`.")
        return cls(**json.loads(raw))


def dev_memory(production: str) -> str:
    """``none`` and ``file`` stay as they are; S3 and AgentCore Memory become local files under dev."""
    return production if production in ("none", "file") else DEV_MEMORY


def names(value: object) -> list[str]:
    """A comma-separated answer (``"profile, admin"``) or a list, as a clean list."""
    items = (
        value.split(",") if isinstance(value, str) else list(value or []) if isinstance(value, list) else []
    )
    return [str(item).strip() for item in items if str(item).strip()]
