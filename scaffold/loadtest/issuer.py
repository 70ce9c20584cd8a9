"""Tokens for load tests of ``auth=jwt`` projects, from the ``scaffold dev`` local issuer.

The local server started by ``scaffold loadtest`` trusts only that issuer (``AGENT_JWT_DISCOVERY_URL``
points at it) and verifies its tokens fully, the way it verifies Cognito's; each virtual user gets a token
with its own ``sub``, so sessions are keyed by a real verified identity per user.
"""

from __future__ import annotations

from ..dev.issuer import LocalIssuer

CLIENT_ID = "scaffold-loadtest"


def started_issuer() -> LocalIssuer:
    """A running issuer for the load-test client id; the caller stops it."""
    issuer = LocalIssuer(client_id=CLIENT_ID)
    issuer.start()
    return issuer


def trusting_env(issuer: LocalIssuer) -> dict[str, str]:
    """What the agent server needs to trust ``issuer`` (and only it), with no scope or group requirement
    that the virtual users' tokens could fail."""
    return {
        "AGENT_AUTH": "jwt",
        **issuer.app_environment(),
        "AGENT_JWT_ALLOWED_SCOPES": "",
        "AGENT_JWT_REQUIRED_GROUPS": "",
    }


def user_tokens(issuer: LocalIssuer, count: int) -> list[str]:
    """One access token per virtual user, each for its own subject."""
    return [issuer.mint(f"loadtest-user-{number}", scopes=["openid"]) for number in range(count)]
