"""checkov and cfn-lint over every exported template CI covers: 0 failed checks, every exception explained.

The templates are the IaC answer sets (``tests/iac/support.py``) and the lifecycle's covering combinations
(``scaffold/lifecycle/combinations.py``), each exported for every target it has that exports. checkov runs
as a pipeline runs it: the command line, ``--framework cloudformation``, quiet, JSON output, and with
``--skip-download`` (no network: its guidelines live at a vendor's API). A check that does not apply is
suppressed in the resource's ``Metadata.checkov.skip`` with its reason; the set of suppressed checks is
pinned below, so a new exception is a reviewed change, never a silent one.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.config import ManualArgs

from scaffold.iac.cloudformation import BUILDERS, export
from scaffold.lifecycle.combinations import COMBINATIONS
from tests.support.processes import run_ok

from .support import ANSWER_SETS, artifact_for, exportable, make_project, prod_environment

SUPPRESSED = {
    "CKV_AWS_2",  # listener: HTTPS unless AllowHttp=true, behind Fn::If
    "CKV_AWS_103",  # listener: TLS 1.2+ policy, same
    "CKV_AWS_18",  # session bucket access logs
    "CKV_AWS_91",  # load balancer access logs
    "CKV_AWS_115",  # Lambda reserved concurrency
    "CKV_AWS_116",  # Lambda dead-letter queue (synchronous invocations only)
    "CKV_AWS_117",  # Lambda in a VPC
    "CKV_AWS_158",  # log group KMS key
    "CKV_AWS_173",  # Lambda environment KMS key
    "CKV_AWS_258",  # function URL AuthType NONE (the function verifies JWTs, or auth=none was chosen)
}


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(folder, target, answers) for every export CI covers."""
    cases = [
        (f"set-{name}", target, dict(answers))
        for name, answers in ANSWER_SETS.items()
        for target in sorted(BUILDERS)
        if exportable(target, name)
    ]
    for name, combination in COMBINATIONS.items():
        answers = {key: value for key, value in combination.items() if key != "project_name"}
        for target in combination["targets"]:
            if target in BUILDERS and not (target == "fastapi" and answers.get("auth") == "iam"):
                cases.append((f"combination-{name}", target, answers))
    return cases


CASES = _cases()
PROD = prod_environment()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("exports")
    templates = []
    for folder, target, answers in CASES:
        export(make_project(answers), target, root / folder, artifact_for(target))
        templates.append(root / folder / f"demo-agent-{target}.template.json")
    for target in sorted(BUILDERS):  # alarms notifying a topic, a year of logs: an environment's export
        export(make_project(), target, root / "environment-prod", artifact_for(target), environment=PROD)
        templates.append(root / "environment-prod" / f"demo-agent-{target}.template.json")
    assert all(path.is_file() for path in templates)
    return templates


def _checkov() -> list[str]:
    executable = shutil.which("checkov", path=str(Path(sys.executable).parent)) or shutil.which("checkov")
    assert executable, "checkov is a test dependency: pip install -e '.[test]'"
    return [executable]


@pytest.fixture(scope="module")
def checkov_report(exported: list[Path]) -> dict[str, Any]:
    result = run_ok(
        [
            *_checkov(),
            "--directory",
            str(exported[0].parent.parent),
            "--framework",
            "cloudformation",
            "--quiet",
            "--compact",
            "--skip-download",
            "--output",
            "json",
        ],
        timeout=600,
    )
    report = json.loads(result.stdout)
    assert isinstance(report, dict) and report["check_type"] == "cloudformation", result.stdout[:500]
    return report


def test_every_combination_ci_covers_is_exported() -> None:
    targets = {(folder.removeprefix("combination-"), target) for folder, target, _ in CASES}
    assert ("servers-s3", "fastapi") in targets and ("lambda-iam-s3", "lambda") in targets
    assert len(CASES) >= 25


def test_checkov_finds_no_failed_check(checkov_report: dict[str, Any], exported: list[Path]) -> None:
    summary = checkov_report["summary"]
    failed = [
        f"{item['check_id']} {item['resource']} in {item['file_path']}"
        for item in checkov_report["results"].get("failed_checks", [])
    ]
    assert failed == []
    assert summary["failed"] == 0 and summary["parsing_errors"] == 0
    assert summary["passed"] > 0 and summary["resource_count"] >= 5 * len(exported)


def test_every_suppression_is_pinned_and_has_a_reason(exported: list[Path]) -> None:
    """Read from the templates themselves: checkov's JSON report leaves the skipped checks out."""
    seen: set[str] = set()
    for path in exported:
        for name, resource in json.loads(path.read_text())["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                assert len(skip["comment"]) > 40, f"{name} in {path}: {skip}"
                seen.add(skip["id"])
    assert seen == SUPPRESSED


def test_every_export_passes_cfn_lint(exported: list[Path]) -> None:
    findings = {
        str(path): [
            f"{match.rule.id} {match.message}"
            for match in lint(
                path.read_text(encoding="utf-8"),
                config=ManualArgs(regions=["us-east-1", "eu-west-1"], include_checks=["I"]),
            )
        ]
        for path in exported
    }
    assert {path: found for path, found in findings.items() if found} == {}


def _template(answer_set: str, target: str, tmp_path: Path) -> dict[str, Any]:
    export(make_project(ANSWER_SETS[answer_set]), target, tmp_path, artifact_for(target))
    return json.loads((tmp_path / f"demo-agent-{target}.template.json").read_text())


def test_a_created_session_bucket_is_versioned_and_refuses_plain_http(tmp_path: Path) -> None:
    resources = _template("none-s3-bucket-created-eu-otlp", "lambda", tmp_path)["Resources"]

    bucket = resources["SessionBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    policy = resources["SessionBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "SessionBucket"}
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "s3:*")
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["SessionBucket", "Arn"]},
        {"Fn::Sub": "${SessionBucket.Arn}/*"},
    ]


def test_the_fastapi_listener_is_https_unless_http_is_allowed_by_name(tmp_path: Path) -> None:
    template = _template("defaults", "fastapi", tmp_path)

    assert template["Parameters"]["AllowHttp"]["Default"] == "false"
    assert template["Parameters"]["AllowHttp"]["AllowedValues"] == ["false", "true"]
    (assertion,) = template["Rules"]["HttpsUnlessHttpAllowed"]["Assertions"]
    assert assertion["Assert"] == {
        "Fn::Or": [
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "CertificateArn"}, ""]}]},
            {"Fn::Equals": [{"Ref": "AllowHttp"}, "true"]},
        ]
    }
    listener = template["Resources"]["Listener"]["Properties"]
    assert listener["Protocol"] == {"Fn::If": ["HasCertificate", "HTTPS", "HTTP"]}
    assert listener["SslPolicy"]["Fn::If"][1] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
