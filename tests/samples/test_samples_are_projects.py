"""Each sample is a generated project: its README records the ``scaffold new`` command that made it, and that
command, run again, gives the same answers. The travel desk the MCP server serves is the travel assistant's,
byte for byte, and every sample passes the project's own lint settings.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from scaffold.cli import cli
from tests.support.processes import run_ok

from .support import NAMES, SAMPLES, code_blocks, readme_section

PACKAGES = {name: name.replace("-", "_") for name in NAMES}


def recorded_command(name: str) -> list[str]:
    [command] = code_blocks(readme_section(name, "How it was made"), "text")
    words = shlex.split(command)
    assert words[:3] == ["scaffold", "new", name], command
    return words[1:]


def answers(project: Path) -> dict[str, object]:
    """The template answers a project was generated with (copier's own ``_`` keys left out: where the
    template came from and which version, which differ between checkouts)."""
    data = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {key: value for key, value in data.items() if not key.startswith("_")}


def runtime_requirements(project: Path) -> dict[str, list[list[str]]]:
    """The runtime library's extras each time the project's pyproject names it, by group (``dependencies``
    or the name of an optional extra)."""
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    groups = {"dependencies": metadata["dependencies"], **metadata.get("optional-dependencies", {})}
    found = {
        group: [sorted(req.extras) for req in map(Requirement, lines) if req.name == "agent-scaffold-runtime"]
        for group, lines in groups.items()
    }
    return {group: extras for group, extras in found.items() if extras}


@pytest.mark.parametrize("name", NAMES)
def test_the_recorded_command_generates_the_sample(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*recorded_command(name), "--output", str(tmp_path)])

    assert result.exit_code == 0, result.output
    generated = tmp_path / name
    assert answers(generated) == answers(SAMPLES / name)
    assert (generated / PACKAGES[name] / "entrypoints").is_dir()

    # Pure user code on the runtime library: no copy of it, in the sample or in what the command makes.
    for project in (generated, SAMPLES / name):
        assert not (project / "runtime_adapters").exists()
        assert not list(project.rglob("agent_scaffold_runtime"))
    # Once as a dependency (with the extras its targets need), and once more in the test extra for the evals.
    runtime = runtime_requirements(generated)
    assert sorted(runtime) == ["dependencies", "test"] and len(runtime["dependencies"]) == 1
    assert runtime["test"] == [["evals"]]


def test_the_mcp_server_serves_the_travel_assistants_travel_desk() -> None:
    ours = SAMPLES / "mcp-server" / "mcp_server"
    theirs = SAMPLES / "travel-assistant" / "travel_assistant"
    copies = ["travel.py", *(f"data/{path.name}" for path in sorted((theirs / "data").glob("*.json")))]

    assert sorted(path.name for path in (ours / "data").glob("*.json")) == sorted(
        path.name for path in (theirs / "data").glob("*.json")
    )
    for relative in copies:
        assert (ours / relative).read_bytes() == (theirs / relative).read_bytes(), relative


@pytest.mark.parametrize("name", NAMES)
def test_the_sample_passes_its_lint_settings(name: str) -> None:
    for command in (["check"], ["format", "--check"]):
        run_ok([sys.executable, "-m", "ruff", *command, "--no-cache", "."], cwd=SAMPLES / name)
