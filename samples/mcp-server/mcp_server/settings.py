"""Settings of the MCP server, read from environment variables so one build runs unchanged everywhere.

Environment variables (an empty one counts as unset):

``AGENT_AUTH`` (``jwt`` or ``none``) and ``AGENT_JWT_*``
    Who may call the server: with ``jwt`` every MCP request needs ``Authorization: Bearer <access token>``
    from the issuer (``AGENT_JWT_DISCOVERY_URL``, ``AGENT_JWT_ALLOWED_CLIENTS``, ...), verified by the
    the runtime's ``auth`` exactly as the generated agent verifies its callers. ``none`` is for
    local experiments only: every caller is anonymous and cannot book.
``MCP_RESOURCE_URL``
    The public URL of the MCP endpoint (``https://<function url host>/mcp``). When set, the server publishes
    its OAuth protected-resource metadata (RFC 9728) and names it in ``WWW-Authenticate``, and its host is
    accepted by the DNS-rebinding check.
``MCP_ALLOWED_HOSTS``
    More ``Host`` values to accept (comma-separated, ``host`` or ``host:*``); loopback hosts always are.
    ``*`` turns the check off (behind a proxy that rewrites ``Host``).
``TRAVEL_BOOKINGS_DIR``
    Where bookings are kept; default ``.scaffold/bookings`` (``/tmp/bookings`` on Lambda).
``TRAVEL_TODAY``
    The date the travel desk takes as today (``YYYY-MM-DD``); default the real date. For demos and tests.

Generated for an agent, this module kept the template's production answers (``RUNTIME_DEFAULTS``); the model
settings went with the agent core.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from agent_scaffold_runtime.env_values import text
from travel_desk import DEFAULT_BOOKINGS_DIR, bookings_dir_from_env, today_from_env

LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")

#: The production wiring chosen when the project was generated (auth, memory, guardrails, telemetry).
#: Adapters and the core read these as defaults; the AGENT_* environment variables override them at run
#: time (see docs in agent_scaffold_runtime: auth, memory, guardrails, telemetry). Literals only: entrypoints
#: import this module at cold start.
RUNTIME_DEFAULTS: dict[str, str] = {
    "auth": "jwt",
    "jwt_discovery_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE/.well-known/openid-configuration",
    "jwt_allowed_clients": "travel-tools-mcp",
    "jwt_allowed_audiences": "",
    "jwt_allowed_scopes": "",
    "memory": "none",
    "guardrails": "none",
    "telemetry": "none",
    "service_name": "mcp-server",
}


@dataclass(frozen=True)
class Settings:
    """What the MCP server needs to know about its environment; immutable once read."""

    auth: str = "jwt"
    resource_url: str = ""
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    bookings_dir: str = DEFAULT_BOOKINGS_DIR
    today: dt.date | None = None

    def __post_init__(self) -> None:
        if self.auth not in ("jwt", "none"):
            raise ValueError(f"AGENT_AUTH must be jwt or none for the MCP server, not {self.auth!r}.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``); see the module docstring."""
        env = os.environ if environ is None else environ
        resource_url = text(env, "MCP_RESOURCE_URL")
        hosts = [*LOOPBACK_HOSTS]
        if resource_url:
            hosts.append(urlsplit(resource_url).netloc)
        hosts += [host.strip() for host in text(env, "MCP_ALLOWED_HOSTS").split(",") if host.strip()]
        return cls(
            auth=text(env, "AGENT_AUTH", RUNTIME_DEFAULTS["auth"]).lower(),
            resource_url=resource_url,
            allowed_hosts=tuple(dict.fromkeys(hosts)),
            bookings_dir=bookings_dir_from_env(env),
            today=today_from_env(env),
        )

    @property
    def host_check(self) -> bool:
        """False when ``MCP_ALLOWED_HOSTS`` has ``*``: every ``Host`` is accepted."""
        return "*" not in self.allowed_hosts
