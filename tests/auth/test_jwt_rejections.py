"""Bad tokens are refused with 401 and a Bearer challenge, and never leak into errors or logs.

The cases live in ``tokens.py`` (the end-to-end tests send the same ones through the adapters).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from agent_scaffold_runtime.auth import Authenticator, AuthError

from .conftest import Cognito
from .stub_issuer import StubIssuer
from .tokens import CASES, HEADER_CASES, Ctx, real_tokens


@pytest.fixture(scope="module")
def real(cognito: Cognito) -> dict[str, str]:
    return real_tokens(cognito)


@pytest.fixture
def ctx(cognito: Cognito, stub: StubIssuer, keys: dict[str, Any], real: dict[str, str]) -> Ctx:
    return Ctx(cognito, stub, keys, real)


def test_there_are_at_least_twenty_cases() -> None:
    assert len(CASES) + len(HEADER_CASES) >= 20


@pytest.mark.parametrize("name", list(CASES))
def test_bad_token_is_401(name: str, ctx: Ctx, caplog: pytest.LogCaptureFixture) -> None:
    reason, case = CASES[name]
    authenticator, token = case(ctx)
    error = rejected(authenticator, {"Authorization": f"Bearer {token}"}, caplog)
    assert reason in error.message  # refused by the check this case is about, not by an earlier one
    assert_no_leak(token, error, caplog)


@pytest.mark.parametrize("name", list(HEADER_CASES))
def test_bad_authorization_header_is_401(name: str, ctx: Ctx, caplog: pytest.LogCaptureFixture) -> None:
    reason, value = HEADER_CASES[name]
    error = rejected(ctx.issuer(), {"Authorization": value}, caplog)
    assert reason in error.message
    assert_no_leak(value, error, caplog)


def test_missing_authorization_is_401_with_a_bare_challenge(ctx: Ctx) -> None:
    """RFC 6750 3.1: a request with no credentials gets a challenge without an error code."""
    with pytest.raises(AuthError) as caught:
        ctx.issuer().authenticate({"Content-Type": "application/json"})
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    assert caught.value.www_authenticate == 'Bearer realm="agent"'


def test_oversized_token_is_refused_before_any_key_lookup(ctx: Ctx) -> None:
    authenticator = ctx.issuer()
    with pytest.raises(AuthError):
        authenticator.authenticate({"Authorization": "Bearer " + "a" * 17000 + ".b.c"})
    assert ctx.stub.discovery_fetches == ctx.stub.jwks_fetches == 0


def test_junk_is_refused_without_importing_pyjwt() -> None:
    """Structural checks come first: a cold Lambda refusing junk does not pay PyJWT's import."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from agent_scaffold_runtime.auth import AuthError, build_authenticator\n"
        "a = build_authenticator('jwt', env={'AGENT_JWT_DISCOVERY_URL': "
        "'https://issuer.example.test/.well-known/openid-configuration', 'AGENT_JWT_ALLOWED_CLIENTS': 'x'})\n"
        "for value in ['Bearer not-a-jwt', 'Basic abc', 'Bearer a.b']:\n"
        "    try:\n"
        "        a.authenticate({'authorization': value})\n"
        "    except AuthError:\n"
        "        pass\n"
        "print('jwt' in sys.modules, 'cryptography' in sys.modules, 'urllib.request' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False", "False"]


def rejected(
    authenticator: Authenticator, headers: Mapping[str, str], caplog: pytest.LogCaptureFixture
) -> AuthError:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as caught:
        authenticator.authenticate(headers)
    error = caught.value
    assert (error.status, error.code) == (401, "unauthorized")
    assert error.www_authenticate is not None
    assert error.www_authenticate.startswith("Bearer ")
    assert 'error="invalid_token"' in error.www_authenticate
    assert error.__cause__ is None  # raised "from None": no PyJWT exception (or its text) rides along
    assert error.__context__ is None or error.__suppress_context__
    return error


def assert_no_leak(token: str, error: AuthError, caplog: pytest.LogCaptureFixture) -> None:
    """Neither the token nor any sizeable piece of it appears in the error, its body or the logs."""
    exposed = "\n".join(
        [str(error), repr(error), json.dumps(error.body()), error.www_authenticate or "", caplog.text]
        + [str(record.args) for record in caplog.records]
    )
    pieces = [token, *token.replace(" ", ".").split(".")]
    for piece in pieces:
        if len(piece) >= 12:
            assert piece not in exposed
