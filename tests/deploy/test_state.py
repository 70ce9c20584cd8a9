"""The state file: recorded after every completed step, written atomically, relative (no local paths), with a
schema version; a newer schema or a broken file is refused with a clear message."""

from __future__ import annotations

import json
import os

import pytest

from scaffold.deploy.engine import deploy
from scaffold.deploy.errors import StateError
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import SCHEMA_VERSION, load_state, state_path, write_atomically
from scaffold.errors import ExitCode

from .conftest import run_cli

QUIET = Progress(quiet=True)


def test_each_completed_step_is_on_disk_before_the_next_call(project, moto, artifact):
    path = state_path(project.root, "lambda")
    seen: list[tuple[str, list[str]]] = []

    def before_call(model, **_):
        if model.name.startswith(("Create", "Put")) and path.exists():
            seen.append((model.name, list(json.loads(path.read_text())["resources"])))

    from scaffold.deploy.aws import session_hooks

    with session_hooks(("before-call", before_call)):
        deploy(project, "lambda", moto.options, progress=QUIET)

    recorded = {name: keys for name, keys in seen}
    assert recorded["CreateLogGroup"] == ["role"]
    assert recorded["CreateBucket"] == ["role", "log_group"]
    assert recorded["PutObject"] == ["role", "log_group", "bucket"]
    assert recorded["CreateFunction"] == ["role", "log_group", "bucket", "code"]
    assert recorded["CreateAlias"] == ["role", "log_group", "bucket", "code", "function"]


def test_the_file_is_versioned_and_holds_no_local_path(project, moto, artifact):
    deploy(project, "agentcore", moto.options, progress=QUIET)
    text = state_path(project.root, "agentcore").read_text()
    data = json.loads(text)

    assert data["schema_version"] == SCHEMA_VERSION
    assert (data["project"], data["target"], data["region"]) == ("demo-agent", "agentcore", "us-east-1")
    assert data["deployment"]["status"] == "complete"
    assert data["deployment"]["artifact"]["sha256"] == artifact.last_sha256
    for local in (str(project.root), str(artifact.directory), os.path.expanduser("~"), "/tmp"):
        assert local not in text
    assert (
        state_path(project.root, "agentcore").relative_to(project.root).as_posix()
        == ".scaffold/state/agentcore.json"
    )
    assert not (project.root / ".copier-answers.yml").read_text().count("scaffold-demo-agent"), (
        "config untouched"
    )


def test_an_interrupted_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "state" / "lambda.json"
    write_atomically(path, '{"before": true}\n')

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(path, '{"after": true}\n')
    assert json.loads(path.read_text()) == {"before": True}
    assert sorted(entry.name for entry in path.parent.iterdir()) == ["lambda.json"], "no temporary file left"


def test_a_newer_schema_is_refused(project):
    path = state_path(project.root, "lambda")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "project": "demo-agent"}))
    with pytest.raises(StateError, match="schema version 2; this scaffold reads up to 1"):
        load_state(project.root, "lambda")


def test_a_broken_state_file_is_bad_input_with_its_path(project, moto):
    path = state_path(project.root, "lambda")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    result = run_cli(["status", "-t", "lambda", "--project", str(project.root), *moto.cli_args])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"Could not read {path}" in result.stderr
