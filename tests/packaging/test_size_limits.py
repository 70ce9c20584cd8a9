"""The size check runs before anything is compiled, zipped or uploaded, and names what takes the space."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.packaging import Artifact, SizeLimitError, SizeLimits, build_artifact
from scaffold.packaging.errors import ExitCode
from scaffold.project import Project

from .conftest import HOST_PYTHON, copy_project

pytestmark = pytest.mark.slow


def test_a_lowered_limit_fails_listing_the_largest_dependencies(
    x86_project: Project, x86_artifact: Artifact, tmp_path: Path
) -> None:
    copy = copy_project(x86_project, tmp_path / "pkg-agent")
    with pytest.raises(SizeLimitError) as caught:
        build_artifact(
            copy, "lambda", arch="x86_64", python_version=HOST_PYTHON, limits=SizeLimits(unzipped_bytes=10**6)
        )
    error = caught.value
    assert error.exit_code == ExitCode.TOO_LARGE
    assert error.limit == 10**6 and error.actual > error.limit
    names = [name for name, _ in error.contributors]
    assert "cryptography" in names[:3] and "pydantic-core" in names  # the two big native wheels
    assert f"Largest contributors: {names[0]} " in error.message
    assert not list((copy.root / ".scaffold" / "build").glob("**/*.zip"))  # failed before zipping


def test_the_cli_refuses_an_oversized_project_with_exit_code_3(
    x86_project: Project, x86_artifact: Artifact, tmp_path: Path
) -> None:
    copy = copy_project(x86_project, tmp_path / "pkg-agent")
    blob = copy.root / "data" / "model.bin"
    blob.parent.mkdir()
    with blob.open("wb") as handle:  # sparse: 300 MB by size, nothing on disk
        handle.truncate(300 * 1024 * 1024)
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "package", "-t", "lambda", "--arch", "x86_64",
         "--python-version", HOST_PYTHON],
        cwd=copy.root, capture_output=True, text=True, timeout=300, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "over the limit of 250.0 MB" in done.stderr
    assert "Largest contributors: data/ 300.0 MB" in done.stderr
    assert not list((copy.root / ".scaffold" / "build").glob("**/*.zip"))


def test_a_reused_build_is_checked_against_the_limits_asked_for_now(
    x86_project: Project, x86_artifact: Artifact
) -> None:
    # Just under the recorded total: the sources alone pass, the finished zip (with bytecode) does not.
    limits = SizeLimits(unzipped_bytes=x86_artifact.unzipped_bytes - 1)
    with pytest.raises(SizeLimitError, match="Largest contributors: "):
        build_artifact(x86_project, "lambda", arch="x86_64", python_version=HOST_PYTHON, limits=limits)
    assert build_artifact(x86_project, "lambda", arch="x86_64", python_version=HOST_PYTHON).reused
