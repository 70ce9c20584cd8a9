"""Organisation layers: defaults, forced answers, added files, updates, rebuilding on another machine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scaffold import __version__

from .helpers import SAMPLE_LAYER, commit_all, git, new_project, run_pytest, scaffold, tree

BASE = f"v{__version__}"


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def layer_repo(destination: Path) -> Path:
    """The sample layer in a git repository of its own, released as v1.0.0."""
    shutil.copytree(SAMPLE_LAYER, destination)
    git(destination, "init", "-q")
    commit_all(destination, "acme-agents 1.0.0")
    git(destination, "tag", "v1.0.0")
    return destination


def release_1_1(repo: Path) -> None:
    """Layer 1.1.0: a new ACME.md line and a new default."""
    config = repo / "layer.yml"
    config.write_text(config.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    notes = repo / "files" / "ACME.md.jinja"
    notes.write_text(notes.read_text() + "\nOn-call: the platform team, 24/7.\n")
    commit_all(repo, "acme-agents 1.1.0")
    git(repo, "tag", "v1.1.0")


def test_the_sample_layer_sets_defaults_forces_answers_and_adds_files(tmp_path):
    project = new_project(tmp_path, "--template", str(SAMPLE_LAYER), "-t", "local", "-t", "fastapi")

    recorded = answers(project)
    assert recorded["model_provider"] == "bedrock"  # a layer default
    assert (recorded["auth"], recorded["telemetry"], recorded["aws_region"]) == (
        "jwt",
        "otlp",
        "eu-central-1",
    )
    assert recorded["cost_center"] == "CC-0000"  # the layer's own question
    assert recorded["_src_path"].startswith("scaffold://layer/acme-agents-")
    assert recorded["_commit"] == f"{BASE}+layer.1.0.0"
    assert recorded["_scaffold_layer"] == {"name": "acme-agents", "source": str(SAMPLE_LAYER)}
    assert "| cost center | `CC-0000` |" in (project / "ACME.md").read_text()
    assert (project / "AGENTS.md").read_text().startswith("# AGENTS.md: ACME platform rules")  # an override
    suite = run_pytest(project, "tests/test_acme_platform.py", "tests/test_auth_jwt.py")
    assert suite.returncode == 0, suite.stdout[-3000:]


def test_a_default_can_be_changed_but_a_forced_answer_cannot(tmp_path):
    changed = scaffold(
        "new", "own-agent", "--defaults", "-o", str(tmp_path), "--template", str(SAMPLE_LAYER),
        "-t", "local", "-d", "model_provider=offline", "-d", "cost_center=CC-1234",
    )  # fmt: skip
    refused = scaffold(
        "new",
        "rogue-agent",
        "--defaults",
        "-o",
        str(tmp_path),
        "--template",
        str(SAMPLE_LAYER),
        "-d",
        "auth=none",
    )

    assert changed.exit_code == 0, changed.output
    assert answers(tmp_path / "own-agent")["model_provider"] == "offline"
    assert refused.exit_code == 2
    assert "auth is fixed to 'jwt' by the organisation layer acme-agents 1.0.0" in refused.stderr
    assert not (tmp_path / "rogue-agent").exists()


def test_configure_refuses_a_forced_answer_and_applies_a_layer_question(tmp_path):
    project = new_project(tmp_path, "--template", str(SAMPLE_LAYER), "-t", "local")
    before = tree(project)

    refused = scaffold("configure", "telemetry=none", "--project", str(project))
    assert refused.exit_code == 2
    assert "telemetry is fixed to 'otlp' by the organisation layer acme-agents" in refused.stderr
    assert tree(project) == before

    changed = scaffold("configure", "cost_center=CC-4242", "--project", str(project))
    assert changed.exit_code == 0, changed.output
    assert "| cost center | `CC-4242` |" in (project / "ACME.md").read_text()


def test_a_layer_update_reaches_its_projects(tmp_path):
    repo = layer_repo(tmp_path / "layer")
    project = new_project(tmp_path / "work", "--template", str(repo), "-t", "local")
    notes = project / "ACME.md"
    notes.write_text(notes.read_text().replace("on the ACME agent platform", "on ACME (team weather)"))
    commit_all(project, "our channel")
    release_1_1(repo)

    checked = scaffold("check-update", "--project", str(project))
    updated = scaffold("update", "--project", str(project))

    assert f"{BASE}+layer.1.0.0 -> {BASE}+layer.1.1.0" in checked.stdout
    assert updated.exit_code == 0, updated.output
    text = notes.read_text()
    assert "On-call: the platform team, 24/7." in text and "# demo-agent on ACME (team weather)" in text
    assert answers(project)["_commit"] == f"{BASE}+layer.1.1.0"


def test_a_git_hosted_layer_is_rebuilt_on_another_machine(tmp_path, fresh_machine, monkeypatch):
    repo = layer_repo(tmp_path / "layer")
    url = f"file://{repo}"
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path / "first-machine"))
    project = new_project(tmp_path / "work", "--template", f"{url}@v1.0.0", "-t", "local")
    assert answers(project)["_scaffold_layer"]["source"] == url
    release_1_1(repo)
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(fresh_machine / "scaffold"))  # the cache did not travel

    updated = scaffold("update", "--project", str(project))

    assert updated.exit_code == 0, updated.output
    assert f"from {BASE}+layer.1.0.0 to {BASE}+layer.1.1.0" in updated.stdout
    assert "On-call: the platform team" in (project / "ACME.md").read_text()


def test_a_changed_local_layer_must_bump_its_version(tmp_path):
    layer = tmp_path / "layer"
    shutil.copytree(SAMPLE_LAYER, layer)
    new_project(tmp_path / "a", "--template", str(layer), "-t", "local")
    (layer / "files" / "ACME.md.jinja").write_text("changed without a version bump\n")

    result = scaffold("new", "other-agent", "--defaults", "-o", str(tmp_path / "b"), "--template", str(layer))

    assert result.exit_code == 2
    assert (
        "Layer acme-agents 1.0.0 changed since it was first used on this machine; bump version"
        in result.stderr
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("forced:\n", "forced:\n  colour: blue\n"),
            "forced.colour: the base template has no question 'colour'",
        ),
        (("  auth: jwt\n", "  auth: kerberos\n"), "forced.auth='kerberos' is not one of none, jwt, iam"),
        (("name: acme-agents\n", "name: Acme Agents\n"), "name must be lowercase letters"),
        (('  ref: "0.2.0"\n', "  ref: main\n"), "base.ref must pin a version tag"),
        (("version: 1.0.0\n", "versoin: 1.0.0\n"), "unknown key(s) versoin"),
    ],
)
def test_a_malformed_layer_is_one_clear_line(tmp_path, edit, message):
    layer = tmp_path / "layer"
    shutil.copytree(SAMPLE_LAYER, layer)
    config = layer / "layer.yml"
    config.write_text(config.read_text().replace(*edit, 1))

    result = scaffold("new", "x-agent", "--defaults", "-o", str(tmp_path / "out"), "--template", str(layer))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_compose_writes_a_plain_copier_template_for_publishing(tmp_path):
    output = tmp_path / "composed"

    result = scaffold("template", "compose", str(SAMPLE_LAYER), "-o", str(output))

    assert result.exit_code == 0, result.output
    config = yaml.safe_load((output / "copier.yml").read_text())
    assert config["auth"]["default"] == "jwt" and list(config["auth"]["choices"].values()) == ["jwt"]
    assert config["model_provider"]["default"] == "bedrock"
    assert (output / "template" / "ACME.md.jinja").is_file()
    assert (output / "scaffold-layer.json").is_file()
