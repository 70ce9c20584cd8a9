"""Every lifecycle command explains itself with examples, and the group lists them."""

from __future__ import annotations

import pytest

from .helpers import scaffold

COMMANDS = [
    ["target"],
    ["target", "list"],
    ["target", "add"],
    ["target", "remove"],
    ["configure"],
    ["update"],
    ["check-update"],
    ["template"],
    ["template", "validate"],
    ["template", "compose"],
    ["template", "versions"],
    ["template", "import"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_examples(command):
    result = scaffold(*command, "--help")

    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"scaffold {' '.join(command)}" in result.stdout


def test_the_group_lists_the_lifecycle_commands():
    listed = scaffold("--help").stdout

    for name in ("target", "configure", "update", "check-update", "template"):
        assert f"  {name} " in listed
