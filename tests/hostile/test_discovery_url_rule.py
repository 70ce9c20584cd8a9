"""Item 4: one parsed-host rule for the JWT discovery URL, at generation (the copier question's validator)
and at run time (``auth.config.check_fetch_url``): https, or plain http only to a loopback host."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
from agent_scaffold_runtime.auth import AuthConfigError
from agent_scaffold_runtime.auth.config import check_fetch_url

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "agent"
PATH = "/pool/.well-known/openid-configuration"

URLS = {
    f"https://cognito-idp.us-east-1.amazonaws.com{PATH}": True,
    f"http://localhost:9000{PATH}": True,
    f"http://127.0.0.1{PATH}": True,
    f"http://[::1]:8080{PATH}": True,
    f"HTTP://LOCALHOST{PATH}": True,
    f"http://localhost.evil.example{PATH}": False,
    f"http://localhost@evil.example{PATH}": False,
    f"http://127.0.0.1.nip.io{PATH}": False,
    f"http://127.0.0.1:80@evil.example{PATH}": False,
    f"http://evil.example{PATH}": False,
    f"ftp://localhost{PATH}": False,
    "https://": False,
}


def accepted_at_generation(url: str, tmp_path: Path) -> bool:
    data = {
        "project_name": "demo-agent",
        "targets": ["fastapi"],
        "auth": "jwt",
        "jwt_discovery_url": url,
        "jwt_allowed_clients": "client",
    }
    try:
        copier.run_copy(
            str(TEMPLATE), tmp_path, data=data, defaults=True, pretend=True, quiet=True, unsafe=True
        )
    except ValueError as error:
        assert "jwt_discovery_url" in str(error)
        return False
    return True


def accepted_at_run_time(url: str) -> bool:
    try:
        check_fetch_url(url, "the JWT discovery URL")
    except AuthConfigError:
        return False
    return True


@pytest.mark.parametrize("url", sorted(URLS))
def test_generation_and_run_time_apply_the_same_rule(url: str, tmp_path: Path) -> None:
    assert accepted_at_run_time(url) is URLS[url]
    assert accepted_at_generation(url, tmp_path) is URLS[url]
