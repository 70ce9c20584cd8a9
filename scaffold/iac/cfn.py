"""Small builders for CloudFormation templates as Python dicts, shared by the per-target modules.

Templates are data, never text: every builder returns dicts and lists that ``json.dumps`` turns into a
well-formed template, and intrinsic functions are dicts too (``ref``, ``get_att``, ``sub``). Policies come
from ``policies`` with ``${AWS::Region}``-style placeholders, which ``substitute`` wraps in ``Fn::Sub``, so
the one policy function serves templates and deployers alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .policies import PolicyDocument, assume_role_policy

TEMPLATE_FORMAT_VERSION = "2010-09-09"
PARTITION = "${AWS::Partition}"
REGION = "${AWS::Region}"
ACCOUNT = "${AWS::AccountId}"
URL_SUFFIX = "${AWS::URLSuffix}"

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)  # fmt: skip
DEFAULT_LOG_RETENTION_DAYS = 30

Json = dict[str, Any]


@dataclass
class Template:
    """A template under construction; ``body()`` is the finished document."""

    description: str
    parameters: Json = field(default_factory=dict)
    conditions: Json = field(default_factory=dict)
    rules: Json = field(default_factory=dict)  # parameter assertions checked before anything is created
    resources: Json = field(default_factory=dict)
    outputs: Json = field(default_factory=dict)
    metadata: Json = field(default_factory=dict)
    parameter_values: dict[str, str] = field(default_factory=dict)  # values known at export time

    def body(self) -> Json:
        document: Json = {
            "AWSTemplateFormatVersion": TEMPLATE_FORMAT_VERSION,
            "Description": self.description,
        }
        for key, section in (
            ("Metadata", self.metadata),
            ("Parameters", self.parameters),
            ("Rules", self.rules),
            ("Conditions", self.conditions),
            ("Resources", self.resources),
            ("Outputs", self.outputs),
        ):
            if section:
                document[key] = section
        return document

    def output(self, name: str, value: Any, description: str) -> None:
        self.outputs[name] = {"Description": description, "Value": value}


def ref(name: str) -> Json:
    return {"Ref": name}


def get_att(resource: str, attribute: str) -> Json:
    return {"Fn::GetAtt": [resource, attribute]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def substitute(value: Any) -> Any:
    """``value`` with every string holding a ``${...}`` placeholder wrapped in ``Fn::Sub``."""
    if isinstance(value, str):
        return sub(value) if "${" in value else value
    if isinstance(value, Mapping):
        return {key: substitute(item) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item) for item in value]
    return value


def parameter(kind: str, description: str, **extra: Any) -> Json:
    return {"Type": kind, "Description": description, **extra}


def log_retention_parameter(default: int = DEFAULT_LOG_RETENTION_DAYS) -> Json:
    """``default``: the environment's ``log_retention_days`` when the export is for one."""
    return parameter(
        "Number",
        "Days CloudWatch Logs keeps the agent's logs.",
        Default=default,
        AllowedValues=list(LOG_RETENTION_DAYS),
    )


def checkov_skip(resource: Json, *skips: tuple[str, str]) -> Json:
    """``resource`` with checkov checks that do not apply suppressed in its Metadata, each with its reason
    (checkov reads ``Metadata.checkov.skip``), so a reviewer sees every exception next to the resource."""
    listed = resource.setdefault("Metadata", {}).setdefault("checkov", {}).setdefault("skip", [])
    listed.extend({"id": check, "comment": reason} for check, reason in skips)
    return resource


LOG_GROUP_KMS = (
    "CKV_AWS_158",
    "CloudWatch Logs encrypts every log group at rest; a customer managed KMS key (and its key policy) is "
    "an organisation-wide choice this template does not make for you.",
)


def retained(resource_type: str, properties: Json) -> Json:
    """A resource holding data (logs, conversations) that deleting or replacing the stack must not delete:
    ``Retain`` on both, so the data outlives the stack and the owner decides when it goes."""
    return {
        "Type": resource_type,
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def log_group(name: str, retention_parameter: str) -> Json:
    """A log group with a retention, created by the stack so the role can be scoped to it. ``Retain`` keeps
    logs a deleted stack leaves behind for the retention period instead of deleting them with it."""
    group = retained(
        "AWS::Logs::LogGroup", {"LogGroupName": sub(name), "RetentionInDays": ref(retention_parameter)}
    )
    return checkov_skip(group, LOG_GROUP_KMS)


def role(
    service: str,
    policies: Mapping[str, PolicyDocument],
    *,
    description: str,
    source_account: str | None = None,
    source_arn: str | None = None,
) -> Json:
    """An IAM role ``service`` assumes, with inline policies (they live and die with the role, and the
    stack can be read in one place). The role has no name, so one template deploys as many stacks (IAM
    guardrails with a name prefix name it: ``role_guardrails``)."""
    trust = assume_role_policy(service, source_account=source_account, source_arn=source_arn)
    properties: Json = {"Description": description, "AssumeRolePolicyDocument": substitute(trust)}
    inline = [
        {"PolicyName": name, "PolicyDocument": substitute(policy)}
        for name, policy in policies.items()
        if policy["Statement"]
    ]
    if inline:
        properties["Policies"] = inline
    return {"Type": "AWS::IAM::Role", "Properties": properties}


def with_overrides(env: Mapping[str, str], overrides: Mapping[str, Any]) -> Json:
    """The ``AGENT_*`` environment with values only the stack knows (a bucket it creates) put in."""
    merged: Json = dict(env)
    merged.update(overrides)
    return merged


CODE_BUCKET = "CodeBucket"
CODE_KEY = "CodeKey"
LOG_RETENTION = "LogRetentionDays"


def code_parameters(key: str) -> Json:
    """``CodeBucket`` (the pipeline's bucket) and ``CodeKey`` (default: the artifact's content-hash key)."""
    return {
        CODE_BUCKET: parameter(
            "String",
            "S3 bucket holding the packaged artifact (in the stack's Region).",
            AllowedPattern="^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        ),
        CODE_KEY: parameter(
            "String", "S3 key of the artifact; the default is the exported build's content hash.", Default=key
        ),
    }


def artifact_metadata(project_name: str, target: str, artifact: Any, notes: Mapping[str, str]) -> Json:
    """What the template was exported from, so a reader can tell which build a stack runs."""
    return {
        "AgentScaffold": {
            "Project": project_name,
            "Target": target,
            "Artifact": {
                "Sha256": artifact.sha256,
                "SizeBytes": artifact.size_bytes,
                "Architecture": artifact.arch,
                "PythonVersion": artifact.python_version,
            },
            **notes,
        }
    }
