"""What the sample tests share: where the samples are, a clean environment for their processes, copies of a
sample to run commands in, and uvicorn servers in subprocesses.

An agent sample (``NAMES``) is a generated project, user code on the runtime library. Its code runs in
processes of its own (its settings and module-level state stay out of the toolkit's test process), with
the sample directory on ``PYTHONPATH`` and this interpreter, which has every sample's dependencies, the
runtime library included. The samples' own library (``LIBRARIES``: the travel desk, which the travel
assistant and the MCP server both depend on by its directory) is not installed there: it is on
``PYTHONPATH`` too, from its one copy under ``samples/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tests.support.processes import stop_process, uvicorn_argv, wait_for_ping
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "samples"
#: The generated projects.
NAMES = ("travel-assistant", "mcp-server", "research-orchestrator")
#: Plain libraries the generated ones depend on (not generated projects), by the samples that use them.
LIBRARIES = {"travel-desk": ("travel-assistant", "mcp-server")}
#: Settings a developer's shell may hold that would change what a sample does.
_FOREIGN = ("AGENT_", "AWS_", "TRAVEL_", "ORCHESTRATOR_", "MCP_", "OTEL_")
_LEFT_BEHIND = shutil.ignore_patterns("__pycache__", ".scaffold", ".pytest_cache", ".ruff_cache", ".venv")


def sample_env(*paths: Path, **extra: str) -> dict[str, str]:
    """This process's environment without sample settings, this interpreter's scripts first on ``PATH``,
    and on ``PYTHONPATH`` ``paths`` then the samples' libraries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN) and k != "PYTHONPATH"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(str(path) for path in (*paths, *(SAMPLES / n for n in LIBRARIES)))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra)
    return env


def copy_sample(name: str, destination: Path) -> Path:
    """A copy of the sample as a clone holds it (no caches, no bookings or sessions), to run commands in,
    with a copy of each library it depends on beside it (where its pyproject names them)."""
    target = destination / name
    shutil.copytree(SAMPLES / name, target, ignore=_LEFT_BEHIND)
    for library, users in LIBRARIES.items():
        if name in users:
            shutil.copytree(SAMPLES / library, destination / library, ignore=_LEFT_BEHIND)
    return target


def readme_section(name: str, heading: str) -> str:
    readme = (SAMPLES / name / "README.md").read_text()
    return readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def code_blocks(text: str, language: str) -> list[str]:
    return [block.strip() for block in re.findall(rf"```{language}\n(.+?)\n```", text, re.S)]


# -- a sample's app under uvicorn, in its own process --------------------------------------------------------


@dataclass
class Server:
    url: str
    stderr: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines the server wrote on stderr (request lines, spans)."""
        lines = self.stderr.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


@contextlib.contextmanager
def sample_server(name: str, app: str, workdir: Path, **env: str) -> Iterator[Server]:
    """``python -m uvicorn APP`` for the sample ``name``, run in ``workdir`` (what it writes stays there)."""
    port = free_port()
    stderr_path = workdir / f"{name}-{port}.stderr"
    stderr: IO[bytes] = stderr_path.open("wb")
    process = subprocess.Popen(
        uvicorn_argv(app, port),
        cwd=workdir,
        env=sample_env(SAMPLES / name, **env),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for_ping(url, process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{stderr_path.read_text()[-3000:]}") from None
        yield Server(url, stderr_path)
    finally:
        stop_process(process)
        stderr.close()
