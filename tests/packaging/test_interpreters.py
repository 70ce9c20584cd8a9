"""Which interpreter precompiles bytecode for a target's Python: found on PATH, in pyenv, or uv's own.

pyenv's shims on PATH answer only for the versions a shell has selected, so its installed versions are
looked up in ``$PYENV_ROOT/versions``; a binary that turns out to be another version is never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffold.packaging.bytecode import find_interpreter, pyenv_interpreters
from scaffold.packaging.uvtool import UV_ENV


@pytest.fixture
def fresh_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A pyenv root of our own, nothing on PATH, no uv: only what the test puts there is found."""
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv(UV_ENV, str(tmp_path / "no-uv"))
    find_interpreter.cache_clear()
    yield tmp_path / "pyenv" / "versions"
    find_interpreter.cache_clear()


def install(versions: Path, name: str, binary: str, reports: str = "") -> Path:
    """A ``bin/<binary>`` in pyenv's ``versions/<name>``; with ``reports``, a stand-in that answers the
    probe (version, cache tag, ``sys.version``) as an interpreter of that version would."""
    path = versions / name / "bin" / binary
    path.parent.mkdir(parents=True)
    minor = ".".join(reports.split(".")[:2])
    path.write_text(
        f"#!/bin/sh\necho {minor}; echo cpython-{minor.replace('.', '')}; echo '{reports} (stand-in)'\n"
    )
    path.chmod(0o755)
    return path


def test_pyenv_versions_are_offered_newest_patch_first(fresh_lookup: Path) -> None:
    for name in ("3.12.1", "3.12.10", "3.12.9"):
        install(fresh_lookup, name, "python3.12")
    install(fresh_lookup, "3.12-dev", "python3.12")  # not a release
    install(fresh_lookup, "3.1.5", "python3.1")  # another version whose name starts alike
    install(fresh_lookup, "3.13.0", "python3.13")

    assert [Path(p).parts[-3] for p in pyenv_interpreters("3.12")] == ["3.12.10", "3.12.9", "3.12.1"]
    assert list(pyenv_interpreters("3.11")) == []


def test_an_installed_pyenv_version_precompiles_though_its_shim_is_not_selected(fresh_lookup: Path) -> None:
    binary = install(fresh_lookup, "3.98.2", "python3.98", reports="3.98.2")

    found = find_interpreter("3.98")

    assert found is not None
    assert (found.path, found.cache_tag) == (str(binary), "cpython-398")
    assert found.pyc_rel("pkg/mod.py") == "pkg/__pycache__/mod.cpython-398.pyc"


def test_a_binary_that_is_another_version_is_not_used(fresh_lookup: Path) -> None:
    """A ``python3.99`` that is really a 3.11 would write bytecode no 3.99 runtime loads."""
    install(fresh_lookup, "3.99.0", "python3.99", reports="3.11.7")

    assert find_interpreter("3.99") is None
