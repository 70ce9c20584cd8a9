"""The copier template in templates/agent: questions, rendered files, and the generated project's health.

Renders with copier's Python API (no CLI, no network). Renders are cached per answer set for the module, so
the whole file runs in seconds; the generated projects' own test suites run in a subprocess.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from agent_scaffold_runtime.models import DEFAULT_MODEL_IDS

from scaffold.lifecycle.validate import run_project_tests, run_ruff
from tests.support.processes import run_ok

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "agent"
RUNTIME_PYPROJECT = REPO / "runtime_adapters" / "pyproject.toml"
TOOLKIT_PYPROJECT = REPO / "pyproject.toml"
# The runtime range the template writes ("runtime ~ '>=0.2.0,<0.3'"): read, not repeated, so the lockstep test
# below checks the file itself.
RUNTIME_FLOOR, RUNTIME_CEILING = re.search(
    r"runtime ~ '>=([^,']+),<([^']+)'", (TEMPLATE / "template" / "pyproject.toml.jinja").read_text()
).groups()  # type: ignore[union-attr]
RUNTIME_EXTRAS = {  # (question, answer) -> the runtime extra that brings its SDK
    ("targets", "agentcore"): "agentcore",
    ("targets", "fastapi"): "fastapi",
    ("auth", "jwt"): "jwt",
    ("memory", "agentcore"): "memory-agentcore",
    ("telemetry", "otlp"): "otlp",
}

ALL_TARGETS = ["agentcore", "lambda", "fastapi", "local"]
TARGET_FILES = {
    "agentcore": ["{pkg}/entrypoints/agentcore_app.py", "tests/test_agentcore.py"],
    "lambda": ["{pkg}/entrypoints/lambda_handler.py", "tests/test_lambda.py"],
    "fastapi": ["{pkg}/entrypoints/http_app.py", "tests/test_http.py"],
    "local": ["{pkg}/entrypoints/local.py", "tests/test_local.py"],
}
COMMON_FILES = [
    ".copier-answers.yml",
    ".gitignore",
    "AGENTS.md",
    "README.md",
    "pyproject.toml",
    "{pkg}/__init__.py",
    "{pkg}/agent.py",
    "{pkg}/entrypoints/__init__.py",
    "{pkg}/settings.py",
    "{pkg}/tools.py",
    "tests/conftest.py",
    "tests/test_agent.py",
    "tests/test_tool_auth.py",
    # scaffold eval / loadtest: the eval sets, the test that runs them offline, the project's locustfile
    "evals/smoke.yaml",
    "evals/faults.yaml",
    "tests/test_evals.py",
    "tests/load/locustfile.py",
]
# Per-feature test files of the generated project: (question, answer) -> files.
PROTOCOL_FILES = {
    "mcp": ["{pkg}/entrypoints/mcp_server.py", "tests/test_mcp.py"],
    "a2a": ["{pkg}/entrypoints/a2a_server.py", "tests/test_a2a.py"],
    "agui": ["{pkg}/entrypoints/agui_app.py", "tests/test_agui.py"],
}
FEATURE_FILES: dict[tuple[str, str], list[str]] = {
    ("auth", "jwt"): ["tests/test_auth_jwt.py"],
    ("auth", "iam"): ["tests/test_auth_iam.py"],
    ("memory", "file"): ["tests/test_memory.py"],
    ("memory", "s3"): ["tests/test_memory.py"],
    ("memory", "agentcore"): ["tests/test_memory.py"],
    ("guardrails", "local"): ["tests/test_guardrails_local.py"],
    ("telemetry", "console"): ["tests/test_telemetry.py"],
    ("telemetry", "otlp"): ["tests/test_telemetry.py"],
}
JWT_ANSWERS = {
    "auth": "jwt",
    "jwt_discovery_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/openid-configuration",
    "jwt_allowed_clients": "example-client",
}
FORBIDDEN_IN_CORE = {"boto3", "botocore", "bedrock_agentcore", "fastapi", "starlette", "awslambdaric"}

# A stress answer set: longest name, a prompt that is long, quoted, multi-line and non-ASCII, and a
# description with TOML/Python/Markdown specials. Every generated file must still parse and lint.
LONG_NAME = "a" + "-b2" * 13  # 40 characters
ODD_PROMPT = (
    'You are "Zed", a careful assistant \\ with a backslash.\nSecond line: café, naïve, 東京, emoji 🙂, '
    "curly \u2018quotes\u2019 and a dash \u2013 then {{ not jinja }} and {% raw %} plus a very-long-word-"
    + "x"
    * 150
)
ODD_DESCRIPTION = 'An "agent" with \\ backslashes, a # hash, {{ braces }}, ünïcode and an emoji 🤖.'

ANSWER_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "local-anthropic": {"targets": ["local"], "model_provider": "anthropic"},
    "lambda-bedrock": {"targets": ["lambda"], "model_provider": "bedrock", "aws_region": "eu-central-1"},
    "servers-openai": {"targets": ["agentcore", "fastapi"], "model_provider": "openai"},
    "fastapi-lambda-ollama": {"targets": ["fastapi", "lambda"], "model_provider": "ollama"},
    "stress-litellm": {
        "project_name": LONG_NAME,
        "model_provider": "litellm",
        "model_id": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/" + "m" * 80,
        "system_prompt": ODD_PROMPT,
        "description": ODD_DESCRIPTION,
        "python_version": "3.13",
    },
}


def render(dst: Path, data: dict[str, Any] | None = None) -> Path:
    copier.run_copy(str(TEMPLATE), str(dst), data=data or {}, defaults=True, unsafe=False, quiet=True)
    return dst


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``rendered(name)``: the project for ``ANSWER_SETS[name]``, rendered once per module."""
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            cache[name] = render(tmp_path_factory.mktemp(name) / "project", ANSWER_SETS[name])
        return cache[name]

    return get


