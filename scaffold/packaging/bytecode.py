"""Precompile bytecode with the target's own Python version, in a form that stays valid where it lands.

Lambda's ``/var/task`` is read-only: without ``__pycache__`` in the zip, every cold start compiles every
imported module again (bench/bench_package.py measures the difference). The ``.pyc`` files are written
*unchecked-hash*: the interpreter trusts them without comparing source timestamps, which the zip sets to a
fixed date, and the same source always gives the same bytes (a reproducible zip). Paths recorded in them are
relative to the artifact root; the import system substitutes the real path at load time.

Bytecode is specific to a minor version, so it needs that interpreter here; when there is none, the caller
skips precompiling (with a notice) rather than shipping bytecode no runtime would load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import ToolMissing
from .uvtool import find_uv

_PROBE = (
    "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.implementation.cache_tag); "
    "print(sys.version)"
)


@dataclass(frozen=True)
class Interpreter:
    path: str
    cache_tag: str  # cpython-312
    version: str  # full sys.version: part of the artifact's cache key

    def pyc_rel(self, rel: str) -> str:
        """``pkg/mod.py`` -> ``pkg/__pycache__/mod.cpython-312.pyc``."""
        parent, _, name = rel.rpartition("/")
        stem = name[: -len(".py")]
        cached = f"__pycache__/{stem}.{self.cache_tag}.pyc"
        return f"{parent}/{cached}" if parent else cached


@cache
def find_interpreter(version: str) -> Interpreter | None:
    """A working ``python<version>``: this one, one on PATH, one pyenv installed, or one uv installed
    (never downloaded).

    Tried in that order and lazily, so the common case (this interpreter) costs no subprocess."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version and sys.implementation.cache_tag:
        return Interpreter(sys.executable, sys.implementation.cache_tag, f"{version}|{sys.version}")
    for candidate in _candidates(version):
        probed = _probe(candidate)
        if probed is not None and probed.cache_tag and _minor(probed) == version:
            return probed
    return None


def _candidates(version: str) -> Iterator[str]:
    on_path = shutil.which(f"python{version}")
    if on_path:
        yield on_path
    yield from pyenv_interpreters(version)
    try:
        found = subprocess.run(
            [find_uv(), "python", "find", "--no-python-downloads", "--managed-python", version],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired, ToolMissing):  # uv missing is not this step's problem
        return
    if found.returncode == 0 and found.stdout.strip():
        yield found.stdout.strip()


def pyenv_interpreters(version: str) -> Iterator[str]:
    """pyenv's ``python<version>`` binaries, newest patch release first. Its shim on PATH answers only
    for the versions a shell has selected, so an installed 3.12 is found here, not through PATH."""
    versions = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    installed = [folder for folder in versions.glob(f"{version}.*") if _patch(folder.name, version) >= 0]
    for folder in sorted(installed, key=lambda folder: _patch(folder.name, version), reverse=True):
        binary = folder / "bin" / f"python{version}"
        if binary.is_file():
            yield str(binary)


def _patch(name: str, version: str) -> int:
    """``3.12.10`` -> 10 for version ``3.12``; -1 for anything else (``3.12-dev``, ``3.12.0a1``)."""
    patch = name[len(version) + 1 :]
    return int(patch) if patch.isdigit() else -1


def _probe(path: str) -> Interpreter | None:
    try:
        done = subprocess.run(
            [path, "-I", "-c", _PROBE], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) < 3:
        return None  # e.g. a pyenv shim for a version that is not selected
    return Interpreter(path=path, cache_tag=lines[1], version=f"{lines[0]}|{lines[2]}")


def _minor(interpreter: Interpreter) -> str:
    return interpreter.version.split("|", 1)[0]


def compile_tree(interpreter: Interpreter, root: Path, rels: Iterable[str]) -> set[str]:
    """Compile ``root/<rel>`` for each rel in place (``__pycache__`` beside each file); return the rels
    that compiled. A file that does not compile for this version (a Python 2 leftover, a template) is
    simply left without bytecode, as pip does."""
    todo = [rel for rel in rels if rel.endswith(".py")]
    if not todo:
        return set()
    listing = "".join(f"{root / rel}\n" for rel in todo)
    subprocess.run(
        [
            interpreter.path,
            "-I",
            "-m",
            "compileall",
            "-q",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(root),
            "-i",
            "-",
        ],
        input=listing,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    return {rel for rel in todo if (root / interpreter.pyc_rel(rel)).is_file()}
