"""The playground is a development tool: no file of it reaches a package or a container context.

Its files live in the toolkit (``scaffold/dev/static``), never in the project; what ``scaffold dev`` writes
into a project (the file backend's ``.scaffold/sessions``) is excluded from artifacts as well.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import httpx
import pytest

from scaffold.dev.server import STATIC_DIR
from scaffold.packaging.selection import select_files
from tests.support.processes import run_ok

from .conftest import CALCULATOR_PROMPT, dev_env, generate, running_dev, scaffold_argv

PLAYGROUND_FILES = {path.name for path in STATIC_DIR.iterdir()}
PLAYGROUND_MARKER = b"window.renderMarkdown"  # a line of the page's own code


def used_project(parent: Path) -> Path:
    """A project after a `scaffold dev` session: one turn stored in its dev session files."""
    project = generate(parent, "--target", "agentcore", "--target", "lambda", name="shipped-agent")
    with running_dev(project, "--no-reload") as server:
        reply = httpx.post(f"{server.url}/invocations", json={"prompt": CALCULATOR_PROMPT}, timeout=60)
        assert reply.status_code == 200, reply.text
    assert any((project / ".scaffold" / "sessions").rglob("message_*.json"))
    return project


def assert_no_playground(names: list[str], read: dict[str, bytes]) -> None:
    assert {Path(name).name for name in names} & PLAYGROUND_FILES == set()
    assert not [name for name in names if name.startswith(".scaffold/") or "/_dev" in name]
    assert not [name for name, data in read.items() if PLAYGROUND_MARKER in data]


def test_the_files_selected_for_artifacts_hold_no_playground_file(tmp_path: Path):
    assert {"index.html", "app.js", "markdown.js", "trace.js", "style.css"} <= PLAYGROUND_FILES
    project = used_project(tmp_path)

    selection = select_files(project)

    names = [file.rel for file in selection.files]
    assert "shipped_agent/tools.py" in names
    assert_no_playground(names, {file.rel: file.path.read_bytes() for file in selection.files})


@pytest.mark.slow
def test_the_lambda_zip_and_the_container_context_hold_no_playground_file(tmp_path: Path):
    project = used_project(tmp_path)
    env = {**dev_env(), "SCAFFOLD_CACHE_DIR": str(tmp_path / "cache")}

    def package(*args: str) -> dict[str, str]:
        result = run_ok([*scaffold_argv(), "package", *args, "--json"], cwd=project, env=env, timeout=900)
        return json.loads(result.stdout)

    with zipfile.ZipFile(package("-t", "lambda")["path"]) as archive:
        assert_no_playground(archive.namelist(), {name: archive.read(name) for name in archive.namelist()})
    context = Path(package("-t", "agentcore", "-f", "container")["path"])
    files = [path for path in context.rglob("*") if path.is_file()]
    assert_no_playground(
        [path.relative_to(context).as_posix() for path in files],
        {path.relative_to(context).as_posix(): path.read_bytes() for path in files},
    )