def answers(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return data


def package_name(project: Path) -> str:
    return str(answers(project)["project_name"]).replace("-", "_")


def expected_files(data: dict[str, Any]) -> set[str]:
    """The files a project generated with answers ``data`` (as recorded) has: its owner's, nothing else."""
    pkg = str(data["project_name"]).replace("-", "_")
    paths = list(COMMON_FILES)
    for target in data["targets"]:
        paths += TARGET_FILES[target]
    for question in ("auth", "memory", "guardrails", "telemetry"):
        paths += FEATURE_FILES.get((question, data[question]), [])
    for protocol in data.get("protocols") or []:
        paths += PROTOCOL_FILES[protocol]
    if "lambda" in data["targets"] and data.get("lambda_streaming"):
        paths += ["{pkg}/entrypoints/lambda_stream_app.py", "tests/test_lambda_stream.py"]
    if data.get("ci") == "github":
        paths += [
            ".github/workflows/scaffold-test.yml",
            ".github/workflows/scaffold-deliver.yml",
            "environments.toml",
        ]
    return {path.format(pkg=pkg) for path in paths}


def project_files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


def own_files(project: Path) -> list[Path]:
    """Every generated file: all of them come from the template's own .jinja/plain files."""
    return sorted(p for p in project.rglob("*") if p.is_file())


# --- answers and questions -----------------------------------------------------------------------------


def test_defaults(rendered: Callable[[str], Path]) -> None:
    project = rendered("defaults")

    assert answers(project) == {
        "_src_path": str(TEMPLATE),
        "project_name": "my-agent",
        "description": "An AI agent built with Strands Agents.",
        "system_prompt": "You are a helpful assistant. Use your tools when they help.",
        "model_provider": "offline",
        "model_id": "offline",
        "targets": ALL_TARGETS,
        "python_version": "3.12",
        "lambda_streaming": False,
        "lambda_snapstart": True,  # on by default where the Python version allows it (3.12+)
        "aws_region": "us-east-1",
        "auth": "none",
        "memory": "file",
        "guardrails": "none",
        "telemetry": "none",
        "protocols": [],  # HTTP and /ws only; agentcore_protocol is asked only when there are protocols
        "ci": "none",
    }
    assert (project / "my_agent" / "agent.py").is_file()
    assert not (project / ".github").exists()


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_answers_round_trip(rendered: Callable[[str], Path], name: str) -> None:
    recorded = answers(rendered(name))

    assert "package_name" not in recorded  # computed (when: false), never stored
    for key, value in ANSWER_SETS[name].items():
        if key == "targets":  # copier stores a multiselect answer in the order of the choices
            assert recorded[key] == [target for target in ALL_TARGETS if target in value]
        else:
            assert recorded[key] == value


@pytest.mark.parametrize("provider", sorted(DEFAULT_MODEL_IDS))
def test_model_id_default_follows_the_provider(tmp_path: Path, provider: str) -> None:
    """copier.yml's default model per provider is the runtime's (``DEFAULT_MODEL_IDS``, used when
    ``AGENT_MODEL_PROVIDER`` switches provider), and the project's settings carry it."""
    project = render(tmp_path / "p", {"model_provider": provider, "targets": ["local"]})

    assert answers(project)["model_id"] == DEFAULT_MODEL_IDS[provider]
    settings = (project / "my_agent" / "settings.py").read_text()
    assert f"DEFAULT_MODEL_ID = {json.dumps(DEFAULT_MODEL_IDS[provider])}" in settings


@pytest.mark.parametrize("name", ["Bad_Name", "1abc", "a", "my--agent", "-x", "agent-", "a" * 41, "my agent"])
def test_invalid_project_name_is_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    dst = tmp_path / "out"

    with pytest.raises(ValueError, match="project_name must be 2-40 characters: lowercase letters, digits"):
        render(dst, {"project_name": name})

    assert not dst.exists()


@pytest.mark.parametrize("name", ["test", "tests", "strands", "agent", "runtime-adapters", "class", "import"])
def test_reserved_project_name_is_refused(tmp_path: Path, name: str) -> None:
    dst = tmp_path / "out"

    with pytest.raises(ValueError, match=f"project_name '{name}' is reserved"):
        render(dst, {"project_name": name})

    assert not dst.exists()


def test_at_least_one_target_is_required(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Choose at least one target"):
        render(tmp_path / "out", {"targets": []})

    assert not (tmp_path / "out").exists()


def test_bad_region_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aws_region must be an AWS region name"):
        render(tmp_path / "out", {"aws_region": "Mars"})


# --- the files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_file_set_matches_the_answers(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)

    assert project_files(project) == expected_files(answers(project))


MEMORY_TESTS = "tests/test_memory.py"


@pytest.mark.parametrize(
    ("features", "feature_tests"),
    [
        ({"memory": "none"}, set()),
        (JWT_ANSWERS, {"tests/test_auth_jwt.py", MEMORY_TESTS}),
        ({"auth": "iam", "memory": "s3"}, {"tests/test_auth_iam.py", MEMORY_TESTS}),
        ({"memory": "agentcore", "guardrails": "local"}, {"tests/test_guardrails_local.py", MEMORY_TESTS}),
        ({"memory": "none", "guardrails": "bedrock", "telemetry": "console"}, {"tests/test_telemetry.py"}),
        ({"memory": "none", "telemetry": "otlp"}, {"tests/test_telemetry.py"}),
    ],
)
def test_feature_tests_follow_the_answers(
    tmp_path: Path, features: dict[str, Any], feature_tests: set[str]
) -> None:
    project = render(tmp_path / "p", {"targets": ["local"], **features})

    always = {"tests/conftest.py", "tests/test_agent.py", "tests/test_tool_auth.py", "tests/test_local.py"}
    always |= {"tests/test_evals.py", "tests/load/locustfile.py"}
    assert {p for p in project_files(project) if p.startswith("tests/")} == always | feature_tests
    assert project_files(project) == expected_files(answers(project))


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_no_unrendered_jinja(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)

    for path in own_files(project):
        if path.name == ".copier-answers.yml":
            continue  # YAML, checked by test_answers_round_trip (it may wrap an answer's own braces)
        text = path.read_text(encoding="utf-8")
        for literal in ("{{ not jinja }}", "{% raw %}", "{{ braces }}"):  # the stress answers' own text
            text = text.replace(literal, "")
        for marker in ("{{", "}}", "{%", "%}", "{#", "#}"):
            assert marker not in text, f"{path.relative_to(project)} contains {marker!r}"


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_toml_parses_with_the_right_dependencies(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)
    data = answers(project)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    meta = pyproject["project"]
    pkg = package_name(project)

    provider = data["model_provider"]
    strands = (
        "strands-agents>=1.62" if provider in ("offline", "bedrock") else f"strands-agents[{provider}]>=1.62"
    )
    extras = [
        extra
        for (question, answer), extra in RUNTIME_EXTRAS.items()
        if (answer in data[question] if question == "targets" else data[question] == answer)
    ]
    runtime = "agent-scaffold-runtime" + (f"[{','.join(extras)}]" if extras else "")
    assert meta["dependencies"] == [
        strands,
        f"{runtime}>={RUNTIME_FLOOR},<{RUNTIME_CEILING}",
        "typing-extensions>=4.13",
    ]
    assert meta["name"] == data["project_name"]
    assert meta["description"] == data["description"]
    assert meta["requires-python"] == ">=3.10"
    evals = f"agent-scaffold-runtime[evals]>={RUNTIME_FLOOR},<{RUNTIME_CEILING}"
    assert meta["optional-dependencies"] == {"test": ["pytest>=8", "httpx>=0.27", evals, "ruff>=0.6"]}
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [pkg]
    assert pyproject["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    if "local" in data["targets"]:
        assert meta["scripts"] == {data["project_name"]: f"{pkg}.entrypoints.local:main"}
    else:
        assert "scripts" not in meta


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_python_compiles_and_ruff_passes(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")

    result = run_ruff(project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_keep_odd_answers_exactly(rendered: Callable[[str], Path]) -> None:
    project = rendered("stress-litellm")
    namespace: dict[str, Any] = {}
    source = (project / package_name(project) / "settings.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id.startswith("DEFAULT_"):
            namespace[target.id] = ast.literal_eval(node.value)

    assert namespace == {
        "DEFAULT_MODEL_PROVIDER": "litellm",
        "DEFAULT_MODEL_ID": ANSWER_SETS["stress-litellm"]["model_id"],
        "DEFAULT_SYSTEM_PROMPT": ODD_PROMPT,
        "DEFAULT_AWS_REGION": "us-east-1",
    }


@pytest.mark.parametrize("name", list(ANSWER_SETS))
def test_agent_core_imports_no_cloud_or_web_sdk(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)
    core = project / package_name(project)
    for module in ("agent.py", "settings.py", "tools.py"):
        tree = ast.parse((core / module).read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
        assert not imported & FORBIDDEN_IN_CORE, f"{module} imports {imported & FORBIDDEN_IN_CORE}"

    agent_tree = ast.parse((core / "agent.py").read_text(encoding="utf-8"))
    functions = {
        node.name for node in agent_tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    assert {"stream_agent", "call_agent", "build_agent"} <= functions


def test_the_project_holds_no_runtime_module(rendered: Callable[[str], Path]) -> None:
    for name in ANSWER_SETS:
        project = rendered(name)
        assert not (project / "runtime_adapters").exists()
        assert not [p for p in project_files(project) if "agent_scaffold_runtime" in p]


def test_the_template_range_admits_the_toolkit_and_runtime_versions() -> None:
    """Lockstep: the toolkit pins the runtime at its own version, and the template's range admits it."""
    from packaging.specifiers import SpecifierSet

    toolkit = tomllib.loads(TOOLKIT_PYPROJECT.read_text())["project"]
    runtime = tomllib.loads(RUNTIME_PYPROJECT.read_text())["project"]
    from packaging.requirements import Requirement

    pins = [Requirement(dep) for dep in toolkit["dependencies"] if dep.startswith("agent-scaffold-runtime")]

    assert toolkit["version"] == runtime["version"]
    assert [str(pin.specifier) for pin in pins] == [f"=={runtime['version']}"]  # one pin, the exact version
    assert runtime["version"] in SpecifierSet(f">={RUNTIME_FLOOR},<{RUNTIME_CEILING}")
    assert set(RUNTIME_EXTRAS.values()) <= set(runtime["optional-dependencies"])


def test_caches_in_the_template_are_not_copied(tmp_path: Path) -> None:
    """Copier drops its default excludes when _subdirectory is set; ours must keep caches out."""
    template = tmp_path / "template-copy"
    shutil.copytree(TEMPLATE, template, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    root = template / "template"
    for junk in (
        "{{package_name}}/__pycache__/agent.cpython-311.pyc",
        "{{package_name}}/stale.pyc",
        ".pytest_cache/README.md",
        ".mypy_cache/3.11/x.json",
        ".ruff_cache/CACHEDIR.TAG",
        "tests/__pycache__/test_agent.cpython-311-pytest-8.pyc",
    ):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_bytes(b"junk")

    project = tmp_path / "project"
    copier.run_copy(str(template), str(project), defaults=True, unsafe=False, quiet=True)

    assert (project / "my_agent" / "agent.py").is_file()
    leftovers = [p for p in project_files(project) if "cache" in p or p.endswith((".pyc", ".pyo"))]
    assert leftovers == []


def test_copier_yml_excludes_caches() -> None:
    config = yaml.safe_load((TEMPLATE / "copier.yml").read_text())

    assert config["_subdirectory"] == "template"
    assert config["_templates_suffix"] == ".jinja"
    assert config["_answers_file"] == ".copier-answers.yml"
    assert {"__pycache__", "*.py[co]", ".pytest_cache", ".mypy_cache", ".ruff_cache"} <= set(
        config["_exclude"]
    )


def test_entrypoints_name_the_core_lazily(rendered: Callable[[str], Path]) -> None:
    entrypoints = rendered("defaults") / "my_agent" / "entrypoints"

    for name in ("agentcore_app.py", "http_app.py", "lambda_handler.py", "local.py"):
        source = (entrypoints / name).read_text()
        assert 'AgentRef("my_agent.agent")' in source
        assert "from ..settings import RUNTIME_DEFAULTS" in source  # literals only: cheap to import
        assert "my_agent.agent import" not in source and "from ..agent" not in source

    probe = "import sys, my_agent.entrypoints.lambda_handler; print('strands' in sys.modules)"
    out = run_ok([sys.executable, "-c", probe], cwd=entrypoints.parent.parent)
    assert out.stdout.strip() == "False"


# --- the generated project's own test suite ------------------------------------------------------------


@pytest.mark.parametrize("name", ["defaults", "local-anthropic", "stress-litellm"])
def test_generated_test_suite_passes(rendered: Callable[[str], Path], name: str) -> None:
    project = rendered(name)
    # A shell's bedrock provider: the project's conftest must still make every test offline.
    result = run_project_tests(project, {"AGENT_MODEL_PROVIDER": "bedrock"}, timeout=300)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
