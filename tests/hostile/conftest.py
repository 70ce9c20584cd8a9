"""Fixtures for the hostile-input suites: signing keys, a stub issuer, and a watch on error logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.auth.stub_issuer import StubIssuer, standard_stub, stub_keys

from . import blocking_core

WATCHED_LOGGERS = ("", "agent_scaffold_runtime", "bedrock_agentcore.app", "uvicorn.error", "uvicorn")


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """The stub issuer's RSA/EC/encryption keys and an attacker's RSA key."""
    return stub_keys()


@pytest.fixture
def stub(keys: dict[str, Any]) -> Iterator[StubIssuer]:
    with standard_stub(keys) as issuer:
        yield issuer


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
