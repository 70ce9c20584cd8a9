"""Eval sets and the locustfile are for developers: a deployment artifact leaves them out, like tests/."""

from __future__ import annotations

from pathlib import Path

from scaffold.packaging.selection import select_files


def test_the_artifact_selection_leaves_evals_and_load_tests_out(eval_project: Path) -> None:
    selected = {file.rel for file in select_files(eval_project).files}

    assert (eval_project / "evals" / "smoke.yaml").is_file()
    assert "eval_agent/agent.py" in selected
    assert not [path for path in selected if path.startswith(("evals/", "tests/"))]
