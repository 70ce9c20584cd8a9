"""Exit codes come from one table: each command documents exactly the codes declared for it, errors map to
codes through that table, and the CLI reports a scaffold error as one line with its code."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scaffold.cli import COMMANDS, cli
from scaffold.deploy.errors import DeployLocked, NoCredentials, NotDeployed, ResourceConflict, StateError
from scaffold.errors import BadInput, ExitCode, Interrupted, ScaffoldError, TemplateFailure, WaitTimeout
from scaffold.exit_codes import COMMAND_CODES, ERROR_CODES, MEANINGS, exit_code_for
from scaffold.packaging.errors import SizeLimitError, ToolMissing


def documented_codes(help_text: str) -> list[int]:
    section = help_text[help_text.index("Exit codes:") :].split(".\n")[0]
    return [int(code) for code in re.findall(r"(?:^|; |: )(\d+) ", " ".join(section.split()))]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_documents_exactly_its_declared_codes(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    assert documented_codes(result.output) == [int(code) for code in COMMAND_CODES[name]]
    assert result.output.count("Exit codes:") == 1


def test_every_command_declares_codes_and_every_declared_code_has_a_meaning() -> None:
    assert set(COMMAND_CODES) == set(cli.list_commands(click.Context(cli)))
    for codes in COMMAND_CODES.values():
        assert codes[0] is ExitCode.OK and set(codes) <= set(MEANINGS)


def test_commands_that_cannot_build_or_lock_do_not_document_those_codes() -> None:
    """The documentation bug this table fixed: invoke and status listed codes they never return."""
    for name in ("invoke", "status", "logs"):
        assert not {ExitCode.TOO_LARGE, ExitCode.TOOL_MISSING, ExitCode.LOCKED} & set(COMMAND_CODES[name])
    assert ExitCode.DRIFT in COMMAND_CODES["status"]
    assert ExitCode.DRIFT not in COMMAND_CODES["deploy"]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ScaffoldError("x"), ExitCode.FAILURE),
        (TemplateFailure("x"), ExitCode.FAILURE),
        (BadInput("x"), ExitCode.BAD_INPUT),
        (StateError("x"), ExitCode.BAD_INPUT),
        (SizeLimitError("zip", 2, 1, [("a", 2)]), ExitCode.TOO_LARGE),
        (ToolMissing("x"), ExitCode.TOOL_MISSING),
        (NotDeployed("x"), ExitCode.NOT_DEPLOYED),
        (DeployLocked("x"), ExitCode.LOCKED),
        (ResourceConflict("x"), ExitCode.CONFLICT),
        (NoCredentials("x"), ExitCode.CREDENTIALS),
        (WaitTimeout("x"), ExitCode.TIMEOUT),
        (Interrupted("x"), ExitCode.INTERRUPTED),
    ],
)
def test_errors_map_to_codes_through_the_one_table(error: ScaffoldError, code: ExitCode) -> None:
    assert exit_code_for(error) == code == error.exit_code
    assert isinstance(error, Exception) and not isinstance(error, click.ClickException)


def test_every_mapped_code_is_declared_by_some_command() -> None:
    declared = {code for codes in COMMAND_CODES.values() for code in codes}
    assert set(ERROR_CODES.values()) <= declared


def test_the_cli_reports_a_scaffold_error_as_one_line_with_its_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--project", str(tmp_path)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
