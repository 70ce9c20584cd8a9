"""``scaffold target add|remove|list``: only the target's files appear or go; the user's edits stay."""

from __future__ import annotations

import json
from pathlib import Path

import copier
import pytest
import yaml

from .helpers import (
    TEMPLATE,
    changed_files,
    commit_all,
    commit_if_changed,
    git,
    is_clean,
    new_project,
    run_pytest,
    scaffold,
    tree,
)

USER_TOOL = '\n\ndef shout(text: str) -> str:\n    """Upper-case TEXT."""\n    return text.upper()\n'
USER_NOTE = "\nOur team's notes: this agent answers questions about the weather.\n"


def render(destination: Path, targets: list[str]) -> dict[str, bytes]:
    """The untouched project for ``targets``, rendered straight from the template directory."""
    data = {"project_name": "demo-agent", "targets": targets}
    copier.run_copy(str(TEMPLATE), destination, data=data, defaults=True, quiet=True)
    return tree(destination)


def public(answers_file: bytes) -> dict:
    """The answers without copier's bookkeeping (where the template came from)."""
    return {k: v for k, v in yaml.safe_load(answers_file).items() if not k.startswith("_")}


def edited_local_project(parent: Path) -> Path:
    """A local-only project with the user's edits committed: a new tool, and notes in the README."""
    project = new_project(parent, "-t", "local")
    with (project / "demo_agent" / "tools.py").open("a") as handle:
        handle.write(USER_TOOL)
    with (project / "README.md").open("a") as handle:
        handle.write(USER_NOTE)
    commit_all(project, "our edits")
    return project


def state_file(project: Path, target: str, content: str) -> None:
    """A deploy state file, committed like deploy state is (where the project's .gitignore lets it)."""
    path = project / ".scaffold" / "state" / f"{target}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    commit_if_changed(project, f"deploy state of {target}")


def test_adding_then_removing_lambda_changes_only_what_the_answer_controls(tmp_path):
    project = edited_local_project(tmp_path / "work")
    before = tree(project)
    untouched_local = render(tmp_path / "local", ["local"])
    untouched_both = render(tmp_path / "both", ["local", "lambda"])
    controlled = changed_files(untouched_local, untouched_both)
    assert {"demo_agent/entrypoints/lambda_handler.py", "tests/test_lambda.py"} <= controlled

    added = scaffold("target", "add", "lambda", "--project", str(project))

    assert added.exit_code == 0, added.output
    after = tree(project)
    assert changed_files(before, after) == controlled  # nothing outside the answer's reach changed
    for path in controlled - {"README.md", ".copier-answers.yml"}:
        assert after[path] == untouched_both[path], path
    assert public(after[".copier-answers.yml"]) == public(untouched_both[".copier-answers.yml"])
    readme = after["README.md"].decode()
    assert USER_NOTE in readme  # the user's edit survived the merge...
    assert readme.replace(USER_NOTE, "") == untouched_both["README.md"].decode()  # ...next to lambda's
    assert after["demo_agent/tools.py"].decode().endswith(USER_TOOL)
    assert "added     demo_agent/entrypoints/lambda_handler.py" in added.stdout
    suite = run_pytest(project, "tests/test_lambda.py", "tests/test_agent.py")
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert " passed" in suite.stdout

    commit_all(project, "add lambda")
    removed = scaffold("target", "remove", "lambda", "--project", str(project))

    assert removed.exit_code == 0, removed.output
    assert tree(project) == before  # byte for byte what it was before lambda came and went
    assert "removed   tests/test_lambda.py" in removed.stdout


def test_a_deployed_target_is_not_removed_without_force(tmp_path):
    project = new_project(tmp_path, "-t", "local", "-t", "lambda")
    state_file(project, "lambda", json.dumps({"schema_version": 1, "resources": {"function": {"name": "f"}}}))
    before = tree(project)

    refused = scaffold("target", "remove", "lambda", "--project", str(project))

    assert refused.exit_code == 2
    assert "lambda is still deployed (.scaffold/state/lambda.json records 1 resource)" in refused.stderr
    assert "scaffold destroy --target lambda" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert tree(project) == before

    forced = scaffold("target", "remove", "lambda", "--force", "--project", str(project))

    assert forced.exit_code == 0, forced.output
    assert "Warning: lambda is deployed (1 resource) and stays deployed" in forced.stderr
    assert "no cloud resources" in forced.stderr
    assert not (project / "demo_agent" / "entrypoints" / "lambda_handler.py").exists()
    assert (project / ".scaffold" / "state" / "lambda.json").exists()  # the deploy engineer's to clean up


