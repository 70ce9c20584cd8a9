"""Fixtures for the CLI tests: generated projects, the real ``scaffold`` executable, loopback servers.

Helpers are handed out as fixtures (not imported), since tests/cli is not a package.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scaffold.cli import cli
from tests.support.servers import free_port, serving

SCAFFOLD_TIMEOUT_S = 60


def invoke_cli(args: Sequence[str], **kwargs: Any) -> Result:
    """Run the CLI in-process; stdout and stderr are kept apart (click >= 8.2)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def scaffold_argv() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m scaffold``."""
    script = shutil.which("scaffold", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "scaffold"]


def run_scaffold(
    args: Sequence[str], *, cwd: Path, input: str | None = None, timeout: float = SCAFFOLD_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*scaffold_argv(), *args], cwd=cwd, input=input, capture_output=True, text=True, timeout=timeout
    )


def listing(directory: Path) -> list[str]:
    """Every entry, hidden ones included: a leftover staging directory starts with a dot."""
    return sorted(entry.name for entry in directory.iterdir())


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Generate a project from the built-in template (``--defaults`` plus ``args``), once per arguments."""
    cache: dict[tuple[str, ...], Path] = {}

    def make(*args: str, name: str = "demo-agent") -> Path:
        key = (name, *args)
        if key not in cache:
            parent = tmp_path_factory.mktemp("projects")
            result = invoke_cli(["new", name, "--defaults", "--output", str(parent), *args])
            assert result.exit_code == 0, result.output
            cache[key] = parent / name
        return cache[key]

    return make


@pytest.fixture(scope="session")
def project(project_factory: Callable[..., Path]) -> Path:
    """A project with every target and the offline model (the template's defaults)."""
    return project_factory()


@dataclass
class BackgroundScaffold:
    """A running ``scaffold`` process; ``stdout``/``stderr`` are filled in once it has been stopped."""

    process: subprocess.Popen[str]
    stdout: str = ""
    stderr: str = ""

    def poll(self) -> int | None:
        return self.process.poll()


@contextlib.contextmanager
def scaffold_process(args: Sequence[str], *, cwd: Path) -> Iterator[BackgroundScaffold]:
    """A long-running ``scaffold`` (serve) in its own process group, always stopped afterwards."""
    process = subprocess.Popen(
        [*scaffold_argv(), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so uvicorn's reloader children are stopped with it
    )
    running = BackgroundScaffold(process)
    try:
        yield running
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        try:
            running.stdout, running.stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            running.stdout, running.stderr = process.communicate(timeout=5)


@pytest.fixture
def cli_in_process() -> Callable[..., Result]:
    """``scaffold ARGS`` through click's runner: fast, for behaviour that needs no real process."""
    return invoke_cli


@pytest.fixture
def cli_subprocess() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``scaffold ARGS`` as a real process (the installed console script)."""
    return run_scaffold


@pytest.fixture
def scaffold_executable() -> list[str]:
    return scaffold_argv()


@pytest.fixture
def http_server() -> Callable[[Any], contextlib.AbstractContextManager[str]]:
    return serving


@pytest.fixture
def background_scaffold() -> Callable[..., contextlib.AbstractContextManager[BackgroundScaffold]]:
    return scaffold_process


@pytest.fixture
def unused_port() -> int:
    return free_port()
