"""Reproducible builds: same inputs, same bytes; one changed file, another hash; no change, no work."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from scaffold.packaging import Artifact, build_artifact
from scaffold.project import Project

from .conftest import HOST_PYTHON, copy_project

pytestmark = pytest.mark.slow


def rebuild(project: Project) -> Artifact:
    return build_artifact(project, "lambda", arch="x86_64", python_version=HOST_PYTHON)


def test_a_clean_rebuild_is_byte_identical(x86_project: Project, x86_artifact: Artifact) -> None:
    first = x86_artifact.path.read_bytes()
    shutil.rmtree(x86_project.root / ".scaffold" / "build")
    again = rebuild(x86_project)
    assert not again.reused  # really zipped again ...
    assert not again.deps_installed and again.lock_reused  # ... from the cached lock and layer
    assert again.sha256 == x86_artifact.sha256
    assert again.path.read_bytes() == first
    assert again.path.name == f"pkg-agent-{again.sha256[:16]}.zip"


def test_a_repackage_without_change_reuses_everything(
    x86_project: Project, x86_artifact: Artifact, capsys: pytest.CaptureFixture[str]
) -> None:
    rebuild(x86_project)
    started = time.perf_counter()
    again = rebuild(x86_project)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n  re-package with no change: {elapsed:.3f} s")
    assert again.reused and not again.deps_installed and again.lock_reused
    assert again.sha256 == x86_artifact.sha256


def test_changing_one_source_file_changes_the_hash(
    x86_project: Project, x86_artifact: Artifact, tmp_path: Path
) -> None:
    copy = copy_project(x86_project, tmp_path / "pkg-agent")
    same = rebuild(copy)
    assert same.sha256 == x86_artifact.sha256  # the location of the project does not matter
    tools = copy.root / copy.package_name / "tools.py"
    tools.write_text(tools.read_text() + "\n# one more line\n")
    changed = rebuild(copy)
    assert changed.sha256 != same.sha256
    assert not changed.reused and not changed.deps_installed
