"""Fixtures: a real moto Cognito user pool served over HTTP, a tiny stub OIDC issuer, and signing keys.

Tokens from the pool are real RS256 JWTs minted by ``initiate_auth``; the authenticator reaches the pool's
``.well-known`` documents over real sockets, exactly as it would reach Cognito (only the URL differs).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.moto import moto_server

from .stub_issuer import StubIssuer, standard_stub, stub_keys

PASSWORD = "Correct-Horse-Battery-9"


@dataclass
class Cognito:
    endpoint: str
    pool_id: str
    client_id: str
    other_client_id: str
    client: Any

    @property
    def discovery_url(self) -> str:
        return f"{self.endpoint}/{self.pool_id}/.well-known/openid-configuration"

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.us-east-1.amazonaws.com/{self.pool_id}"

    def tokens(self, username: str, *, client_id: str | None = None) -> dict[str, str]:
        """A real sign-in (USER_PASSWORD_AUTH): the pool's AccessToken, IdToken and RefreshToken."""
        result = self.client.initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )
        tokens: dict[str, str] = result["AuthenticationResult"]
        return tokens

    def sub(self, username: str) -> str:
        attributes = self.client.admin_get_user(UserPoolId=self.pool_id, Username=username)["UserAttributes"]
        return str(next(a["Value"] for a in attributes if a["Name"] == "sub"))

    def env(self, **settings: str) -> dict[str, str]:
        """Settings for ``build_authenticator`` against this pool; our app client unless overridden."""
        env = {"AGENT_JWT_DISCOVERY_URL": self.discovery_url, "AGENT_JWT_ALLOWED_CLIENTS": self.client_id}
        env.update({f"AGENT_{name.upper()}": value for name, value in settings.items()})
        return env


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def cognito(moto_endpoint: str) -> Cognito:
    client = boto3.client("cognito-idp", endpoint_url=moto_endpoint, region_name="us-east-1")
    pool_id = client.create_user_pool(PoolName="agent-users")["UserPool"]["Id"]
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_ids = [
        client.create_user_pool_client(
            UserPoolId=pool_id, ClientName=name, GenerateSecret=False, ExplicitAuthFlows=flows
        )["UserPoolClient"]["ClientId"]
        for name in ("agent-web", "some-other-app")
    ]
    client.create_group(UserPoolId=pool_id, GroupName="admins")
    for username in ("alice", "bob"):
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            TemporaryPassword="Temp-Passw0rd!",
            MessageAction="SUPPRESS",
        )
        client.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
    client.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="admins")
    return Cognito(moto_endpoint, pool_id, client_ids[0], client_ids[1], client)


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """Private keys: the stub issuer's own, plus attackers' that no JWKS publishes."""
    return stub_keys(
        attacker_ec=ec.generate_private_key(ec.SECP256R1()),
        attacker_p384=ec.generate_private_key(ec.SECP384R1()),
    )


@pytest.fixture
def stub(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    """A fresh issuer per test (fresh counters): an RSA and an EC signing key, and an encryption key."""
    with standard_stub(keys) as issuer:
        yield issuer
