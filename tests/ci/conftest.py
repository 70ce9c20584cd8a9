"""Generated projects shared by the CI tests (copier is the slow part: one project per answer set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import generate


@pytest.fixture(scope="session")
def lambda_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated with ci=github: the workflows come from the template itself."""
    root = tmp_path_factory.mktemp("ci") / "demo-agent"
    return generate(root, targets=["lambda", "local"], ci="github")


@pytest.fixture(scope="session")
def agentcore_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated without a CI answer: no workflows until ``scaffold ci github`` writes them."""
    root = tmp_path_factory.mktemp("ci") / "demo-agent"
    return generate(root, targets=["agentcore", "lambda", "fastapi", "local"], python_version="3.13")
