"""``scaffold update`` and ``check-update`` with a template that gets a v2 in a temporary git repository.

v2 changes the template in four ways: a line the user also changed (a conflict), a section the user did not
touch in a file they edited elsewhere (a clean merge), a new file, and a moved file (``tools.py`` becomes the
package ``tools/``) declared as a copier ``_migrations`` entry that calls scaffold's move helper.
"""

from __future__ import annotations

import json
from pathlib import Path

import copier
import pytest
import yaml

from scaffold import __version__
from scaffold.lifecycle.cache import scaffold_urls

from .helpers import (
    commit_all,
    copy_template,
    git,
    is_clean,
    new_project,
    run_pytest,
    scaffold,
    template_repo,
    tree,
)

USER_TOOL = '\n\ndef shout(text: str) -> str:\n    """Upper-case TEXT."""\n    return text.upper()\n'
USER_TITLE = "# AGENTS.md: our team's rules for assistants\n"
V2_TITLE = "# AGENTS.md: notes for coding assistants and reviewers\n"
V2_README = "This project follows template v2.\n"
V2_TOOLS_DOC = (
    '"""Tools the agent can call (template v2: a package now), deterministic and side-effect free.\n'
)
MOVE = {
    "version": "v2.0.0",
    "command": [
        "{{ _copier_python }}", "-m", "scaffold.lifecycle.migrate", "move",
        "{{ package_name }}/tools.py", "{{ package_name }}/tools/__init__.py",
    ],
}  # fmt: skip


def release_v2(repo: Path) -> None:
    """Commit the v2 changes to the template repository and tag them."""
    template = repo / "template"
    agents = template / "AGENTS.md.jinja"
    agents.write_text(V2_TITLE + agents.read_text().split("\n", 1)[1])
    readme = template / "README.md.jinja"
    readme.write_text(
        readme.read_text().replace("# {{ project_name }}\n", "# {{ project_name }}\n\n" + V2_README, 1)
    )
    (template / "CHANGELOG.md").write_text("# Changes\n\n- v2: tools became a package.\n")
    package = template / "{{package_name}}"
    (package / "tools").mkdir()
    git(repo, "mv", "template/{{package_name}}/tools.py", "template/{{package_name}}/tools/__init__.py")
    tools = package / "tools" / "__init__.py"
    tools.write_text(V2_TOOLS_DOC + tools.read_text().split("\n", 1)[1])
    config = yaml.safe_load((repo / "copier.yml").read_text())
    with (repo / "copier.yml").open("a") as handle:
        handle.write(
            "\n" + yaml.safe_dump({"_migrations": [*config.get("_migrations", []), MOVE]}, width=200)
        )
    commit_all(repo, "template v2")
    git(repo, "tag", "v2.0.0")


def user_edits(project: Path) -> None:
    with (project / "demo_agent" / "tools.py").open("a") as handle:
        handle.write(USER_TOOL)
    agents = project / "AGENTS.md"
    agents.write_text(USER_TITLE + agents.read_text().split("\n", 1)[1] + "Team rule: keep tools pure.\n")
    with (project / "README.md").open("a") as handle:
        handle.write("\n## Our deployment notes\n\nDeployed by the platform team.\n")
    commit_all(project, "our edits")


@pytest.fixture
def v1_project(tmp_path: Path) -> tuple[Path, Path]:
    repo = template_repo(tmp_path / "template")
    project = new_project(tmp_path / "work", "-t", "local", "--template", str(repo))
    user_edits(project)
    return repo, project


def test_update_applies_v2_keeps_the_users_edits_and_marks_the_conflict(v1_project):
    repo, project = v1_project
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1.0.0"
    release_v2(repo)

    result = scaffold("update", "--trust", "--project", str(project))

    assert result.exit_code == 1, result.output  # applied, with one conflict for the user to resolve
    assert "Updated demo-agent from v1.0.0 to v2.0.0:" in result.stdout
    assert "CONFLICT  AGENTS.md" in result.stdout
    assert "1 file(s) have conflicts: AGENTS.md" in result.stderr
    agents = (project / "AGENTS.md").read_text()
    assert (
        "<<<<<<< before updating\n" + USER_TITLE + "=======\n" + V2_TITLE + ">>>>>>> after updating" in agents
    )
    assert agents.endswith("Team rule: keep tools pure.\n")  # the user's other edit in that file merged
    readme = (project / "README.md").read_text()
    assert V2_README in readme and "## Our deployment notes" in readme  # both sides of a clean merge
    assert (project / "CHANGELOG.md").is_file()  # the template's new file
    moved = (project / "demo_agent" / "tools" / "__init__.py").read_text()
    assert moved.startswith(V2_TOOLS_DOC) and moved.endswith(USER_TOOL)  # v2's move, with the user's tool
    assert not (project / "demo_agent" / "tools.py").exists()
    assert "moved     demo_agent/tools.py -> demo_agent/tools/__init__.py (with your edits)" in result.stdout
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2.0.0"
    assert "AGENTS.md" in git(project, "diff", "--name-only", "--diff-filter=U")  # git knows the conflict
    suite = run_pytest(project, "tests/test_agent.py", "tests/test_local.py")
    assert suite.returncode == 0, suite.stdout[-3000:]  # the moved tools still import and work


def test_dry_run_and_check_update_preview_v2_without_touching_the_project(v1_project):
    repo, project = v1_project
    release_v2(repo)
    before = tree(project)

    checked = scaffold("check-update", "--trust", "--json", "--project", str(project))
    dry = scaffold("update", "--dry-run", "--trust", "--project", str(project))

    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert (report["current"], report["newest"], report["update_available"]) == ("v1.0.0", "v2.0.0", True)
    assert "CHANGELOG.md" in report["changes"]["added"]
    assert report["changes"]["conflicts"] == ["AGENTS.md"]
    assert dry.exit_code == 0, dry.output
    assert "Dry run: to update demo-agent from v1.0.0 to v2.0.0, scaffold would change" in dry.stdout
    assert "CONFLICT  AGENTS.md" in dry.stdout
    assert tree(project) == before and is_clean(project)


