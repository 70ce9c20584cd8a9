"""A generated project installs in a fresh virtual environment exactly as its README says, and its tests pass.

The command is read out of the generated README, not restated here, so the README cannot drift from what
works. The runtime library is on no package index this machine reaches: the README's toolkit-provided
command (``--find-links "$(scaffold runtime wheelhouse)"``) is what installs it, from a wheelhouse in a cache
of this test's own. This needs the package registry (it installs Strands and friends), hence ``slow``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from scaffold import __version__
from tests.project.conftest import TEMPLATE
from tests.support.pip_env import PIP_TEST_ENV
from tests.support.processes import run_ok

PRODUCTION = {  # every production answer switched on that installs offline-testable SDKs
    "auth": "jwt",
    "jwt_discovery_url": "https://issuer.example.com/.well-known/openid-configuration",
    "jwt_allowed_clients": "app-client",
    "memory": "agentcore",
    "memory_id": "mem-1",
    "guardrails": "local",
    "telemetry": "otlp",
}


def readme_commands(readme: str, heading: str) -> list[str]:
    section = readme.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    commands = [match.strip() for match in re.findall(r"```sh\n(.+?)\n```", section, re.S)]
    assert commands, f"no sh block under '## {heading}'"
    return commands


@pytest.mark.slow
@pytest.mark.parametrize("answers", [{}, PRODUCTION], ids=["defaults", "production"])
def test_generated_project_installs_and_passes_its_own_tests(tmp_path: Path, answers: dict[str, str]) -> None:
    project = tmp_path / "fresh-agent"
    data = {"project_name": "fresh-agent", **answers}
    copier.run_copy(str(TEMPLATE), project, data=data, defaults=True, quiet=True)
    assert not (project / "runtime_adapters").exists()
    plain, provided = readme_commands((project / "README.md").read_text(), "Install and test")
    assert "pip install -e '.[test]'" in plain
    command = provided
    assert "venv" in command and "pytest" in command and '"$(scaffold runtime wheelhouse)"' in command
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SCAFFOLD_CACHE_DIR"] = str(tmp_path / "scaffold-cache")  # the wheel is built for this test
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # `python` is a 3.10+ here
    env.update(PIP_TEST_ENV)
    result = subprocess.run(
        ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=1200
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary and "skipped" not in summary, summary
    # The fresh environment really is separate: the runtime was installed into it, from the wheelhouse.
    probe = run_ok(
        [
            str(project / ".venv" / "bin" / "python"),
            "-c",
            "import agent_scaffold_runtime, importlib.metadata as m; print(agent_scaffold_runtime.__file__); "
            "print(m.version('agent-scaffold-runtime'))",
        ],
        cwd=tmp_path,
    )
    location, version = probe.stdout.strip().split("\n", 1)
    assert Path(location).is_relative_to(project / ".venv")
    assert version == __version__
    wheelhouse = tmp_path / "scaffold-cache" / "wheelhouse"
    assert (wheelhouse / f"agent_scaffold_runtime-{__version__}-py3-none-any.whl").is_file()
    # The runtime ships its types (py.typed): the owner's code type-checks against the installed distribution
    # at the 3.10 floor, including agent.py's **options: Unpack[RequestOptions].
    typed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--python-executable",
            str(project / ".venv" / "bin" / "python"),
            "--python-version",
            "3.10",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "fresh_agent",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr
