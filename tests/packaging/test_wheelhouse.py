"""The toolkit provides its runtime library as a wheel: built once into the cache, reproducibly, offline.

``scaffold runtime wheelhouse`` is what a person passes to ``pip --find-links``; the packaging tests show
the zip and the container context installing from it.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scaffold import __version__
from scaffold.cli import cli
from scaffold.packaging import wheelhouse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUNTIME_PYPROJECT = Path(__file__).resolve().parents[2] / "runtime_adapters" / "pyproject.toml"
WHEEL = f"agent_scaffold_runtime-{__version__}-py3-none-any.whl"


def test_the_command_prints_the_directory_holding_the_wheel(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))

    plain = CliRunner().invoke(cli, ["runtime", "wheelhouse"])
    as_json = CliRunner().invoke(cli, ["runtime", "wheelhouse", "--json"])

    assert plain.exit_code == 0 and as_json.exit_code == 0, plain.output + as_json.output
    directory = Path(plain.stdout.strip())
    assert directory == tmp_path / "cache" / "wheelhouse"
    assert (directory / WHEEL).is_file()
    described = json.loads(as_json.stdout)
    assert described["wheel"] == str(directory / WHEEL) and described["version"] == __version__
    assert described["built_now"] is False  # the first call built it; the second reused it
    with zipfile.ZipFile(directory / WHEEL) as wheel:
        names = wheel.namelist()
    assert "agent_scaffold_runtime/core.py" in names
    assert f"agent_scaffold_runtime-{__version__}.dist-info/METADATA" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    hashes = []
    for machine in ("a", "b"):
        monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / machine))
        built = wheelhouse.ensure_runtime_wheel()
        assert built.built_now
        hashes.append(built.sha256)

    assert hashes[0] == hashes[1]


def test_a_changed_installed_copy_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    first = wheelhouse.ensure_runtime_wheel()
    original = wheelhouse._source_digest
    monkeypatch.setattr(wheelhouse, "_source_digest", lambda *args: original(*args) + "-edited")

    again = wheelhouse.ensure_runtime_wheel()

    assert again.built_now and again.path == first.path


@pytest.mark.parametrize("field", ["dependencies", "optional-dependencies"])
def test_an_installed_copy_without_its_checkout_gets_the_same_requirements(field):
    """A non-editable install has no pyproject.toml next to the package: one is written from METADATA."""
    written = tomllib.loads(wheelhouse._pyproject_from_metadata(__version__))["project"]
    source = tomllib.loads(RUNTIME_PYPROJECT.read_text())["project"]

    def normal(requirements: list[str]) -> list[str]:
        return sorted(requirement.lower().replace(" ", "") for requirement in requirements)

    if field == "dependencies":
        assert normal(written[field]) == normal(source[field])
    else:
        assert {k: normal(v) for k, v in written[field].items()} == {
            k: normal(v) for k, v in source[field].items()
        }
    assert written["name"] == "agent-scaffold-runtime" and written["version"] == __version__
