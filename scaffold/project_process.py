"""Run project code the way the project itself would: its own interpreter, its root importable and as cwd.

The project's package sits at the project root, so putting the root on ``PYTHONPATH`` makes it importable
without installing the project; the runtime library (``agent_scaffold_runtime``) comes from the interpreter's
environment: the project's ``.venv`` when it has one, else the toolkit's, which has it installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Run as a script by the project's interpreter, which may not have scaffold installed.
APP_LAUNCHER = Path(__file__).with_name("app_launcher.py")

# A project's own virtual environment, when it has one (POSIX layout first, then Windows).
_VENV_PYTHONS = (Path(".venv", "bin", "python"), Path(".venv", "Scripts", "python.exe"))


@dataclass(frozen=True)
class Launch:
    """A fully resolved command: what to run, with which environment, from where."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path


def project_python(root: Path) -> str:
    """``<root>/.venv/bin/python`` when the project has a venv, else the interpreter running scaffold."""
    for relative in _VENV_PYTHONS:
        candidate = root / relative
        if candidate.is_file():
            return str(candidate)
    return sys.executable


def project_env(root: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    existing = env.get("PYTHONPATH")
    env["PYTHONPATH"] = os.pathsep.join([str(root), existing] if existing else [str(root)])
    return env


def launched(project_root: Path, python: str, launcher_args: Sequence[str]) -> Launch:
    """``python <scaffold/app_launcher.py> ARGS`` inside the project: its code loaded as ``python -m``
    would, but a failure to load it is one ``Error:`` line (see ``scaffold.app_launcher``)."""
    argv = [python, str(APP_LAUNCHER), *launcher_args]
    return Launch(argv=argv, env=project_env(project_root), cwd=project_root)


def run_foreground(launch: Launch) -> int:
    """Run with the terminal handed over (stdin/stdout/stderr inherited); return the child's exit code.

    Ctrl-C reaches the child directly (same process group), so scaffold waits for it to finish rather than
    dying first and leaving the child writing to a shell prompt.
    """
    process = subprocess.Popen(launch.argv, env=launch.env, cwd=launch.cwd)
    while True:
        try:
            code = process.wait()
        except KeyboardInterrupt:
            continue
        return 128 - code if code < 0 else code  # killed by signal N -> 128+N, as a shell reports it


def replace_process(launch: Launch) -> None:
    """Become the command (``exec``): no process in between, signals and exit code go straight through."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(launch.cwd)
    os.execve(launch.argv[0], launch.argv, launch.env)
