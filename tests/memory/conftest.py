"""A real moto server on a loopback port, reached only through ``AGENT_AWS_ENDPOINT_URL`` (never a stub)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.moto import moto_server


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url
