"""The bad-token generator: forged, malformed and badly-claimed tokens, each with the reason it must fail.

Shared by the authenticator's unit tests (``test_jwt_rejections``) and the end-to-end tests, which send the
same tokens through a generated project's adapters. A case is ``name -> (reason, build)``: ``build(ctx)``
returns the authenticator the token is meant for (its configuration says which issuer and settings the case
assumes) and the token; ``reason`` is a piece of the fixed description the refusal must carry.

Signature forgeries start from a real Cognito token (its header and claims copied); claim-level cases are
signed with a key the stub issuer really publishes, so each proves its own check, not the signature one.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from agent_scaffold_runtime.auth import Authenticator, build_authenticator

from . import forging
from .conftest import Cognito
from .stub_issuer import StubIssuer, access_claims, sign


@dataclass
class Ctx:
    cognito: Cognito
    stub: StubIssuer
    keys: dict[str, Any]
    real: dict[str, str]

    def pool(self, **settings: str) -> Authenticator:
        return build_authenticator("jwt", env=self.cognito.env(**settings))

    def issuer(self, **settings: str) -> Authenticator:
        return build_authenticator("jwt", env=self.stub.env(**settings))

    def real_parts(self, name: str = "AccessToken") -> tuple[dict[str, Any], dict[str, Any], str]:
        return forging.parts(self.real[name])

    def pool_jwk(self) -> dict[str, Any]:
        url = f"{self.cognito.endpoint}/{self.cognito.pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=5) as response:
            jwk: dict[str, Any] = json.load(response)["keys"][0]
        return jwk

    def signed(self, key: str = "rsa", kid: str = "stub-rsa", alg: str = "RS256", **claims: Any) -> str:
        return sign(access_claims(**claims), self.keys[key], kid, alg)


Case = Callable[[Ctx], tuple[Authenticator, str]]


def forged_from_real(ctx: Ctx, key: str, kid: str) -> str:
    header, claims, _ = ctx.real_parts()
    return sign(claims, ctx.keys[key], kid, header["alg"])


def tampered(ctx: Ctx) -> str:
    header, claims, signature = ctx.real_parts()
    return forging.unsigned(header, {**claims, "sub": "00000000-0000-4000-8000-000000000000"}, signature)


def header_alg_changed(ctx: Ctx) -> str:
    header, claims, signature = ctx.real_parts()
    return forging.unsigned({**header, "alg": "RS512"}, claims, signature)


def seconds(delta: int) -> int:
    return int(time.time()) + delta


CASES: dict[str, tuple[str, Case]] = {
    # forgeries of a real Cognito access token, checked against the pool's own JWKS
    "other RSA key, pool's kid": (
        "signature is invalid",
        lambda c: (c.pool(), forged_from_real(c, "attacker_rsa", "dummy")),
    ),
    "other RSA key, unknown kid": (
        "signing key is not known",
        lambda c: (c.pool(), forged_from_real(c, "attacker_rsa", "attacker-1")),
    ),
    "alg none, no signature": (
        "not a well-formed JWT",
        lambda c: (
            c.pool(),
            forging.unsigned({**c.real_parts()[0], "alg": "none"}, c.real_parts()[1]),
        ),
    ),
    "alg none, junk signature": (
        "algorithm is not allowed",
        lambda c: (
            c.pool(),
            forging.unsigned({**c.real_parts()[0], "alg": "none"}, c.real_parts()[1], "c2lnbmF0dXJl"),
        ),
    ),
    "HS256 keyed with the public key PEM": (
        "algorithm is not allowed",
        lambda c: (
            c.pool(),
            forging.hs256_with_public_pem(c.real_parts()[0], c.real_parts()[1], c.pool_jwk()),
        ),
    ),
    "tampered payload, original signature": ("signature is invalid", lambda c: (c.pool(), tampered(c))),
    "header alg changed, original signature": (
        "does not match its signing key",
        lambda c: (c.pool(), header_alg_changed(c)),
    ),
    "ID token where access token required": ("type is not accepted", lambda c: (c.pool(), c.real["IdToken"])),
    "access token of another app client": (
        "client is not accepted",
        lambda c: (c.pool(), c.real["OtherAccessToken"]),
    ),
    "ID token of another app client (audience)": (
        "audience is not accepted",
        lambda c: (
            c.pool(jwt_token_use="id", jwt_allowed_audiences=c.cognito.client_id, jwt_allowed_clients=""),
            c.real["OtherIdToken"],
        ),
    ),
    "refresh token as bearer": ("not a well-formed JWT", lambda c: (c.pool(), c.real["RefreshToken"])),
    # validly signed by the stub issuer, bad claims
    "expired": ("has expired", lambda c: (c.issuer(), c.signed(exp=seconds(-3600), iat=seconds(-7200)))),
    "expired beyond leeway": (
        "has expired",
        lambda c: (c.issuer(), c.signed(exp=seconds(-90), iat=seconds(-3700))),
    ),
    "not yet valid (nbf)": ("not yet valid", lambda c: (c.issuer(), c.signed(nbf=seconds(3600)))),
    "issued in the future (iat)": ("not yet valid", lambda c: (c.issuer(), c.signed(iat=seconds(3600)))),
    "wrong issuer": (
        "issuer is not accepted",
        lambda c: (c.issuer(), c.signed(iss="https://evil.example.test/pool")),
    ),
    "issuer with trailing slash": (
        "issuer is not accepted",
        lambda c: (c.issuer(), c.signed(iss=c.stub.issuer + "/")),
    ),
    "missing sub": ("lacks a required claim", lambda c: (c.issuer(), c.signed(sub=None))),
    "blank sub": ("subject is invalid", lambda c: (c.issuer(), c.signed(sub=" "))),
    "missing exp": ("lacks a required claim", lambda c: (c.issuer(), c.signed(exp=None))),
    "exp not a number": ("not a well-formed JWT", lambda c: (c.issuer(), c.signed(exp="tomorrow"))),
    "wrong client_id": ("client is not accepted", lambda c: (c.issuer(), c.signed(client_id="someone-else"))),
    "no client_id": ("client is not accepted", lambda c: (c.issuer(), c.signed(client_id=None))),
    "wrong token_use": ("type is not accepted", lambda c: (c.issuer(), c.signed(token_use="refresh"))),
    "crit header": (
        "unsupported critical header",
        lambda c: (
            c.issuer(),
            sign(access_claims(), c.keys["rsa"], "stub-rsa", "RS256", crit=["exp"]),
        ),
    ),
    "no kid": ("does not name a signing key", lambda c: (c.issuer(), sign_without_kid(c))),
    # key and algorithm confusion against the stub's RSA and EC keys
    "ES256 signed by another P-256 key": (
        "signature is invalid",
        lambda c: (c.issuer(), c.signed("attacker_ec", "stub-ec", "ES256")),
    ),
    "ES256 naming the RSA key": (
        "does not match its signing key",
        lambda c: (c.issuer(), c.signed("attacker_ec", "stub-rsa", "ES256")),
    ),
    "ES384 (P-384) naming the P-256 key": (
        "does not match its signing key",
        lambda c: (
            c.issuer(),
            c.signed("attacker_p384", "stub-ec", "ES384"),
        ),
    ),
    "RS384 naming an RS256-only key": (
        "does not match its signing key",
        lambda c: (c.issuer(), c.signed("rsa", "stub-rsa", "RS384")),
    ),
    "signed by the JWKS key marked use=enc": (
        "signing key is not known",
        lambda c: (c.issuer(), c.signed("enc", "stub-enc")),
    ),
    "HS256 keyed with the stub's public PEM": (
        "algorithm is not allowed",
        lambda c: (
            c.issuer(),
            forging.hs256_with_public_pem({"kid": "stub-rsa"}, access_claims(), c.stub.jwks[0]),
        ),
    ),
    # not a JWT at all
    "garbage": ("not a well-formed JWT", lambda c: (c.issuer(), "not-a-jwt-at-all")),
    "only two segments": (
        "not a well-formed JWT",
        lambda c: (c.issuer(), ".".join(c.signed().split(".")[:2])),
    ),
    "four segments": ("not a well-formed JWT", lambda c: (c.issuer(), c.signed() + ".AAAA")),
    "header not JSON": (
        "not a well-formed JWT",
        lambda c: (c.issuer(), f"{forging.b64(b'hello')}.{c.signed().split('.', 1)[1]}"),
    ),
    "header a JSON list": (
        "not a well-formed JWT",
        lambda c: (c.issuer(), f"{forging.segment([1])}.{c.signed().split('.', 1)[1]}"),
    ),
    "oversized junk (> 16 KB)": ("too large", lambda c: (c.issuer(), "a" * 17000 + ".b.c")),
    "oversized but validly signed": ("too large", lambda c: (c.issuer(), c.signed(padding="x" * 17000))),
    "non-ASCII junk": ("not a well-formed JWT", lambda c: (c.issuer(), "ñøñ.äšçïï.ðæ∂ƒ")),
}

HEADER_CASES: dict[str, tuple[str, str]] = {
    "empty Authorization": ("Bearer authorization scheme", ""),
    "Bearer with no token": ("token is empty", "Bearer"),
    "Bearer and blanks": ("token is empty", "Bearer    "),
    "Basic scheme": ("Bearer authorization scheme", "Basic YWxpY2U6Q29ycmVjdC1Ib3JzZQ=="),
    "token without scheme": ("Bearer authorization scheme", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
    "two tokens": ("not a well-formed JWT", "Bearer aaaa.bbbb.cccc dddd.eeee.ffff"),
    "oversized header": ("too large", "Bearer " + "x" * 20000),
}


def sign_without_kid(ctx: Ctx) -> str:
    return jwt.encode(access_claims(), ctx.keys["rsa"], algorithm="RS256")


def real_tokens(cognito: Cognito) -> dict[str, str]:
    """Alice's real tokens from the pool for our app client, plus her tokens for the other app client."""
    own, other = cognito.tokens("alice"), cognito.tokens("alice", client_id=cognito.other_client_id)
    return {**own, "OtherAccessToken": other["AccessToken"], "OtherIdToken": other["IdToken"]}