@pytest.mark.parametrize(
    ("content", "deployed"),
    [
        ("{not json", "unknown (state unreadable)"),
        ("[1, 2]", "unknown (state unreadable)"),
        (json.dumps({"resources": {}}), "not deployed"),
        (json.dumps({"resources": ["a", "b"]}), "deployed (2 resources)"),
    ],
)
def test_list_reads_the_deploy_state_defensively(tmp_path, content, deployed):
    project = new_project(tmp_path, "-t", "local", "-t", "lambda")
    state_file(project, "lambda", content)

    listed = scaffold("target", "list", "--project", str(project))
    as_json = json.loads(scaffold("target", "list", "--project", str(project), "--json").stdout)

    assert listed.exit_code == 0, listed.output
    assert f"lambda  {deployed}" in listed.stdout
    assert "local   not deployed" in listed.stdout
    assert "Not enabled: agentcore, fastapi" in listed.stdout
    by_name = {entry["name"]: entry for entry in as_json["targets"]}
    assert by_name["local"]["deployed"] is False
    assert by_name["lambda"]["deployed"] is (deployed != "not deployed")


def test_an_unreadable_state_file_blocks_removal(tmp_path):
    project = new_project(tmp_path, "-t", "local", "-t", "lambda")
    state_file(project, "lambda", "{not json")

    refused = scaffold("target", "remove", "lambda", "--project", str(project))

    assert refused.exit_code == 2
    assert "may still be deployed (.scaffold/state/lambda.json cannot be read" in refused.stderr


def test_a_dirty_tree_is_refused_in_one_sentence_and_left_alone(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    (project / "README.md").write_text("work in progress\n")
    (project / "scratch.txt").write_text("untracked\n")
    before = tree(project)

    refused = scaffold("target", "add", "lambda", "--project", str(project))

    assert refused.exit_code == 2
    message = refused.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "uncommitted changes (README.md, scratch.txt)" in message
    assert "commit or stash them (git stash -u)" in message
    assert tree(project) == before


def test_an_edited_file_of_a_removed_target_is_kept_and_reported(tmp_path):
    project = new_project(tmp_path, "-t", "local", "-t", "lambda")
    handler = project / "demo_agent" / "entrypoints" / "lambda_handler.py"
    handler.write_text(handler.read_text() + "\n# our custom warm-up hook\n")
    commit_all(project, "customise the handler")

    removed = scaffold("target", "remove", "lambda", "--project", str(project))

    assert removed.exit_code == 0, removed.output
    assert handler.read_text().endswith("# our custom warm-up hook\n")
    assert "kept      demo_agent/entrypoints/lambda_handler.py (you edited it" in removed.stdout
    assert not (project / "tests" / "test_lambda.py").exists()


def test_dry_run_lists_the_changes_and_writes_nothing(tmp_path):
    project = new_project(tmp_path, "-t", "local")
    before = tree(project)

    planned = scaffold("target", "add", "fastapi", "--dry-run", "--json", "--project", str(project))

    assert planned.exit_code == 0, planned.output
    outcome = json.loads(planned.stdout)
    assert outcome["dry_run"] is True
    assert "demo_agent/entrypoints/http_app.py" in outcome["added"]
    assert tree(project) == before and is_clean(project)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "kubernetes"],
            "Unknown target 'kubernetes'; choose from: local, agentcore, fastapi, lambda.",
        ),
        (["remove", "fastapi"], "demo-agent has no target fastapi (its targets: local)."),
        (["remove", "local"], "A project needs at least one target"),
    ],
)
def test_impossible_requests_are_refused_before_anything_runs(tmp_path, args, message):
    project = new_project(tmp_path, "-t", "local")

    result = scaffold("target", *args, "--project", str(project))

    assert result.exit_code == 2
    assert message in result.stderr


def test_adding_a_present_target_is_a_no_op(tmp_path):
    project = new_project(tmp_path, "-t", "local")

    result = scaffold("target", "add", "local", "--project", str(project))

    assert result.exit_code == 0
    assert "already has local; nothing to do" in result.stdout


def test_a_project_inside_a_monorepo_changes_only_inside_itself(tmp_path):
    monorepo = tmp_path / "monorepo"
    (monorepo / "web").mkdir(parents=True)
    (monorepo / "web" / "app.js").write_text("console.log('hi')\n")
    git(monorepo, "init", "-q")
    project = new_project(monorepo / "services", "-t", "local", name="svc-agent")
    commit_all(monorepo, "add the agent service")
    (monorepo / "web" / "app.js").write_text("console.log('work in progress elsewhere')\n")  # not ours

    added = scaffold("target", "add", "lambda", "--project", str(project))

    assert added.exit_code == 0, added.output
    status = git(monorepo, "status", "--porcelain").splitlines()
    outside = [line for line in status if "services/svc-agent/" not in line]
    assert outside == [" M web/app.js"]
    assert (project / "svc_agent" / "entrypoints" / "lambda_handler.py").is_file()
