"""Each agent sample is a generated project: its README records the ``scaffold new`` command that made it,
and that command, run again, gives the same answers. The travel desk the MCP server serves and the travel
assistant's tools wrap is one library, ``samples/travel-desk``, that both depend on (no copy of it in
either), and every sample passes the project's own lint settings.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

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

from .support import LIBRARIES, NAMES, SAMPLES, code_blocks, readme_section, sample_env

PACKAGES = {name: name.replace("-", "_") for name in NAMES}


def pyproject(project: Path) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text())


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
    metadata = pyproject(project)["project"]
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


def test_the_travel_desk_is_one_library_both_samples_depend_on() -> None:
    desk = SAMPLES / "travel-desk"
    assert LIBRARIES == {"travel-desk": ("travel-assistant", "mcp-server")}
    # a plain library, not a generated project, with nothing to pull into the MCP server's Lambda zip
    assert not (desk / ".copier-answers.yml").exists()
    assert pyproject(desk)["project"]["dependencies"] == []
    assert pyproject(desk)["build-system"]["build-backend"] == "hatchling.build"  # what packaging builds

    for name in LIBRARIES["travel-desk"]:
        project = SAMPLES / name
        requirements = [Requirement(line) for line in pyproject(project)["project"]["dependencies"]]
        [dependency] = [req for req in requirements if req.name == "travel-desk"]
        assert dependency.url == "{root:parent:uri}/travel-desk", name  # the directory beside the sample
        assert pyproject(project)["tool"]["hatch"]["metadata"]["allow-direct-references"] is True
        assert "../travel-desk" in pyproject(project)["tool"]["pytest"]["ini_options"]["pythonpath"]
        # no copy left behind
        assert not (project / PACKAGES[name] / "travel.py").exists()
        assert not list(project.rglob("policy.json")), name
    # one travel desk in all the samples
    defined = [path for path in SAMPLES.rglob("*.py") if "class TravelDesk" in path.read_text()]
    assert defined == [desk / "travel_desk" / "__init__.py"]


def test_both_samples_import_the_one_travel_desk() -> None:
    script = (
        "import json, sys, travel_desk, mcp_server.server, mcp_server.settings, travel_assistant.tools, "
        "travel_assistant.settings\n"
        "print(json.dumps([travel_desk.__file__,"
        " mcp_server.server.TravelDesk is travel_assistant.tools.TravelDesk,"
        " mcp_server.settings.bookings_dir_from_env is travel_assistant.settings.bookings_dir_from_env]))"
    )
    env = sample_env(SAMPLES / "mcp-server", SAMPLES / "travel-assistant")
    ran = run_ok([sys.executable, "-c", script], cwd=SAMPLES, env=env)

    where, same_desk, same_settings = json.loads(ran.stdout)
    assert Path(where) == SAMPLES / "travel-desk" / "travel_desk" / "__init__.py"
    assert same_desk and same_settings


@pytest.mark.parametrize("name", [*NAMES, *LIBRARIES])
def test_the_sample_passes_its_lint_settings(name: str) -> None:
    for command in (["check"], ["format", "--check"]):
        run_ok([sys.executable, "-m", "ruff", *command, "--no-cache", "."], cwd=SAMPLES / name)
