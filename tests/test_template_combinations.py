"""Generated projects for a covering set of answer combinations pass their own tests, offline.

This is ``scaffold template validate builtin`` run as a test (so CI runs it without a second render of the
same projects), plus checks that only the built-in template can make. The covering set and why it covers
every answer and the pairs that interact are in ``scaffold/lifecycle/combinations.py``; the checks - render,
no unrendered template syntax, ruff, the project's own suite in a subprocess under a hostile environment
(production wiring, a Bedrock model: ``conftest.py`` must still make every test offline) - are in
``scaffold/lifecycle/validate.py``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from scaffold.lifecycle.combinations import ALL_TARGETS, COMBINATIONS, FEATURES, covering_set, uncovered
from scaffold.lifecycle.validate import CaseResult, validate
from scaffold.lifecycle.validation_source import questions_of
from tests.test_template import TEMPLATE, expected_files, project_files


def test_the_combinations_cover_every_answer_and_the_interacting_pairs() -> None:
    """The table is a covering set: every value, every target alone and together, and the pairs."""
    questions = questions_of(TEMPLATE)
    assert covering_set(questions) == COMBINATIONS  # nothing uncovered for validate to add
    assert uncovered(COMBINATIONS, questions) == []
    combos = list(COMBINATIONS.values())
    target_sets = [c["targets"] for c in combos]
    for target in ALL_TARGETS:
        assert [target] in target_sets
    assert ALL_TARGETS in target_sets

    def some(*, targets: tuple[str, ...] = (), **wanted: str) -> bool:
        return any(
            set(targets) <= set(c["targets"]) and all(c[key] == value for key, value in wanted.items())
            for c in combos
        )

    for target in ("agentcore", "fastapi", "lambda"):
        assert some(auth="jwt", targets=(target,))
    assert some(auth="iam", targets=("lambda",)) and some(auth="iam", targets=("agentcore",))
    assert some(memory="s3", targets=("lambda",)) and some(memory="agentcore", targets=("lambda",))
    assert some(guardrails="bedrock", model_provider="bedrock")
    assert any(c["guardrails"] == "bedrock" and c["model_provider"] != "bedrock" for c in combos)
    assert some(telemetry="otlp", targets=("agentcore",))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CaseResult]]:
    """``scaffold template validate builtin``'s engine: every combination rendered, linted and tested."""
    work = tmp_path_factory.mktemp("combinations")
    yield {result.name: result for result in validate(str(TEMPLATE), None, COMBINATIONS, workdir=work)}


@pytest.fixture(scope="module")
def projects(results: dict[str, CaseResult]) -> dict[str, Path]:
    for result in results.values():
        assert result.render.ok, f"{result.name}: {result.render.detail}"
    return {name: result.path for name, result in results.items()}


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_renders_the_answers_without_template_leftovers(
    results: dict[str, CaseResult], projects: dict[str, Path], name: str
) -> None:
    project = projects[name]
    recorded = answers(project)

    for question in ("model_provider", *FEATURES):
        assert recorded[question] == COMBINATIONS[name][question]
    assert project_files(project) == expected_files(recorded)
    assert results[name].leftovers.ok, results[name].leftovers.detail


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_the_answers_become_runtime_defaults_and_readme(projects: dict[str, Path], name: str) -> None:
    project = projects[name]
    recorded = answers(project)
    pkg = str(recorded["project_name"]).replace("-", "_")
    tree = ast.parse((project / pkg / "settings.py").read_text(encoding="utf-8"))
    defaults = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "RUNTIME_DEFAULTS"
        and node.value is not None
    )
    readme = (project / "README.md").read_text(encoding="utf-8")

    for question in FEATURES:
        assert defaults[question] == recorded[question]
        assert f"| {question} | `{recorded[question]}` |" in readme
    assert "## Production wiring" in readme


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_dependencies_follow_the_features(projects: dict[str, Path], name: str) -> None:
    recorded = answers(projects[name])
    pyproject = tomllib.loads((projects[name] / "pyproject.toml").read_text(encoding="utf-8"))
    [runtime] = [d for d in pyproject["project"]["dependencies"] if d.startswith("agent-scaffold-runtime")]
    match = re.match(r"agent-scaffold-runtime(?:\[([a-z0-9,-]+)\])?>=", runtime)
    assert match, runtime
    extras = set((match.group(1) or "").split(",")) - {""}

    # The answers choose the runtime's extras (which bring the SDKs), not packages by hand.
    assert ("jwt" in extras) == (recorded["auth"] == "jwt")
    assert ("agentcore" in extras) == ("agentcore" in recorded["targets"])
    streaming = "lambda" in recorded["targets"] and bool(recorded.get("lambda_streaming"))
    assert ("fastapi" in extras) == ("fastapi" in recorded["targets"] or streaming)
    assert ("memory-agentcore" in extras) == (recorded["memory"] == "agentcore")
    assert ("otlp" in extras) == (recorded["telemetry"] == "otlp")
    # Strands, the runtime, and typing-extensions (agent.py types its options with Unpack)
    assert len(pyproject["project"]["dependencies"]) == 3
    assert "typing-extensions>=4.13" in pyproject["project"]["dependencies"]
    assert pyproject["project"]["optional-dependencies"]["test"] == [
        "pytest>=8",
        "httpx>=0.27",
        "agent-scaffold-runtime[evals]>=0.2.0,<0.3",
        "ruff>=0.6",
    ]


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_ruff_passes(results: dict[str, CaseResult], name: str) -> None:
    assert results[name].ruff.ok, results[name].ruff.detail


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_own_test_suite_passes_offline(results: dict[str, CaseResult], name: str) -> None:
    result = results[name]

    assert result.tests.ok, result.tests.detail
    counts = dict(result.counts)
    assert counts.pop("passed", 0) > 0, result.tests.detail
    counts.pop("warning", None)
    counts.pop("warnings", None)
    assert counts == {}, f"not only passes: {result.tests.detail}"
