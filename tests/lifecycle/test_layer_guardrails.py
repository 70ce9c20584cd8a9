"""An organisation layer that forces IAM guardrails (``iam:`` in layer.yml): its projects record them, the
export applies them, an environment of the project that drops one is refused before anything is built or
called, ``template validate`` reports them, and a malformed ``iam:`` is one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from scaffold.environments.guardrails import GuardrailConflict, effective_guardrails
from scaffold.environments.settings import load_environment
from scaffold.iac.cloudformation import build_template
from scaffold.lifecycle.report import forced_iam_line, validation_json
from scaffold.lifecycle.validation_source import validation_source
from scaffold.project import load_project
from tests.iac.support import artifact_for

from .helpers import SAMPLE_LAYER, new_project, scaffold

BOUNDARY = "arn:aws:iam::123456789012:policy/AcmeBoundary"
IAM = f"""
iam:
  permissions_boundary: {BOUNDARY}
  role_path: /acme/
  required_tags:
    CostCenter: ai-42
"""


@pytest.fixture
def guarded_layer(tmp_path: Path) -> Path:
    layer = tmp_path / "guarded-layer"
    shutil.copytree(SAMPLE_LAYER, layer)
    config = layer / "layer.yml"
    config.write_text(config.read_text().replace("name: acme-agents", "name: acme-guarded") + IAM)
    return layer


def test_a_project_from_the_layer_records_and_applies_its_guardrails(guarded_layer, tmp_path):
    root = new_project(tmp_path, "--template", str(guarded_layer), "-t", "lambda", "-t", "local")

    record = yaml.safe_load((root / ".copier-answers.yml").read_text())["_scaffold_layer"]
    assert record["name"] == "acme-guarded"
    assert record["iam"] == {
        "permissions_boundary": BOUNDARY,
        "role_path": "/acme/",
        "required_tags": {"CostCenter": "ai-42"},
    }
    project = load_project(root)
    rails = effective_guardrails(project, None)
    assert (rails.permissions_boundary, rails.role_path, rails.role_name_prefix) == (BOUNDARY, "/acme/", "")
    template = build_template(project, "lambda", artifact_for("lambda")).body()
    role = template["Resources"]["FunctionRole"]["Properties"]
    assert template["Parameters"]["PermissionsBoundaryArn"]["AllowedValues"] == [BOUNDARY]
    assert template["Parameters"]["RolePath"]["AllowedValues"] == ["/acme/"]
    assert role["Tags"] == [{"Key": "CostCenter", "Value": "ai-42"}]

    # The project's environments.toml tries to drop the boundary: deploy and export refuse, exit code 2,
    # before building anything or calling AWS (no credentials or endpoint are even given).
    (root / "environments.toml").write_text(
        '[environments.prod]\nregion = "eu-central-1"\n[environments.prod.iam]\npermissions_boundary = ""\n'
    )
    with pytest.raises(GuardrailConflict, match=r"environments\.prod\.iam\.permissions_boundary"):
        effective_guardrails(project, load_environment(root, "prod"))
    exported = scaffold(
        "package", "-t", "lambda", "-f", "cloudformation", "--env", "prod", "--project", str(root)
    )
    (root / "environments.toml").write_text(
        '[environments.dev]\nregion = "eu-central-1"\n[environments.dev.iam]\nrole_path = "/mine/"\n'
    )
    deployed = scaffold("deploy", "-t", "lambda", "--plan", "--offline", "--project", str(root))
    assert exported.exit_code == 2, exported.output
    assert "environments.prod.iam.permissions_boundary is ''" in exported.stderr
    assert "organisation layer acme-guarded forces" in exported.stderr
    assert len(exported.stderr.strip().splitlines()) == 1
    assert deployed.exit_code == 2, deployed.output
    assert "environments.dev.iam.role_path is '/mine/'" in deployed.stderr
    assert not (root / ".scaffold" / "build").exists()


def test_template_validate_reports_the_forced_guardrails(guarded_layer, tmp_path):
    source = validation_source(str(guarded_layer), tmp_path / "scratch")
    assert source.layer_name == "acme-guarded"
    assert source.forced_iam["permissions_boundary"] == BOUNDARY
    line = forced_iam_line(source.layer_name, source.forced_iam)
    assert line == (
        "The organisation layer acme-guarded forces IAM guardrails on every role: "
        f"permissions_boundary={BOUNDARY}, role_path=/acme/, required_tags={{CostCenter=ai-42}}."
    )
    assert validation_json([], source.display, source.forced_iam)["forced_iam"] == source.forced_iam
    metadata = json.loads((Path(source.src_path) / "scaffold-layer.json").read_text())
    assert metadata["iam"] == source.forced_iam


def test_template_validate_prints_the_forced_guardrails_in_the_table_and_json(guarded_layer):
    table = scaffold("template", "validate", str(guarded_layer), "-c", "local-jwt")
    assert table.exit_code == 0, table.output
    assert "The organisation layer acme-guarded forces IAM guardrails on every role" in table.stdout
    report = scaffold("template", "validate", str(guarded_layer), "-c", "local-jwt", "--json")
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["forced_iam"]["role_path"] == "/acme/"


def test_a_layer_without_iam_records_none(tmp_path):
    source = validation_source(str(SAMPLE_LAYER), tmp_path / "scratch")
    assert source.forced_iam == {}
    metadata = json.loads((Path(source.src_path) / "scaffold-layer.json").read_text())
    assert "iam" not in metadata  # a layer composed before guardrails existed composes to the same tree


@pytest.mark.parametrize(
    ("iam", "message"),
    [
        ("iam:\n  role_path: agents\n", "iam.role_path: must start and end with /"),
        ("iam:\n  boundary: x\n", "iam.boundary: unknown key"),
        ("iam: [a]\n", "iam must be a mapping"),
        ("iam:\n  permissions_boundary: nope\n", "iam.permissions_boundary: must be an IAM managed policy"),
    ],
)
def test_a_malformed_iam_is_one_clear_line(tmp_path, iam, message):
    layer = tmp_path / "layer"
    shutil.copytree(SAMPLE_LAYER, layer)
    (layer / "layer.yml").write_text((layer / "layer.yml").read_text() + iam)

    result = scaffold("new", "x-agent", "--defaults", "-o", str(tmp_path / "out"), "--template", str(layer))

    assert result.exit_code == 2, result.output
    assert message in result.stderr and "layer.yml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_layer_whose_own_environments_toml_drops_its_boundary_fails_validate(guarded_layer):
    (guarded_layer / "files" / "environments.toml").write_text(
        '[environments.prod]\nregion = "eu-central-1"\n[environments.prod.iam]\npermissions_boundary = ""\n'
    )
    result = scaffold("template", "validate", str(guarded_layer), "-c", "local-jwt", "--json")

    assert result.exit_code == 1, result.output
    (case,) = json.loads(result.stdout)["combinations"]
    render = case["checks"]["render"]
    assert render["ok"] is False
    assert "environments.prod.iam.permissions_boundary is ''" in render["detail"]
    assert "organisation layer acme-guarded forces" in render["detail"]
