"""A generated project (the template's defaults, so its evals/ examples) shared by the eval tests, and the
offline environment the core runs in when ``scaffold eval`` imports it into this process."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scaffold.cli import cli

PACKAGE = "eval_agent"


def run_cli(args: Sequence[str]) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def eval_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("eval-project")
    result = run_cli(["new", "eval-agent", "--defaults", "--output", str(parent)])
    assert result.exit_code == 0, result.output
    return parent / "eval-agent"


@pytest.fixture
def project_copy(eval_project: Path, tmp_path: Path) -> Path:
    """A copy to edit (a removed tool, another eval set); same package name, another root."""
    copy = tmp_path / "eval-agent"
    shutil.copytree(eval_project, copy)
    return copy


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "offline")
    monkeypatch.delenv("AGENT_MODEL_ID", raising=False)
    monkeypatch.setenv("AGENT_MEMORY", "file")
    monkeypatch.setenv("AGENT_SESSION_DIR", str(tmp_path / "sessions"))
    monkeypatch.setenv("AGENT_AUTH", "none")
    monkeypatch.setenv("AGENT_TELEMETRY", "none")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def scaffold_cli() -> Callable[[Sequence[str]], Result]:
    return run_cli


def comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """A --json run without what legitimately differs between transports (timings)."""
    return [
        {key: value for key, value in case.items() if key != "latency_ms"}
        | {"checks": {k: v for k, v in case["checks"].items() if k != "limits"}}
        for case in document["cases"]
    ]
