"""The README's quickstart is exactly two commands, and the first one works as written on a fresh tree.

The second command is the one `.ci/run` executes, so CI proves it; running it here would recurse.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pip_env import PIP_TEST_ENV
from tests.support.processes import run_ok

ROOT = Path(__file__).parent.parent


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.+?)\n```", section, re.S)]


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def copy_worktree(destination: Path) -> None:
    """Copy what a clone would hold (tracked and new, not ignored files), symlinks kept as symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, destination / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


@pytest.mark.slow
def test_first_quickstart_command_creates_and_runs_a_project(tmp_path: Path) -> None:
    tree = tmp_path / "agent-scaffold"
    copy_worktree(tree)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("AGENT_")
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.update(PIP_TEST_ENV)
    result = run_ok(["bash", "-c", quickstart_commands()[0]], cwd=tree, env=env, timeout=1200)
    assert result.stdout.strip().endswith("The calculator tool returned: 42")
    assert (tree / "my-agent" / "my_agent" / "agent.py").is_file()
