"""The tests' OpenID issuer: the runtime library's local issuer (``agent_scaffold_runtime.testing_oidc``),
one per test session, for the client ``test-app-client``; ``conftest.py`` makes ``issuer`` a fixture of every
test module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from agent_scaffold_runtime.testing_oidc import LocalIssuer as Issuer
from agent_scaffold_runtime.testing_oidc import local_issuer, new_key

__all__ = ["Issuer", "issuer", "new_key"]


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    """A local OpenID issuer: ``/.well-known/openid-configuration`` and ``/jwks.json`` on 127.0.0.1."""
    with local_issuer() as running:
        yield running
