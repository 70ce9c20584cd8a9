"""The command group: version, help that teaches, low import cost, and `new` speed next to plain copier."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scaffold import __version__


def test_version(cli_subprocess, tmp_path):
    result = cli_subprocess(["--version"], cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout == f"scaffold, version {__version__}\n"


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


def test_commands_are_imported_when_used_so_new_does_not_pay_for_deploy():
    code = (
        "import sys; from click import Context; from scaffold.cli import cli; "
        "before = 'scaffold.commands.new' in sys.modules; cli.get_command(Context(cli), 'new'); "
        "print(before, 'scaffold.commands.new' in sys.modules, 'scaffold.commands.deploy' in sys.modules, "
        "'pydantic' in sys.modules, cli.get_command(Context(cli), 'deploy').name)"
    )

    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert printed.split() == ["False", "True", "False", "False", "deploy"]


def test_every_listed_command_loads_under_its_own_name(cli_in_process):
    from click import Context

    from scaffold.cli import cli

    names = cli.list_commands(Context(cli))
    assert names[:4] == ["new", "run", "serve", "dev"]
    assert [cli.get_command(Context(cli), name).name for name in names] == names
