"""Plain helpers for the lifecycle tests: the CLI in process, git, file trees and template repositories."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from scaffold.cli import cli
from scaffold.lifecycle.validate import run_project_tests

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "templates" / "agent"
SAMPLE_LAYER = REPO / "samples" / "org-layer"
IDENTITY = ["-c", "user.name=Test User", "-c", "user.email=test@example.com"]


def scaffold(*args: str) -> Result:
    """``scaffold ARGS`` in process; stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout


def commit_all(repo: Path, message: str = "work") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)


def commit_if_changed(repo: Path, message: str = "work") -> None:
    """Commit what git sees (the deploy state is tracked or ignored, depending on the template version)."""
    git(repo, "add", "-A")
    if git(repo, "status", "--porcelain").strip():
        git(repo, "commit", "-q", "--no-verify", "-m", message)


def is_clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain", "--", ".").strip() == ""


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but git's own and build leftovers, with its content."""
    skipped = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".scaffold"}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not skipped & set(path.relative_to(root).parts)
    }


def copy_template(destination: Path, source: Path = TEMPLATE) -> Path:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def template_repo(destination: Path, tag: str = "v1.0.0") -> Path:
    """A git repository holding a copy of the built-in template, committed and tagged ``tag``."""
    copy_template(destination)
    git(destination, "init", "-q")
    commit_all(destination, "template v1")
    git(destination, "tag", tag)
    return destination


def new_project(parent: Path, *args: str, name: str = "demo-agent") -> Path:
    result = scaffold("new", name, "--defaults", "--output", str(parent), *args)
    assert result.exit_code == 0, result.output
    return parent / name


def run_pytest(project: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    """The generated project's own tests (a subprocess, offline)."""
    return run_project_tests(project, {}, *selection, timeout=300)


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def lines(result: Result) -> Sequence[str]:
    return result.stdout.splitlines()
