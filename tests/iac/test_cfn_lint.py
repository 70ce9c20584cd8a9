"""Every exported template passes cfn-lint with zero findings: errors, warnings and informational ones.

No rule is suppressed, in the templates or here. The linter runs on the JSON text ``export`` writes, so
what is checked is exactly what a pipeline would deploy, in the Regions the answer sets point at.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.iac.cloudformation import BUILDERS, export

from .support import ANSWER_SETS, artifact_for, exportable, make_project

LINT_REGIONS = ["us-east-1", "eu-west-1"]
PAIRS = [(target, name) for target in sorted(BUILDERS) for name in ANSWER_SETS if exportable(target, name)]
CASES = [pytest.param(target, name, id=f"{target}-{name}") for target, name in PAIRS]


def _findings(path: Path) -> list[str]:
    matches = lint(
        path.read_text(encoding="utf-8"), config=ManualArgs(regions=LINT_REGIONS, include_checks=["I"])
    )
    return [f"{match.rule.id} {match.message} (line {match.linenumber})" for match in matches]


@pytest.mark.parametrize(("target", "answer_set"), CASES)
def test_exported_template_passes_cfn_lint(target: str, answer_set: str, tmp_path: Path) -> None:
    written = export(make_project(ANSWER_SETS[answer_set]), target, tmp_path, artifact_for(target))
    template = tmp_path / f"demo-agent-{target}.template.json"
    assert template in written
    assert _findings(template) == []


def test_x86_64_lambda_and_fastapi_templates_pass_cfn_lint(tmp_path: Path) -> None:
    for target in ("lambda", "fastapi"):
        export(make_project(), target, tmp_path, artifact_for(target, arch="x86_64", python_version="3.13"))
        assert _findings(tmp_path / f"demo-agent-{target}.template.json") == []


def _cfn_lint_command() -> list[str]:
    executable = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    assert executable, "cfn-lint is a test dependency: pip install -e '.[test]'"
    return [executable]


def test_the_cfn_lint_command_accepts_every_export(tmp_path: Path) -> None:
    """The command line a pipeline runs, on all templates at once: exit code 0 and no output."""
    for target, name in PAIRS:
        export(make_project(ANSWER_SETS[name]), target, tmp_path / name, artifact_for(target))
    templates = sorted(str(path) for path in tmp_path.glob("*/*.template.json"))
    assert len(templates) == len(PAIRS)
    result = subprocess.run(
        [*_cfn_lint_command(), "--include-checks", "I", "--", *templates],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
