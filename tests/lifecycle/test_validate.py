"""``scaffold template validate``: the sample layer passes; broken layers fail with a report that says why.

The built-in template's full run is tests/test_template_combinations.py (the same engine, as a test).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from scaffold.lifecycle.combinations import COMBINATIONS, covering_set, uncovered
from scaffold.lifecycle.validation_source import questions_of

from .helpers import SAMPLE_LAYER, TEMPLATE, scaffold


def broken_layer(tmp_path: Path) -> Path:
    layer = tmp_path / "broken-layer"
    shutil.copytree(SAMPLE_LAYER, layer)
    return layer


def test_the_sample_layer_passes_every_combination():
    result = scaffold("template", "validate", str(SAMPLE_LAYER))

    assert result.exit_code == 0, result.output
    table = result.stdout.splitlines()
    assert table[0].split()[:2] == ["combination", "targets"]
    rows = [line for line in table[1:] if line.strip() and not line.startswith(" ")]
    expected = list(COMBINATIONS)  # every choice is in the curated table (iam-mixed makes ci=github)
    assert [row.split()[0] for row in rows[: len(expected)]] == expected
    assert all(row.rstrip().endswith("PASS") for row in rows[: len(expected)])
    assert f"{len(expected)} of {len(expected)} combinations passed." in result.stdout
    assert "Validating the organisation layer acme-agents 1.0.0" in result.stderr


def test_unrendered_template_syntax_fails_with_the_file_and_line(tmp_path):
    layer = broken_layer(tmp_path)
    (layer / "files" / "OWNERS.md").write_text("Owners\n\nCost center: {{ cost_center }}\n")  # not .jinja

    result = scaffold("template", "validate", str(layer), "-c", "local-jwt", "-c", "everything")

    assert result.exit_code == 1
    assert "local-jwt" in result.stdout and "FAIL" in result.stdout
    assert "local-jwt - leftovers failed:" in result.stdout
    assert "OWNERS.md:3: {{" in result.stdout
    assert "0 of 2 combinations passed; failed: local-jwt, everything" in result.stdout
    assert "2 of 2 combinations failed" in result.stderr


def test_a_failing_project_test_is_reported_with_pytest_output(tmp_path):
    layer = broken_layer(tmp_path)
    (layer / "files" / "tests" / "test_policy.py").write_text(
        "def test_every_agent_has_an_owner() -> None:\n    raise AssertionError('no OWNERS file')\n"
    )

    result = scaffold("template", "validate", str(layer), "-c", "local-jwt", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False
    (case,) = report["combinations"]
    assert case["result"] == "fail"
    assert case["checks"]["render"]["ok"] and case["checks"]["ruff"]["ok"]
    assert case["checks"]["tests"]["ok"] is False
    assert "no OWNERS file" in case["checks"]["tests"]["detail"]


def test_answers_the_template_refuses_are_a_render_failure_not_a_crash(tmp_path):
    layer = broken_layer(tmp_path)
    config = layer / "layer.yml"
    config.write_text(
        config.read_text().replace("  jwt_discovery_url: https://login", "  jwt_discovery_url: ftp://login")
    )

    # servers-s3 answers auth=none in the base set, so under the layer's forced auth=jwt the discovery URL
    # is the layer's (broken) default rather than a combination's own JWT answers.
    result = scaffold("template", "validate", str(layer), "-c", "servers-s3")

    assert result.exit_code == 1
    assert "servers-s3 - render failed:" in result.stdout
    assert "the template refused these answers" in result.stdout and "jwt_discovery_url" in result.stdout


def test_a_malformed_layer_is_refused_before_rendering(tmp_path):
    layer = broken_layer(tmp_path)
    (layer / "layer.yml").write_text("name: acme\nversion: 1.0.0\n")

    result = scaffold("template", "validate", str(layer))

    assert result.exit_code == 2
    assert "base must be a mapping" in result.stderr


def test_builtin_validates_from_the_command_line():
    result = scaffold("template", "validate", "builtin", "-c", "local-jwt")

    assert result.exit_code == 0, result.output
    assert "1 of 1 combinations passed." in result.stdout


def test_an_unknown_combination_is_named(tmp_path):
    result = scaffold("template", "validate", "builtin", "-c", "nope")

    assert result.exit_code == 2
    assert "No combination 'nope'; choose from: everything," in result.stderr


def test_forced_answers_collapse_combinations_and_new_choices_get_one():
    questions = questions_of(TEMPLATE)
    questions["region_tier"] = {"type": "str", "choices": ["gold", "silver"], "default": "gold"}

    combos = covering_set(questions, {"auth": "jwt", "telemetry": "otlp", "memory": "none"})

    assert all(c["auth"] == "jwt" and c["memory"] == "none" for c in combos.values())
    assert "region_tier-silver" in combos
    assert uncovered(combos, {k: v for k, v in questions.items() if k not in ("auth", "memory")}) == [
        ("telemetry", "none"),
        ("telemetry", "console"),
    ]


def test_another_template_gets_a_generic_covering_set(tmp_path):
    questions = {
        "flavour": {"type": "str", "choices": ["a", "b", "c"], "default": "a"},
        "name": {"type": "str"},
    }

    combos = covering_set(questions)

    assert list(combos) == ["defaults", "flavour-b", "flavour-c"]
