"""Shared helpers for the IaC tests: a stand-in artifact, projects from answer sets, policy walking."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.environments.settings import AlarmSettings, Environment, EnvironmentTable
from scaffold.project import Project

SHA = "0123456789abcdef" * 4
DISCOVERY_URL = (
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/openid-configuration"
)
ALL_TARGETS = ["agentcore", "lambda", "fastapi", "local"]

# The APIs whose only accepted resource is "*" (each use is commented in scaffold/iac/policies.py).
STAR_ONLY_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "ecr:GetAuthorizationToken",
        "cloudwatch:PutMetricData",
    }
)


@dataclass(frozen=True)
class FakeArtifact:
    """The attributes the packaging step's artifact has (``scaffold.iac.artifact.Artifact``)."""

    path: Path = Path("/build/demo-agent-lambda-arm64.zip")
    sha256: str = SHA
    size_bytes: int = 12_345_678
    arch: str = "arm64"
    python_version: str = "3.12"
    entrypoint: str = "demo_agent.entrypoints.lambda_handler.handler"


# What packaging hands over per target (entry points as scaffold/packaging/targets.py builds them).
ENTRYPOINTS = {
    "lambda": "demo_agent.entrypoints.lambda_handler.handler",
    "agentcore": "agentcore_main.py",
    "fastapi": "demo_agent.entrypoints.http_app:app",
}


def artifact_for(target: str, **changes: Any) -> FakeArtifact:
    fields: dict[str, Any] = {"entrypoint": ENTRYPOINTS[target], **changes}
    return FakeArtifact(**fields)


# Answer sets covering auth none/jwt/iam, memory none/file/s3/agentcore (given and created), providers
# offline/bedrock (foundation model, geographic and global profiles), guardrails and telemetry otlp.
ANSWER_SETS: Mapping[str, dict[str, Any]] = {
    "defaults": {},
    "jwt-s3-bedrock-us-otlp": {
        "auth": "jwt",
        "jwt_discovery_url": DISCOVERY_URL,
        "jwt_allowed_clients": "web-client,cli-client",
        "jwt_allowed_scopes": "agent/invoke",
        "memory": "s3",
        "session_bucket": "team-agent-sessions",
        "model_provider": "bedrock",
        "model_id": "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "guardrails": "bedrock",
        "guardrail_id": "gr7example",
        "telemetry": "otlp",
    },
    "iam-agentcore-memory-created-bedrock-model": {
        "auth": "iam",
        "memory": "agentcore",
        "model_provider": "bedrock",
        "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
        "telemetry": "console",
    },
    "jwt-agentcore-memory-given-global-otlp": {
        "auth": "jwt",
        "jwt_discovery_url": DISCOVERY_URL,
        "jwt_allowed_audiences": "agent-api",
        "memory": "agentcore",
        "memory_id": "demo_agent_mem-AbCdE12345",
        "model_provider": "bedrock",
        "model_id": "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "guardrails": "local",
        "telemetry": "otlp",
    },
    "none-s3-bucket-created-eu-otlp": {
        "memory": "s3",
        "model_provider": "bedrock",
        "model_id": "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "telemetry": "otlp",
    },
    "none-nomemory-anthropic": {
        "memory": "none",
        "model_provider": "anthropic",
        "model_id": "claude-sonnet-4",
    },
    "lambda-snapstart": {"lambda_snapstart": True},
    "lambda-streaming-jwt": {
        "lambda_streaming": True,
        "auth": "jwt",
        "jwt_discovery_url": DISCOVERY_URL,
        "jwt_allowed_clients": "web-client",
    },
}


def make_project(answers: Mapping[str, Any] | None = None, *, targets: list[str] | None = None) -> Project:
    full: dict[str, Any] = {
        "project_name": "demo-agent",
        "targets": targets or ALL_TARGETS,
        "python_version": "3.12",
        "aws_region": "us-east-1",
        "model_provider": "offline",
        "model_id": "offline",
        "auth": "none",
        "memory": "file",
        "guardrails": "none",
        "telemetry": "none",
        **(answers or {}),
    }
    return Project(
        root=Path("/projects/demo-agent"),
        project_name="demo-agent",
        package_name="demo_agent",
        targets=tuple(full["targets"]),
        model_provider=full["model_provider"],
        answers=full,
    )


def exportable(target: str, answer_set: str) -> bool:
    """fastapi refuses auth=iam (nothing in front of it verifies SigV4); every other pair exports."""
    return not (target == "fastapi" and ANSWER_SETS[answer_set].get("auth") == "iam")


def role_policies(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(role logical id, policy document)`` for every inline policy of every role in ``template``."""
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                yield logical_id, policy["PolicyDocument"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str:
    """A resource as text: a literal, or the string inside ``Fn::Sub``."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    assert isinstance(value, str), f"unexpected resource {value!r}"
    return value


def statements(template: Mapping[str, Any], role: str | None = None) -> list[dict[str, Any]]:
    return [
        statement
        for logical_id, document in role_policies(template)
        if role is None or logical_id == role
        for statement in document["Statement"]
    ]


def resources_of(template: Mapping[str, Any], action: str, role: str | None = None) -> list[str]:
    return [
        text(resource)
        for statement in statements(template, role)
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


def prod_environment(**alarms: Any) -> Environment:
    """A declared ``prod`` environment, as ``environments.toml`` would give it: a year of logs, an on-call
    topic and its own thresholds (``alarms`` overrides them)."""
    settings = {
        "topic_arn": "arn:aws:sns:eu-west-1:123456789012:oncall",
        "error_threshold": 5,
        "latency_p90_ms": 30_000,
        "tokens_per_request": 20_000,
        **alarms,
    }
    table = EnvironmentTable(region="eu-west-1", log_retention_days=365, alarms=AlarmSettings(**settings))
    return Environment("prod", table, declared=True, source=Path("environments.toml"))


def lambda_code_zip() -> bytes:
    """The smallest code object a stack's Lambda function can be created from: a handler returning ``{}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "demo_agent/entrypoints/lambda_handler.py", "def handler(event, context):\n    return {}\n"
        )
    return buffer.getvalue()
