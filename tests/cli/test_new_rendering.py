"""``scaffold new`` renders through ``NewProjectWorker`` (copier's Worker without a git process per file and
with each template string compiled once): the project it writes is exactly what ``copier.run_copy`` writes,
and copier's ``yield`` path names, which keep state between compilations, still render."""

from __future__ import annotations

import gc
import os
import shlex
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier
import pytest
from jinja2.sandbox import SandboxedEnvironment

from scaffold import copier_worker
from scaffold.copier_worker import memoize_string_compiles, new_project_worker
from scaffold.errors import ScaffoldError
from scaffold.rendering import create_project

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "agent"

ANSWER_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "lambda-streaming-bedrock": {
        "targets": ["lambda"],
        "model_provider": "bedrock",
        "lambda_streaming": True,
        "memory": "s3",
        "guardrails": "local",
    },
    "jwt-protocols-ci": {
        "targets": ["agentcore", "fastapi"],
        "auth": "jwt",
        "jwt_discovery_url": "https://issuer.example/.well-known/openid-configuration",
        "jwt_allowed_clients": "client-1",
        "protocols": ["mcp", "a2a", "agui"],
        "agentcore_protocol": "mcp",
        "memory": "agentcore",
        "telemetry": "otlp",
        "ci": "github",
    },
}


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        path.relative_to(root).as_posix(): (stat.S_IMODE(path.stat().st_mode), path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("answers", list(ANSWER_SETS), ids=list(ANSWER_SETS))
def test_new_writes_exactly_what_copier_run_copy_writes(tmp_path: Path, answers: str) -> None:
    data = {"project_name": "same-agent", **ANSWER_SETS[answers]}
    create_project(str(TEMPLATE), tmp_path / "scaffold" / "same-agent", data, use_defaults=True)
    copier.run_copy(
        str(TEMPLATE), tmp_path / "copier" / "same-agent", data=data, defaults=True, quiet=True, unsafe=False
    )

    ours = snapshot(tmp_path / "scaffold" / "same-agent")
    assert len(ours) > 10
    assert ours == snapshot(tmp_path / "copier" / "same-agent")


def test_yield_path_names_render_every_item(tmp_path: Path) -> None:
    """The same path string is rendered once per item; without the yield tag's reset (an extension's
    ``preprocess``, run by each compilation) the second render would fail as a second yield tag."""
    template = tmp_path / "template"
    (template / "docs").mkdir(parents=True)
    (template / "copier.yml").write_text("items:\n  type: yaml\n  default: [alpha, beta]\n")
    (template / "docs" / "{% yield item from items %}{{ item }}{% endyield %}.txt.jinja").write_text(
        "{{ item }} of {{ items | length }}\n"
    )
    (template / "{{ 'named' }}.txt.jinja").write_text("{{ items | join(',') }}\n")

    create_project(str(template), tmp_path / "out", {}, use_defaults=True)

    assert (tmp_path / "out" / "docs" / "alpha.txt").read_text() == "alpha of 2\n"
    assert (tmp_path / "out" / "docs" / "beta.txt").read_text() == "beta of 2\n"
    assert (tmp_path / "out" / "named.txt").read_text() == "alpha,beta\n"


def test_a_string_is_compiled_once_and_renders_with_each_context() -> None:
    env = SandboxedEnvironment()
    compiled: list[str] = []
    compile_each_time = env.compile
    env.compile = lambda source, *args: compiled.append(source) or compile_each_time(source, *args)  # type: ignore[method-assign]
    memoize_string_compiles(env)

    rendered = [env.from_string("{{ n * 2 }}").render(n=n) for n in (1, 2, 3)]

    assert rendered == ["2", "4", "6"]
    assert compiled == ["{{ n * 2 }}"]


def test_the_worker_is_copiers_own() -> None:
    """The copier in the venv has the Worker scaffold subclasses (else new falls back to run_copy)."""
    from copier._main import Worker

    worker_class = new_project_worker()
    assert worker_class is not None and issubclass(worker_class, Worker)


@pytest.fixture
def git_calls(tmp_path: Path) -> Iterator[Path]:
    """A ``git`` first on copier's PATH that logs its arguments, then runs the real one."""
    from plumbum import local

    real = shutil.which("git")
    spy_dir = tmp_path / "spy"
    spy_dir.mkdir()
    log = tmp_path / "git-calls.log"
    log.touch()
    spy = spy_dir / "git"
    spy.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\nexec {shlex.quote(str(real))} "$@"\n')
    spy.chmod(0o755)
    with local.env(PATH=f"{spy_dir}{os.pathsep}{local.env['PATH']}"):
        yield log


@pytest.mark.parametrize("plain_directory", [False, True], ids=["any-directory", "plain-export"])
def test_a_plain_export_is_not_probed_for_git(tmp_path: Path, git_calls: Path, plain_directory: bool) -> None:
    export = tmp_path / "export"
    shutil.copytree(TEMPLATE, export)
    data = {"project_name": "same-agent"}

    create_project(str(export), tmp_path / "ours", data, use_defaults=True, plain_directory=plain_directory)

    probes = git_calls.read_text().splitlines()
    assert bool(probes) is not plain_directory  # copier asks git about other directories (rev-parse, bundle)
    copier.run_copy(str(export), tmp_path / "copier", data=data, defaults=True, quiet=True, unsafe=False)
    assert snapshot(tmp_path / "ours") == snapshot(tmp_path / "copier")


def test_collector_thresholds_are_raised_only_while_copier_works(tmp_path: Path) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    template = tmp_path / "template"
    template.mkdir()
    (template / "copier.yml").write_text("name:\n  type: str\n  default: x\n")
    (template / "seen.txt.jinja").write_text("{{ name }}\n")
    original = copier_worker.new_project_worker

    def spying(plain_directory: bool = False) -> Any:
        seen.append(gc.get_threshold())
        return original(plain_directory)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(copier_worker, "new_project_worker", spying)
        create_project(str(template), tmp_path / "ok", {}, use_defaults=True)
        with pytest.raises(ScaffoldError):
            create_project(str(tmp_path / "missing"), tmp_path / "failed", {}, use_defaults=True)

    assert (tmp_path / "ok" / "seen.txt").read_text() == "x\n"
    assert [threshold[0] for threshold in seen] == [50_000, 50_000] and before[0] < 50_000
    assert gc.get_threshold() == before
