"""The command group: version, help that teaches, low import cost, and `new` speed next to plain copier."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scaffold


def test_version(cli_subprocess, tmp_path):
    result = cli_subprocess(["--version"], cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout == "scaffold, version 0.1.0\n"


@pytest.mark.parametrize("command", ["new", "run", "serve", "invoke"])
def test_every_command_has_examples_in_its_help(cli_in_process, command):
    result = cli_in_process([command, "--help"])

    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"scaffold {command}" in result.stdout


def test_group_help_lists_commands_in_workflow_order(cli_in_process):
    result = cli_in_process(["--help"])

    positions = [result.stdout.index(f"  {command} ") for command in ("new", "run", "serve", "invoke")]
    assert positions == sorted(positions)
    assert "Exit codes:" in result.stdout


def test_importing_the_cli_does_not_import_copier_or_httpx():
    code = "import sys, scaffold.cli; print([m for m in ('copier', 'httpx', 'yaml') if m in sys.modules])"

    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert imported.strip() == "[]"


@pytest.mark.slow
def test_new_is_about_as_fast_as_plain_copier(scaffold_executable, tmp_path):
    """Perf target: ``scaffold new --defaults`` <= 1.3x ``copier copy --defaults`` and under 1 s (medians)."""
    template = Path(scaffold.__file__).resolve().parent.parent / "templates" / "agent"
    copier = str(Path(sys.executable).parent / "copier")
    scaffold_times, copier_times = [], []
    for index in range(5):
        started = time.perf_counter()
        subprocess.run(
            [*scaffold_executable, "new", f"s{index}", "--defaults"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        scaffold_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(
            [
                copier,
                "copy",
                "--defaults",
                "--quiet",
                "-d",
                f"project_name=c{index}",
                str(template),
                f"c{index}",
            ],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        copier_times.append(time.perf_counter() - started)

    scaffold_s, copier_s = statistics.median(scaffold_times), statistics.median(copier_times)
    assert scaffold_s < 1.0, scaffold_times
    assert scaffold_s <= 1.3 * copier_s, (scaffold_times, copier_times)
