"""``scaffold package`` as a user runs it: the JSON result, the held-back list, exit codes for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.packaging import Artifact
from scaffold.project import Project

from .conftest import HOST_PYTHON, SECRETS, generate


def scaffold(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scaffold", "package", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_json_output_describes_the_artifact(x86_project: Project, x86_artifact: Artifact) -> None:
    done = scaffold(
        ["-t", "lambda", "--arch", "x86_64", "--python-version", HOST_PYTHON, "--json"], x86_project.root
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["path"] == str(x86_artifact.path) and Path(result["path"]).is_file()
    assert result["sha256"] == x86_artifact.sha256
    assert result["size_bytes"] == Path(result["path"]).stat().st_size
    assert result["held_back"] == []
    assert result["entrypoint"] == f"{x86_project.package_name}.entrypoints.lambda_handler.handler"
    assert result["reused"] is True and result["deps_installed"] is False


@pytest.mark.slow
def test_the_output_lists_the_secrets_held_back(arm_project: Project, arm_artifact: Artifact) -> None:
    human = scaffold(["-t", "lambda"], arm_project.root)
    assert human.returncode == 0, human.stderr
    as_json = scaffold(["-t", "lambda", "--json"], arm_project.root)
    assert json.loads(as_json.stdout)["held_back"] == sorted(SECRETS)
    for secret in SECRETS:
        assert secret in human.stdout
        assert secret in as_json.stderr  # the warning beside the JSON


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-t", "agentcore", "--arch", "x86_64"], "runs on arm64 only"),
        (["-t", "fastapi", "-f", "zip"], "cannot be packaged as zip"),
        (["-t", "lambda", "--python-version", "2.7"], "Unsupported Python version"),
        (["-t", "local"], "Invalid value for '--target'"),
        (["-t", "lambda", "--build"], "apply to --format container"),
    ],
)
def test_bad_input_exits_2_before_any_work(args: list[str], message: str, bare_project: Project) -> None:
    done = scaffold(args, bare_project.root)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert not (bare_project.root / ".scaffold" / "locks").exists()


def test_a_target_the_project_lacks_exits_2(tmp_path: Path) -> None:
    project = generate(tmp_path, "small-agent", targets=["local", "lambda"])
    done = scaffold(["-t", "agentcore"], project.root)
    assert done.returncode == 2
    assert "was not generated with the 'agentcore' target" in done.stderr


@pytest.fixture(scope="module")
def bare_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generate(tmp_path_factory.mktemp("bare"), "bare-agent")
