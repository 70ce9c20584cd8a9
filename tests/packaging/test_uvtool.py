"""How packaging runs uv: the environment it gives it, and the one line a failure becomes.

``SCAFFOLD_UV`` names the uv to run; here a small script stands in for it, which prints the environment uv
would see, or fails the way uv does (its explanation on stderr, a non-zero exit).
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scaffold.packaging.errors import PackagingError, ToolMissing
from scaffold.packaging.uvtool import UV_ENV, run_uv


def fake_uv(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "uv"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_uv_never_downloads_a_python_for_the_target_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolving for Python 3.12 on a machine without it must not fetch a managed CPython first."""
    monkeypatch.setenv(UV_ENV, str(fake_uv(tmp_path, 'echo "$UV_PYTHON_DOWNLOADS $UV_NO_PROGRESS"')))
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS", raising=False)

    assert run_uv(["pip", "compile"], what="Resolving").split() == ["never", "1"]


def test_a_users_own_uv_settings_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UV_ENV, str(fake_uv(tmp_path, 'echo "$UV_PYTHON_DOWNLOADS"')))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "automatic")

    assert run_uv(["pip", "compile"], what="Resolving").strip() == "automatic"


def test_a_failure_is_one_error_with_the_end_of_uvs_explanation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = 'echo "  x No solution found" >&2; echo "  because nope==9 was not found" >&2; exit 1'
    monkeypatch.setenv(UV_ENV, str(fake_uv(tmp_path, body)))

    with pytest.raises(PackagingError) as raised:
        run_uv(["pip", "compile"], what="Resolving the dependencies")

    assert str(raised.value) == (
        "Resolving the dependencies failed (uv exit code 1): "
        "x No solution found because nope==9 was not found"
    )


def test_a_uv_that_cannot_run_is_a_missing_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UV_ENV, str(tmp_path / "no-such-uv"))

    with pytest.raises(ToolMissing, match=r"Could not run uv at .*no-such-uv"):
        run_uv(["pip", "compile"], what="Resolving")
