"""Where sessions live, for templates: the bucket or AgentCore Memory the answers name, or one the stack
creates when the answer was left empty, so a template deploys without anything made by hand first.

The result feeds both the role (``session_bucket`` / ``memory_arn`` for ``policies.execution_policy``) and
the environment (``AGENT_SESSION_BUCKET`` / ``AGENT_MEMORY_ID``), so they name the same resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .cfn import ACCOUNT, PARTITION, REGION, Json, checkov_skip, get_att, parameter, ref, retained, sub
from .environment import answer
from .policies import PolicyDocument, execution_policy

BUCKET = "SessionBucket"
BUCKET_POLICY = "SessionBucketPolicy"
NONCURRENT_VERSION_DAYS = 30  # versioning undoes a bad write; old versions go after this many days
MEMORY = "SessionMemory"
MEMORY_NAME_PARAMETER = "SessionMemoryName"
MEMORY_EVENT_EXPIRY_DAYS = 30
_MEMORY_NAME_MAX = 48


@dataclass
class SessionStore:
    resources: Json = field(default_factory=dict)
    parameters: Json = field(default_factory=dict)
    environment: Json = field(default_factory=dict)
    session_bucket: str | None = None  # for the policy, may hold ${...} placeholders
    memory_arn: str | None = None

    def execution_policy(
        self,
        answers: Mapping[str, Any],
        *,
        target: str,
        log_group_arn: str | None,
        runtime_name: str | None = None,
    ) -> PolicyDocument:
        """The agent's role policy inside a template: scoped to the stack's own partition, Region and
        account (pseudo parameters) and to this session store, so role and environment name one resource."""
        return execution_policy(
            answers,
            target=target,
            region=REGION,
            account=ACCOUNT,
            partition=PARTITION,
            log_group_arn=log_group_arn,
            session_bucket=self.session_bucket,
            memory_arn=self.memory_arn,
            runtime_name=runtime_name,
        )


def _s3(answers: Mapping[str, Any], package_name: str) -> SessionStore:
    if answer(answers, "session_bucket"):
        return SessionStore()
    # Conversations are user data: deleting the stack must not delete them.
    bucket = retained(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "ExpireOldSessionVersions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    }
                ]
            },
        },
    )
    checkov_skip(
        bucket,
        (
            "CKV_AWS_18",
            "Server access logs need a second bucket to receive them; the role's object access is logged by "
            "CloudTrail data events where an organisation enables them.",
        ),
    )
    return SessionStore(
        resources={BUCKET: bucket, BUCKET_POLICY: tls_only_policy(BUCKET)},
        environment={"AGENT_SESSION_BUCKET": ref(BUCKET)},
        session_bucket=f"${{{BUCKET}}}",
    )


def tls_only_policy(bucket: str) -> Json:
    """A bucket policy refusing every request made without TLS (``aws:SecureTransport`` false)."""
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(bucket),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyRequestsWithoutTls",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [get_att(bucket, "Arn"), sub(f"${{{bucket}.Arn}}/*")],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def _agentcore(answers: Mapping[str, Any], package_name: str) -> SessionStore:
    if answer(answers, "memory_id"):
        return SessionStore()
    memory = retained(
        "AWS::BedrockAgentCore::Memory",
        {
            "Name": ref(MEMORY_NAME_PARAMETER),
            "Description": "Conversation sessions of the agent (short-term memory).",
            "EventExpiryDuration": MEMORY_EVENT_EXPIRY_DAYS,
        },
    )
    name = parameter(
        "String",
        "Name of the AgentCore Memory holding sessions; unique per account and Region.",
        Default=f"{package_name}_sessions"[:_MEMORY_NAME_MAX],
        AllowedPattern="^[a-zA-Z][a-zA-Z0-9_]{0,47}$",
    )
    return SessionStore(
        resources={MEMORY: memory},
        parameters={MEMORY_NAME_PARAMETER: name},
        environment={"AGENT_MEMORY_ID": get_att(MEMORY, "MemoryId")},
        memory_arn=f"${{{MEMORY}.MemoryArn}}",
    )


_STORES: Mapping[str, Callable[[Mapping[str, Any], str], SessionStore]] = {"s3": _s3, "agentcore": _agentcore}


def session_store(answers: Mapping[str, Any], package_name: str) -> SessionStore:
    """The resources and references for the answered ``memory``; nothing for ``none`` and ``file``."""
    builder = _STORES.get(answer(answers, "memory", "file"))
    return SessionStore() if builder is None else builder(answers, package_name)
