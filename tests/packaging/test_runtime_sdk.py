"""The decision to leave the AWS SDK out of a Lambda zip (issue 11, item 11): only while the runtime's
documented copy satisfies every packed distribution's requirement on it."""

from __future__ import annotations

from importlib import metadata

from scaffold.packaging.lambda_runtime import (
    LAMBDA_PYTHON_SDK,
    Shortfall,
    provided_versions,
    requested_extras,
    shortfalls,
)

SDK = ("boto3", "botocore", "s3transfer")
OLD_RUNTIME = {"boto3": "1.34.145", "botocore": "1.34.145"}


def decide(
    requires: dict[str, list[str]],
    provided: dict[str, str] = OLD_RUNTIME,
    *,
    arch: str = "arm64",
    extras: dict[str, set[str]] | None = None,
) -> list[str]:
    found = shortfalls(requires, provided, SDK, python="3.12", arch=arch, extras=extras)
    return [str(item) for item in found]


def test_a_requirement_newer_than_the_runtime_copy_is_a_shortfall() -> None:
    requires = {
        "bedrock-agentcore": ["boto3>=1.43.115", "botocore>=1.43.115", "pydantic<2.41.3,>=2.0.0"],
        "strands-agents": ["boto3<2.0.0,>=1.26.0", "botocore<2.0.0,>=1.29.0"],
    }
    assert decide(requires) == [
        "bedrock-agentcore requires boto3>=1.43.115, and the runtime provides boto3 1.34.145",
        "bedrock-agentcore requires botocore>=1.43.115, and the runtime provides botocore 1.34.145",
    ]


def test_requirements_the_runtime_copy_satisfies_leave_the_sdk_out() -> None:
    requires = {"strands-agents": ["boto3<2.0.0,>=1.26.0", "botocore<2.0.0,>=1.29.0"], "six": []}
    assert decide(requires) == []


def test_an_upper_bound_below_the_runtime_copy_is_a_shortfall_too() -> None:
    assert decide({"legacy": ["botocore<1.30"]}) == [
        "legacy requires botocore<1.30, and the runtime provides botocore 1.34.145"
    ]


def test_the_sdks_own_requirements_do_not_count() -> None:
    """boto3 in the layer pins its botocore, but the runtime's boto3 comes with the runtime's botocore."""
    assert decide({"boto3": ["botocore<1.45.0,>=1.44.18"], "s3transfer": ["botocore>=1.37.4"]}) == []


def test_markers_are_evaluated_for_the_target_and_extras_only_when_asked() -> None:
    requires = {
        "tool": [
            "boto3>=1.40; python_version < '3.11'",  # not on 3.12
            "botocore>=1.40; platform_machine == 'aarch64'",  # arm64 is aarch64
            "boto3>=1.41; extra == 'aws'",  # only when tool[aws] is asked for
        ]
    }
    assert decide(requires) == ["tool requires botocore>=1.40, and the runtime provides botocore 1.34.145"]
    assert decide(requires, arch="x86_64") == []
    assert decide(requires, arch="x86_64", extras=requested_extras(["tool[aws]>=1"])) == [
        "tool requires boto3>=1.41, and the runtime provides boto3 1.34.145"
    ]


def test_a_runtime_with_no_documented_version_cannot_be_relied_on() -> None:
    assert provided_versions("3.19") == {}
    found = shortfalls({"strands-agents": ["boto3>=1.26.0"]}, provided_versions("3.19"), SDK, python="3.19",
                       arch="arm64")  # fmt: skip
    assert found == [Shortfall("strands-agents", "boto3>=1.26.0", None)]
    assert str(found[0]).endswith("requires boto3>=1.26.0, and the runtime documents no boto3 version")
    assert decide({"strands-agents": []}, provided={}) == []  # nothing required: nothing missing


def test_the_real_bedrock_agentcore_metadata_needs_more_than_every_documented_runtime() -> None:
    requires = {"bedrock-agentcore": metadata.requires("bedrock-agentcore") or []}
    for python, provided in LAMBDA_PYTHON_SDK.items():
        found = shortfalls(requires, provided, SDK, python=python, arch="arm64")
        assert [item.requirement.split(">=")[0] for item in found] == ["boto3", "botocore"], python
