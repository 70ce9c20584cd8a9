"""A generated project installs in a fresh virtual environment exactly as its README says, and its tests pass.

The command is read out of the generated README, not restated here, so the README cannot drift from what
works. This needs the package registry (it installs Strands and friends), hence the ``slow`` marker.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from tests.project.conftest import TEMPLATE


def readme_command(readme: str, heading: str) -> str:
    section = readme.split(f"## {heading}", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match, f"no sh block under '## {heading}'"
    return match.group(1).strip()


@pytest.mark.slow
def test_generated_project_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    project = tmp_path / "fresh-agent"
    copier.run_copy(str(TEMPLATE), project, data={"project_name": "fresh-agent"}, defaults=True, quiet=True)
    command = readme_command((project / "README.md").read_text(), "Install and test")
    assert "venv" in command and "pytest" in command
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # `python` is a 3.10+ here
    result = subprocess.run(
        ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "skipped" not in summary, summary
    # The fresh environment really is separate: the project's vendored runtime library was the one imported.
    probe = subprocess.run(
        [
            str(project / ".venv" / "bin" / "python"),
            "-c",
            "import agent_scaffold_runtime, sys; print(agent_scaffold_runtime.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(project)
