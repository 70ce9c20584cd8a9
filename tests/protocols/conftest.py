"""Shared pieces for the protocol tests: a JWT issuer on a loopback socket and tokens it really signs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.auth.stub_issuer import CLIENT, StubIssuer, access_claims, sign, standard_stub, stub_keys
from tests.deploy.conftest import artifact, generated, make_project, moto, moto_url  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """The stub issuer's RSA/EC/encryption keys and an attacker's RSA key."""
    return stub_keys()


@pytest.fixture(scope="session")
def issuer(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    with standard_stub(keys) as stub:
        yield stub


@pytest.fixture(scope="session")
def jwt_defaults(issuer: StubIssuer) -> dict[str, str]:
    """Project answers that switch an adapter to JWT auth against the stub issuer."""
    return {"auth": "jwt", "jwt_discovery_url": issuer.discovery_url, "jwt_allowed_clients": CLIENT}


@pytest.fixture(scope="session")
def good_token(keys: dict[str, Any]) -> str:
    return sign(access_claims(), keys["rsa"], "stub-rsa")


@pytest.fixture(scope="session")
def forged_token(keys: dict[str, Any]) -> str:
    """Signed by a key the issuer never published, under the issuer's own key id."""
    return sign(access_claims(), keys["attacker_rsa"], "stub-rsa")