def test_migrations_need_trust_and_check_update_says_so(v1_project):
    repo, project = v1_project
    release_v2(repo)
    before = tree(project)

    refused = scaffold("update", "--project", str(project))
    checked = scaffold("check-update", "--project", str(project))

    assert refused.exit_code == 2
    assert "runs code on your machine during the update (migrations)" in refused.stderr
    assert "--trust" in refused.stderr and "nothing was changed" in refused.stderr
    assert checked.exit_code == 0
    assert "A newer template version is available: v1.0.0 -> v2.0.0." in checked.stdout
    assert "could not be previewed" in checked.stdout
    assert tree(project) == before and is_clean(project)


def test_up_to_date_and_unknown_and_older_versions(v1_project):
    _repo, project = v1_project

    current = scaffold("update", "--project", str(project))
    unknown = scaffold("update", "--to", "v9.9.9", "--project", str(project))

    assert current.exit_code == 0 and "is up to date" in current.stdout
    assert unknown.exit_code == 2
    assert (
        "The template has no version 'v9.9.9' (a tag, branch or commit); nothing was changed."
        in unknown.stderr
    )


def test_a_downgrade_is_refused(tmp_path):
    repo = template_repo(tmp_path / "template", tag="v1.0.0")
    (repo / "template" / "NOTES.md").write_text("1.1\n")
    commit_all(repo, "template 1.1")
    git(repo, "tag", "v1.1.0")
    project = new_project(tmp_path / "work", "-t", "local", "--template", f"{repo}@v1.1.0")

    result = scaffold("update", "--to", "v1.0.0", "--project", str(project))

    assert result.exit_code == 2
    assert "v1.0.0 is older than the project's template version v1.1.0" in result.stderr


def test_an_update_inside_a_monorepo(tmp_path):
    repo = template_repo(tmp_path / "template")
    monorepo = tmp_path / "monorepo"
    (monorepo / "docs").mkdir(parents=True)
    (monorepo / "docs" / "index.md").write_text("# Company docs\n")
    git(monorepo, "init", "-q")
    project = new_project(monorepo / "services", "-t", "local", "--template", str(repo), name="demo-agent")
    commit_all(monorepo, "add the agent")
    user_edits(project)
    release_v2(repo)

    result = scaffold("update", "--trust", "--project", str(project))

    assert result.exit_code == 1, result.output  # the AGENTS.md conflict, as in a standalone project
    assert (project / "CHANGELOG.md").is_file()
    assert (project / "demo_agent" / "tools" / "__init__.py").read_text().endswith(USER_TOOL)
    outside = [
        line for line in git(monorepo, "status", "--porcelain").splitlines() if "services/" not in line
    ]
    assert outside == []


def test_the_builtin_version_is_rebuilt_on_another_machine(tmp_path, fresh_machine):
    """Same toolkit version elsewhere: the cache is rebuilt from the package, identical, and updates work."""
    project = new_project(tmp_path, "-t", "local")

    result = scaffold("target", "add", "lambda", "--project", str(project))

    assert result.exit_code == 0, result.output
    assert (fresh_machine / "scaffold" / "templates" / "builtin" / "agent.git").is_dir()


def test_an_older_builtin_version_missing_here_is_explained_then_imported(tmp_path, monkeypatch):
    """A project made by agent-scaffold 0.0.9 on another machine: this cache lacks v0.0.9 until imported."""
    old_toolkit = tmp_path / "agent-scaffold-0.0.9"
    (old_toolkit / "scaffold").mkdir(parents=True)
    (old_toolkit / "scaffold" / "__init__.py").write_text('__version__ = "0.0.9"\n')
    old_template = copy_template(old_toolkit / "templates" / "agent")
    readme = old_template / "template" / "README.md.jinja"
    readme.write_text(
        readme.read_text().replace("# {{ project_name }}\n", "# {{ project_name }} (0.0.9)\n", 1)
    )
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "machine-a"))
    assert scaffold("template", "import", str(old_toolkit)).exit_code == 0
    project = tmp_path / "demo-agent"
    with scaffold_urls():
        copier.run_copy(
            "scaffold://builtin/agent.git",
            project,
            data={"project_name": "demo-agent", "targets": ["local"]},
            vcs_ref="v0.0.9",
            defaults=True,
            quiet=True,
        )
    git(project, "init", "-q")
    commit_all(project, "made with 0.0.9")
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "machine-b"))

    missing = scaffold("update", "--project", str(project))

    assert missing.exit_code == 1
    assert "The built-in template v0.0.9 is not in this machine's template cache" in missing.stderr
    assert "scaffold template import PATH" in missing.stderr
    assert scaffold("template", "import", str(old_toolkit)).exit_code == 0
    updated = scaffold("update", "--project", str(project))
    assert updated.exit_code == 0, updated.output
    assert f"from v0.0.9 to v{__version__}" in updated.stdout
    assert "(0.0.9)" not in (project / "README.md").read_text()


def test_a_project_without_a_versioned_template_is_explained(tmp_path):
    template = copy_template(tmp_path / "unversioned")
    project = new_project(tmp_path / "work", "-t", "local", "--template", str(template))

    result = scaffold("update", "--project", str(project))

    assert result.exit_code == 2
    assert "records no versioned template (_src_path and _commit)" in result.stderr
