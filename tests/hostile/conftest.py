"""Fixtures for the hostile-input suites: signing keys, a stub issuer, and a watch on error logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.auth.stub_issuer import StubIssuer, standard_stub

from . import blocking_core

WATCHED_LOGGERS = ("", "agent_scaffold_runtime", "bedrock_agentcore.app", "uvicorn.error", "uvicorn")


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """The stub issuer's RSA/EC keys (EC reused as the encryption key's slot) and an attacker's RSA key."""
    from cryptography.hazmat.primitives.asymmetric import ec

    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "enc": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "attacker_rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


@pytest.fixture
def stub(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    issuer = standard_stub(keys)
    try:
        yield issuer
    finally:
        issuer.close()


class ErrorRecords(logging.Handler):
    """Collects ERROR records (a traceback in the log is what a 500 used to leave behind)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def described(self) -> list[str]:
        return [f"{record.name}: {record.getMessage()}" for record in self.records]


@pytest.fixture
def logged_errors() -> Iterator[ErrorRecords]:
    handler = ErrorRecords()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@pytest.fixture(autouse=True)
def held_core_is_released() -> Iterator[None]:
    """Each test starts with the blocking core reset and ends with it released, pass or fail."""
    blocking_core.reset()
    try:
        yield
    finally:
        blocking_core.release.set()
