"""Generated projects for a covering set of answer combinations pass their own tests, offline.

Every combination of targets, provider, auth, memory, guardrails and telemetry is far too many projects
(15 target sets x 6 providers x 3 x 4 x 3 x 3). Instead each value of every question appears at least once,
each target alone and all together, and the pairs that interact in code are covered:

| combination    | targets                           | provider  | auth | memory    | guardrails | telemetry |
| -------------- | --------------------------------- | --------- | ---- | --------- | ---------- | --------- |
| everything     | agentcore, lambda, fastapi, local | offline   | jwt  | file      | local      | otlp      |
| agentcore-iam  | agentcore                         | bedrock   | iam  | agentcore | bedrock    | console   |
| lambda-iam-s3  | lambda                            | anthropic | iam  | s3        | bedrock    | none      |
| fastapi-jwt    | fastapi                           | openai    | jwt  | none      | local      | console   |
| local-plain    | local                             | ollama    | none | none      | none       | none      |
| lambda-jwt-acm | lambda                            | litellm   | jwt  | agentcore | none       | otlp      |
| iam-mixed      | agentcore, lambda, local          | offline   | iam  | file      | local      | none      |
| servers-s3     | agentcore, fastapi                | bedrock   | none | s3        | local      | console   |

Pairs that interact: jwt with every server target (everything; fastapi-jwt and lambda-jwt-acm alone), iam
with lambda (lambda-iam-s3, iam-mixed) and with agentcore (agentcore-iam, iam-mixed), s3 memory and
AgentCore memory with lambda (lambda-iam-s3, lambda-jwt-acm), bedrock guardrails on a non-bedrock provider
(lambda-iam-s3: the ApplyGuardrail path) and on bedrock (agentcore-iam: inside Converse), otlp telemetry
with agentcore (everything). ``everything`` also uses the longest project name, so every optional file is
checked against the line-length limit.

Each project is rendered with copier, checked for unrendered template syntax, linted with ruff, and its own
suite is run with ``python -m pytest`` in a subprocess (the suites run concurrently, one process each, with
their own temporary directories). The environment is set hostile (production wiring, a Bedrock model): the
project's ``conftest.py`` must still make every test offline.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tests.test_template import (
    JWT_ANSWERS,
    LONG_NAME,
    TEMPLATE,
    expected_files,
    project_files,
    vendored_files,
)

ALL_TARGETS = ["agentcore", "lambda", "fastapi", "local"]

COMBINATIONS: dict[str, dict[str, Any]] = {
    "everything": {
        "project_name": LONG_NAME,
        "targets": ALL_TARGETS,
        "model_provider": "offline",
        **JWT_ANSWERS,
        "jwt_allowed_scopes": "agent/invoke",
        "memory": "file",
        "guardrails": "local",
        "telemetry": "otlp",
    },
    "agentcore-iam": {
        "targets": ["agentcore"],
        "model_provider": "bedrock",
        "auth": "iam",
        "memory": "agentcore",
        "memory_id": "agent_memory-AbCdEf1234",
        "guardrails": "bedrock",
        "guardrail_id": "gr-0123456789",
        "telemetry": "console",
    },
    "lambda-iam-s3": {
        "targets": ["lambda"],
        "model_provider": "anthropic",
        "auth": "iam",
        "memory": "s3",
        "session_bucket": "my-agent-sessions",
        "guardrails": "bedrock",
        "guardrail_id": "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-0123456789",
        "telemetry": "none",
    },
    "fastapi-jwt": {
        "targets": ["fastapi"],
        "model_provider": "openai",
        "auth": "jwt",
        "jwt_discovery_url": "http://127.0.0.1:9000/.well-known/openid-configuration",
        "jwt_allowed_audiences": "api://agent",
        "memory": "none",
        "guardrails": "local",
        "telemetry": "console",
    },
    "local-plain": {
        "targets": ["local"],
        "model_provider": "ollama",
        "auth": "none",
        "memory": "none",
        "guardrails": "none",
        "telemetry": "none",
    },
    "lambda-jwt-acm": {
        "targets": ["lambda"],
        "model_provider": "litellm",
        **JWT_ANSWERS,
        "memory": "agentcore",
        "memory_id": "",  # set at deploy time with AGENT_MEMORY_ID
        "guardrails": "none",
        "telemetry": "otlp",
    },
    "iam-mixed": {
        "targets": ["agentcore", "lambda", "local"],
        "model_provider": "offline",
        "auth": "iam",
        "memory": "file",
        "guardrails": "local",
        "telemetry": "none",
    },
    "servers-s3": {
        "targets": ["agentcore", "fastapi"],
        "model_provider": "bedrock",
        "auth": "none",
        "memory": "s3",
        "session_bucket": "",  # set at deploy time with AGENT_SESSION_BUCKET
        "guardrails": "local",
        "telemetry": "console",
    },
}

# What the suites run under: production wiring and a real provider. conftest.py must override all of it.
HOSTILE_ENV = {
    "AGENT_MODEL_PROVIDER": "bedrock",
    "AGENT_AUTH": "iam",
    "AGENT_MEMORY": "s3",
    "AGENT_GUARDRAILS": "bedrock",
    "AGENT_TELEMETRY": "otlp",
    "AGENT_LOG_PROMPTS": "true",
}
UNRENDERED = ("{{", "}}", "{%", "%}", "{#", "#}", "[%", "%]")
FEATURES = ("auth", "memory", "guardrails", "telemetry")
SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+.*) in [\d.]+s", re.M)


def test_the_combinations_cover_every_answer_and_the_interacting_pairs() -> None:
    """The table above is a covering set: every value, every target alone and together, and the pairs."""
    questions = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    combos = list(COMBINATIONS.values())
    for question in ("model_provider", *FEATURES):
        assert {c[question] for c in combos} == set(questions[question]["choices"].values()), question
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


class Project:
    """A rendered combination and, once started, its own test suite running in a subprocess."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.suite: Future[subprocess.CompletedProcess[str]] | None = None


