"""``scaffold new`` records a versioned template and commits the project: lifecycle commands work at once."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import copier
import pytest
import yaml

from scaffold import __version__
from scaffold.lifecycle import builtin, snapshot
from scaffold.lifecycle.cache import scaffold_urls
from tests.support.processes import run_ok

from .helpers import copy_template, git, is_clean, new_project, scaffold

TAG = f"v{__version__}"


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_new_records_the_builtin_template_as_a_versioned_source(tmp_path):
    project = new_project(tmp_path, "-t", "local")

    recorded = answers(project)
    assert recorded["_src_path"] == "scaffold://builtin/agent.git"
    assert recorded["_commit"] == TAG
    assert TAG in builtin.versions()


def test_new_commits_the_project_in_its_own_repository(tmp_path):
    project = new_project(tmp_path, "-t", "local")

    assert (project / ".git").is_dir()
    assert is_clean(project)
    log = git(project, "log", "--format=%s").splitlines()
    assert log == [f"Create demo-agent with agent-scaffold {__version__} (built-in template {TAG})"]


def test_the_answers_file_is_what_copier_writes_from_the_git_source(tmp_path):
    """new renders a plain export (fast) and records the source; copier from the git tag writes the same."""
    project = new_project(tmp_path, "-t", "local", "--data", "memory=s3")
    reference = tmp_path / "reference"
    with scaffold_urls():
        copier.run_copy(
            "scaffold://builtin/agent.git",
            reference,
            data={"project_name": "demo-agent", "targets": ["local"], "memory": "s3"},
            vcs_ref=TAG,
            defaults=True,
            quiet=True,
        )

    assert (project / ".copier-answers.yml").read_text() == (reference / ".copier-answers.yml").read_text()


def test_inside_an_existing_repository_new_does_not_commit_and_says_so(tmp_path):
    monorepo = tmp_path / "monorepo"
    monorepo.mkdir()
    git(monorepo, "init", "-q")

    result = scaffold("new", "svc-agent", "--defaults", "-o", str(monorepo / "services"))

    assert result.exit_code == 0, result.output
    assert not (monorepo / "services" / "svc-agent" / ".git").exists()
    assert f"inside the repository {monorepo.resolve()}" in result.stdout
    assert "git add svc-agent && git commit" in result.stdout
    assert git(monorepo, "rev-list", "--all").strip() == ""  # nothing committed on the user's behalf


def test_no_git_opts_out_and_json_says_what_happened(tmp_path):
    result = scaffold("new", "plain-agent", "--defaults", "-o", str(tmp_path), "--no-git", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["git"] == "disabled"
    assert summary["template"] == f"built-in template {TAG}"
    assert not (tmp_path / "plain-agent" / ".git").exists()


def test_lifecycle_commands_explain_a_project_without_git(tmp_path):
    project = tmp_path / "plain-agent"
    scaffold("new", "plain-agent", "--defaults", "-o", str(tmp_path), "--no-git", "-t", "local")

    result = scaffold("target", "add", "lambda", "--project", str(project))

    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr and "git init" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_same_content_gives_the_same_commit_on_any_machine(tmp_path, monkeypatch):
    commits = []
    for machine in ("a", "b"):
        monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / machine))
        assert builtin.ensure_installed() == TAG
        commits.append(git(tmp_path, "--git-dir", str(builtin.repo_path()), "rev-parse", TAG).strip())

    assert commits[0] == commits[1]


def test_changed_template_content_gets_a_post_release_tag_never_a_moved_tag(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    first = builtin.ensure_installed()
    edited = copy_template(tmp_path / "edited")
    (edited / "template" / "NOTES.md").write_text("a development change\n")
    monkeypatch.setattr(builtin, "builtin_template", lambda: edited)

    second = builtin.ensure_installed()
    again = builtin.ensure_installed()

    assert (first, second, again) == (TAG, f"{TAG}.post1", f"{TAG}.post1")
    assert snapshot.tag_trees(builtin.repo_path())[TAG] != snapshot.tag_trees(builtin.repo_path())[second]


@pytest.mark.parametrize("packaging", ["checkout", "wheel"])
def test_another_toolkit_versions_template_can_be_imported(tmp_path, monkeypatch, packaging):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    old = tmp_path / "agent-scaffold-0.0.9"
    (old / "scaffold").mkdir(parents=True)
    (old / "scaffold" / "__init__.py").write_text('__version__ = "0.0.9"\n')
    copy_template(old / "templates" / "agent")
    source = old
    if packaging == "wheel":
        source = tmp_path / "agent_scaffold-0.0.9-py3-none-any.whl"
        with zipfile.ZipFile(source, "w") as wheel:
            wheel.write(old / "scaffold" / "__init__.py", "scaffold/__init__.py")
            for path in (old / "templates" / "agent").rglob("*"):
                if path.is_file():
                    relative = path.relative_to(old / "templates" / "agent").as_posix()
                    wheel.write(path, f"scaffold/_builtin_templates/agent/{relative}")

    result = scaffold("template", "import", str(source))

    assert result.exit_code == 0, result.output
    assert "agent-scaffold 0.0.9 is available as v0.0.9" in result.stdout
    assert "v0.0.9" in builtin.versions()


def test_new_can_name_an_older_builtin_version_that_is_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "cache"))
    old = tmp_path / "agent-scaffold-0.0.9"
    (old / "scaffold").mkdir(parents=True)
    (old / "scaffold" / "__init__.py").write_text('__version__ = "0.0.9"\n')
    copy_template(old / "templates" / "agent")
    missing = scaffold("new", "old-agent", "--defaults", "-o", str(tmp_path), "--template", "builtin@0.0.9")
    assert missing.exit_code == 1 and "scaffold template import PATH" in missing.stderr
    assert scaffold("template", "import", str(old)).exit_code == 0

    project = new_project(tmp_path, "--template", "builtin@0.0.9", "-t", "local", name="old-agent")

    assert answers(project)["_commit"] == "v0.0.9"


def test_import_refuses_something_that_is_not_the_toolkit(tmp_path):
    result = scaffold("template", "import", str(tmp_path))

    assert result.exit_code == 2
    assert "does not look like agent-scaffold" in result.stderr


def test_versions_lists_the_cache_and_the_git_config_for_plain_copier(tmp_path):
    result = scaffold("template", "versions", "--json")

    listing = json.loads(result.stdout)
    assert TAG in listing["versions"]
    assert any("insteadOf scaffold://builtin/" in line for line in listing["git_config"])


def test_plain_copier_updates_once_git_knows_the_scaffold_urls(tmp_path):
    """The symbolic _src_path is not scaffold-only: with the two insteadOf lines, copier update works."""
    project = new_project(tmp_path, "-t", "local")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    for line in json.loads(scaffold("template", "versions", "--json").stdout)["git_config"]:
        _git, _config, _global, key, prefix = line.split(" ")
        subprocess.run(["git", "config", "--global", key.replace('"', ""), prefix], env=env, check=True)

    import os
    import sys

    copier_cli = Path(sys.executable).parent / "copier"
    run_ok(
        [str(copier_cli), "update", "--defaults", "--quiet", "-d", "memory=s3", "-d", "session_bucket=b"],
        cwd=project,
        env={**os.environ, **env, "GIT_CONFIG_COUNT": "0"},
    )

    assert answers(project)["memory"] == "s3"
