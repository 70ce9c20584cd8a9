"""One generated project for the whole session, deployed through its real adapters against moto Cognito.

The project is generated with copier from ``templates/agent`` with the production answers under test
(``auth=jwt`` against the moto pool's discovery URL and app client, ``memory=file``, ``guardrails=local``,
``telemetry=console``); variations (a required scope, the S3 backend, other JWT settings) are ``AGENT_*``
variables on a deployment, the way an operator configures one build. The moto server, the Cognito pool and
the stub OIDC issuer come from ``tests/auth`` (imported, not copied).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import pytest

from tests.auth.conftest import Cognito, cognito, keys, moto_endpoint
from tests.auth.stub_issuer import StubIssuer, standard_stub
from tests.auth.tokens import Ctx, real_tokens

from .harness import Deployment, Fleet

__all__ = ["cognito", "keys", "moto_endpoint"]  # fixtures reused from tests/auth

TEMPLATE = Path(__file__).parent.parent.parent / "templates" / "agent"
PROJECT_NAME = "e2e-agent"
PACKAGE = "e2e_agent"
ADMIN_TOOL = "admin_export"
ADMIN_SCOPE = "admin"

# What a user adds to the generated tools.py: a tool only callers with the "admin" scope may use. It leaves a
# marker file per call, so a test can see from outside whether it ever ran. Appended, so the template's own
# tools (and whatever else tools.py holds) stay as generated.
ADMIN_TOOL_SOURCE = f'''

# --- added after generation, as a user would: a tool for administrators only -------------------------------
from pathlib import Path as _Path

from agent_scaffold_runtime.tool_auth import requires as _requires

MARKERS = _Path(__file__).resolve().parent.parent / "markers"


@_requires(scopes=["{ADMIN_SCOPE}"])
@tool
def {ADMIN_TOOL}(target: str) -> str:
    """Export every user's data to a target. For administrators only.

    Args:
        target: A name for the export.
    """
    MARKERS.mkdir(exist_ok=True)
    (MARKERS / target).write_text("ran")
    return f"exported to {{target}}"


TOOLS.append({ADMIN_TOOL})
'''


@dataclass(frozen=True)
class Users:
    """Alice and Bob: real access tokens from the pool (``initiate_auth``) and their ``sub``s."""

    alice: str
    bob: str
    alice_sub: str
    bob_sub: str


@pytest.fixture(scope="session")
def project(cognito: Cognito, tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("e2e") / PROJECT_NAME
    copier.run_copy(
        str(TEMPLATE),
        destination,
        data={
            "project_name": PROJECT_NAME,
            "auth": "jwt",
            "jwt_discovery_url": cognito.discovery_url,
            "jwt_allowed_clients": cognito.client_id,
            "memory": "file",
            "guardrails": "local",
            "telemetry": "console",
        },
        defaults=True,
        quiet=True,
        unsafe=False,
    )
    tools = destination / PACKAGE / "tools.py"
    tools.write_text(tools.read_text() + ADMIN_TOOL_SOURCE)
    return destination


@pytest.fixture(scope="session")
def fleet(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    deployments = Fleet(project, PACKAGE, tmp_path_factory.mktemp("deployments"))
    try:
        yield deployments
    finally:
        deployments.close()


@pytest.fixture(scope="session")
def main(fleet: Fleet) -> Deployment:
    """The project as generated: every setting from the template answers, nothing from the environment."""
    return fleet.deploy("main", {})


@pytest.fixture(scope="session")
def users(cognito: Cognito) -> Users:
    return Users(
        alice=cognito.tokens("alice")["AccessToken"],
        bob=cognito.tokens("bob")["AccessToken"],
        alice_sub=cognito.sub("alice"),
        bob_sub=cognito.sub("bob"),
    )


@pytest.fixture(scope="session")
def stub_issuer(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    """The stub OIDC issuer of ``tests/auth``, kept for the session: deployments trust it across tests."""
    with standard_stub(keys) as issuer:
        yield issuer


@pytest.fixture(scope="session")
def token_ctx(cognito: Cognito, stub_issuer: StubIssuer, keys: dict[str, Any]) -> Ctx:
    """The context ``tests/auth/tokens.py`` builds its bad tokens from."""
    return Ctx(cognito, stub_issuer, keys, real_tokens(cognito))
