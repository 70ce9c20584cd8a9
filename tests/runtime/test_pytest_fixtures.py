"""``agent_scaffold_runtime.pytest_fixtures``, the plugin a project's ``tests/conftest.py`` loads: run as a
project runs it (``pytest`` in the project directory, in a process of its own), on a small project whose
entrypoint reads the environment when it is imported, the way the adapters do."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scaffold.lifecycle.validate import run_project_tests

PYPROJECT = """\
[tool.pytest.ini_options]
testpaths = ["tests"]
"""

#: A local entrypoint that, like the adapters, reads its setting once, when it is imported.
LOCAL_ENTRYPOINT = """\
import json
import os

GREETING = os.environ.get("DEMO_GREETING", "Hello")


def main(argv):
    print(json.dumps({"text": f"{GREETING}, {argv[-1]}", "argv": argv}))
    return 0
"""

CONFTEST = """\
import pytest

pytest_plugins = ["agent_scaffold_runtime.pytest_fixtures"]


@pytest.fixture(scope="session")
def agent_package() -> str:
    return "demo_agent"
"""

PROJECT_TESTS = """\
import json
import logging
import urllib.request

import pytest


def test_entrypoint_is_imported_afresh_with_the_current_environment(entrypoint, monkeypatch):
    monkeypatch.setenv("DEMO_GREETING", "Hi")
    module = entrypoint("local")
    first = module.GREETING
    monkeypatch.setenv("DEMO_GREETING", "Bonjour")

    assert module.__name__ == "demo_agent.entrypoints.local"
    assert (first, entrypoint("local").GREETING) == ("Hi", "Bonjour")


def test_an_unknown_target_is_refused_with_the_known_ones(entrypoint):
    known = "agentcore, lambda, fastapi, local"
    with pytest.raises(ValueError, match=f"unknown target 'cloud': choose one of {known}"):
        entrypoint("cloud")


def test_invoke_sends_one_request_to_the_target(invoke, monkeypatch):
    monkeypatch.setenv("DEMO_GREETING", "Hola")

    response = invoke("local", "Ada", session_id="s-1")

    assert response.status == 200
    assert response.body == {"text": "Hola, Ada", "argv": ["--json", "--session-id", "s-1", "Ada"]}


def test_request_log_holds_the_records_of_the_test(request_log):
    logging.getLogger("agent_scaffold_runtime.requests").info("one request")

    assert [record.getMessage() for record in request_log] == ["one request"]


def test_request_log_is_empty_at_the_start_of_a_test(request_log):
    assert request_log == []


def test_issuer_serves_its_discovery_document_and_signs_tokens(issuer):
    import jwt

    with urllib.request.urlopen(issuer.discovery_url, timeout=10) as answer:
        document = json.load(answer)
    key = jwt.PyJWKClient(document["jwks_uri"]).get_signing_key_from_jwt(issuer.token())
    claims = jwt.decode(issuer.token(sub="ada"), key.key, algorithms=["RS256"])

    assert document["issuer"] == issuer.url
    assert (claims["sub"], claims["iss"]) == ("ada", issuer.url)
    assert issuer.env()["AGENT_JWT_DISCOVERY_URL"] == issuer.discovery_url
"""


def make_project(root: Path, *, conftest: str) -> Path:
    """A project laid out as a generated one is: its package with an ``entrypoints`` package, ``tests/``
    with the conftest and the tests above, and pytest's settings in ``pyproject.toml``."""
    files = {
        "pyproject.toml": PYPROJECT,
        "demo_agent/__init__.py": "",
        "demo_agent/entrypoints/__init__.py": "",
        "demo_agent/entrypoints/local.py": LOCAL_ENTRYPOINT,
        "tests/__init__.py": "",
        "tests/conftest.py": conftest,
        "tests/test_fixtures.py": PROJECT_TESTS,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_the_fixtures_work_in_a_project(tmp_path: Path) -> None:
    project = make_project(tmp_path / "demo", conftest=CONFTEST)

    result = run_project_tests(project, {}, "-rA", timeout=300)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "6 passed" in result.stdout.splitlines()[-1], result.stdout[-2000:]


def test_a_single_test_file_loads_the_plugin_too(tmp_path: Path) -> None:
    """``pytest tests/test_x.py::name`` (what a developer reruns) still reads ``pytest_plugins`` in the
    project's ``tests/conftest.py``: pytest accepts it there because that conftest is loaded first."""
    project = make_project(tmp_path / "demo", conftest=CONFTEST)

    result = run_project_tests(
        project, {}, "tests/test_fixtures.py::test_invoke_sends_one_request_to_the_target", timeout=300
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout.splitlines()[-1], result.stdout[-2000:]


def test_a_conftest_without_agent_package_gets_a_clear_error(tmp_path: Path) -> None:
    conftest = 'pytest_plugins = ["agent_scaffold_runtime.pytest_fixtures"]\n'
    project = make_project(tmp_path / "demo", conftest=conftest)

    result = run_project_tests(project, {}, timeout=300)

    assert result.returncode == 1
    assert "tests/conftest.py defines no `agent_package` fixture" in result.stdout
    # only the tests that load an entrypoint need the package: the others pass
    assert result.stdout.splitlines()[-1].startswith("3 passed, 3 errors"), result.stdout[-2000:]