def run_suite(project: Path, temp_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **HOSTILE_ENV, "PYTHONPATH": str(project), "PYTEST_DEBUG_TEMPROOT": str(temp_root)}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Project]]:
    """Every combination rendered, with its suite started at once in a worker thread (a few at a time)."""
    rendered: dict[str, Project] = {}
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        for name, data in COMBINATIONS.items():
            root = tmp_path_factory.mktemp(name)
            path = root / "project"
            copier.run_copy(str(TEMPLATE), str(path), data=data, defaults=True, unsafe=False, quiet=True)
            (root / "tmp").mkdir()
            project = rendered[name] = Project(name, path)
            project.suite = pool.submit(run_suite, path, root / "tmp")
        yield rendered


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_renders_the_answers_without_template_leftovers(projects: dict[str, Project], name: str) -> None:
    project = projects[name].path
    recorded = answers(project)

    for question in ("model_provider", *FEATURES):
        assert recorded[question] == COMBINATIONS[name][question]
    assert project_files(project) == expected_files(recorded) | vendored_files()
    for path in sorted(project.rglob("*")):
        if not path.is_file() or "runtime_adapters" in path.parts or path.name == ".copier-answers.yml":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in UNRENDERED:
            assert marker not in text, f"{path.relative_to(project)} contains {marker!r}"


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_the_answers_become_runtime_defaults_and_readme(projects: dict[str, Project], name: str) -> None:
    project = projects[name].path
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
def test_dependencies_follow_the_features(projects: dict[str, Project], name: str) -> None:
    recorded = answers(projects[name].path)
    pyproject = tomllib.loads((projects[name].path / "pyproject.toml").read_text(encoding="utf-8"))
    names = {re.split(r"[\[<>=]", dep)[0] for dep in pyproject["project"]["dependencies"]}

    assert ("PyJWT" in names) == (recorded["auth"] == "jwt")
    assert ("bedrock-agentcore" in names) == (
        "agentcore" in recorded["targets"] or recorded["memory"] == "agentcore"
    )
    assert ("opentelemetry-exporter-otlp-proto-http" in names) == (recorded["telemetry"] == "otlp")
    assert pyproject["project"]["optional-dependencies"]["test"] == ["pytest>=8", "httpx>=0.27"]


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_ruff_passes(projects: dict[str, Project], name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=projects[name].path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_own_test_suite_passes_offline(projects: dict[str, Project], name: str) -> None:
    suite = projects[name].suite
    assert suite is not None
    result = suite.result()
    output = result.stdout[-6000:] + result.stderr[-3000:]

    assert result.returncode == 0, output
    summary = SUMMARY.search(result.stdout)
    assert summary, output
    counts = {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", summary["counts"])}
    assert counts.pop("passed", 0) > 0, output
    counts.pop("warning", None)
    counts.pop("warnings", None)
    assert counts == {}, f"not only passes: {summary['counts']}\n{output}"
