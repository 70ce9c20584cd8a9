"""Find and run uv, which resolves and installs dependencies for a platform other than this machine's.

pip can download foreign wheels but cannot resolve for another platform; uv's ``--python-platform`` and
``--python-version`` do both, without the target interpreter being present.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import PackagingError, ToolMissing

UV_ENV = "SCAFFOLD_UV"
_TAIL_LINES = 12


def find_uv() -> str:
    """``$SCAFFOLD_UV``, the uv next to this interpreter (a venv's bin), the ``uv`` package's, or PATH's."""
    explicit = os.environ.get(UV_ENV)
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file():
        return str(beside)
    try:
        from uv import find_uv_bin  # the PyPI package "uv" ships the binary

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found:
        return found
    raise ToolMissing(
        "Packaging needs uv to install dependencies for the target platform, and it was not found "
        f"(looked at ${UV_ENV}, next to {sys.executable}, the 'uv' Python package and PATH). "
        "Install it with: pip install uv"
    )


def run_uv(args: Sequence[str], what: str, cwd: Path | None = None, timeout: float = 900) -> str:
    """Run ``uv <args>``; on failure raise with the end of uv's own explanation (it names the package)."""
    argv = [find_uv(), *args]
    env = dict(os.environ)
    env.setdefault("UV_NO_PROGRESS", "1")
    # Resolving for the target's Python (``--python-version``) needs no interpreter of that version, but
    # uv looks for one and, when this machine lacks it, downloads a managed CPython (tens of MB) first;
    # offline, it retries for about 10 s before going on without. Neither helps a package.
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise PackagingError(f"{what} took more than {timeout:.0f} s (uv {args[0]} {args[1]}).") from None
    except OSError as exc:
        raise ToolMissing(f"Could not run uv at {argv[0]}: {exc.strerror}.") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = " ".join(lines[-_TAIL_LINES:])
        raise PackagingError(f"{what} failed (uv exit code {done.returncode}): {reason}")
    return done.stdout
