"""The ``agentcore`` target as CloudFormation: an ``AWS::BedrockAgentCore::Runtime`` from the zipped code.

Resources: the runtime role (``policies.execution_policy``; trusted by ``bedrock-agentcore.amazonaws.com``
for this account only), the runtime (``CodeConfiguration``: the artifact in S3, its entry point, the managed
Python runtime), and the session store if the stack creates one (``sessions``; an AgentCore Memory for
``memory=agentcore`` without a ``memory_id``).

Inbound auth follows the ``auth`` answer (``_AUTHORIZERS``): ``jwt`` configures the runtime's own
``CustomJWTAuthorizer`` from the ``jwt_*`` answers and forwards the ``Authorization`` header, which the
adapter verifies again; ``iam`` and ``none`` keep AgentCore's default, SigV4. Property names are those of the
resource schema cfn-lint ships (``AgentRuntimeArtifact``, ``AuthorizerConfiguration`` ...).

The runtime creates its own log group (``/aws/bedrock-agentcore/runtimes/<runtime id>-DEFAULT``) on first
start, so the role is scoped to the groups of runtimes with this name and the stack sets no retention.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Any

from ..environments.settings import Environment
from ..errors import BadInput
from ..project import Project
from ..protocols import agentcore_protocol
from .adot import adot_environment
from .alarms import agentcore_alarms, environment_name, stack_alarms
from .artifact import Artifact, architecture, code_key, python_minor
from .cfn import (
    ACCOUNT,
    CODE_BUCKET,
    CODE_KEY,
    PARTITION,
    REGION,
    Json,
    Template,
    artifact_metadata,
    code_parameters,
    get_att,
    parameter,
    ref,
    role,
    sub,
    with_overrides,
)
from .environment import agent_environment, answer
from .sessions import session_store

TARGET = "agentcore"
RUNTIME_NAME = "RuntimeName"
PYTHON_MINORS = range(10, 15)  # PYTHON_3_10 .. PYTHON_3_14 in the resource schema
MAX_ENTRY_POINT_PARTS = 2  # e.g. ["opentelemetry-instrument", "main.py"]
DEFAULT_ENDPOINT = "DEFAULT"  # the endpoint every runtime has; the stack makes no other


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _jwt(answers: Mapping[str, Any]) -> Json:
    discovery_url = answer(answers, "jwt_discovery_url")
    if not discovery_url.endswith("/.well-known/openid-configuration"):
        raise BadInput("auth=jwt needs jwt_discovery_url, the issuer's .well-known/openid-configuration URL.")
    authorizer: Json = {"DiscoveryUrl": discovery_url}
    for key, answer_key in (
        ("AllowedClients", "jwt_allowed_clients"),
        ("AllowedAudience", "jwt_allowed_audiences"),
        ("AllowedScopes", "jwt_allowed_scopes"),
    ):
        values = _split(answer(answers, answer_key))
        if values:
            authorizer[key] = values
    return {
        "AuthorizerConfiguration": {"CustomJWTAuthorizer": authorizer},
        # AgentCore drops the Authorization header unless it is allowed; the adapter needs the token.
        "RequestHeaderConfiguration": {"RequestHeaderAllowlist": ["Authorization"]},
    }


def _sigv4(answers: Mapping[str, Any]) -> Json:
    return {}  # AgentCore's default inbound auth: SigV4 with bedrock-agentcore:InvokeAgentRuntime


_AUTHORIZERS: Mapping[str, Callable[[Mapping[str, Any]], Json]] = {"jwt": _jwt, "iam": _sigv4, "none": _sigv4}


def _entry_point(artifact: Artifact) -> list[str]:
    parts = shlex.split(artifact.entrypoint)
    if not 1 <= len(parts) <= MAX_ENTRY_POINT_PARTS:
        raise BadInput(f"An AgentCore entry point has 1 or 2 parts; got {artifact.entrypoint!r}.")
    return parts


def _runtime(artifact: Artifact) -> str:
    if architecture(artifact) != "arm64":
        raise BadInput("AgentCore Runtime runs arm64 only; package the agentcore artifact for arm64.")
    minor = python_minor(artifact)
    if minor not in PYTHON_MINORS:
        raise BadInput(f"AgentCore Runtime has no Python 3.{minor}; package for 3.10-3.14.")
    return f"PYTHON_3_{minor}"


def build(project: Project, artifact: Artifact, *, environment: Environment | None = None) -> Template:
    """``environment``: the deployment environment whose alarms the stack gets (``AlarmSettings()``'s
    defaults without one)."""
    answers = project.public_answers
    authorizer = _AUTHORIZERS.get(answer(answers, "auth", "none"))
    if authorizer is None:
        raise BadInput(f"Unknown auth answer {answers.get('auth')!r}; expected none, jwt or iam.")
    store = session_store(answers, project.package_name)
    key = code_key(project.project_name, TARGET, artifact)
    template = Template(
        description=f"{project.project_name}: Strands agent on Amazon Bedrock AgentCore Runtime",
        metadata=artifact_metadata(project.project_name, TARGET, artifact, {}),
        parameters={
            **code_parameters(key),
            RUNTIME_NAME: parameter(
                "String",
                "Name of the AgentCore runtime; unique per account and Region.",
                Default=project.package_name,
                AllowedPattern="^[a-zA-Z][a-zA-Z0-9_]{0,47}$",
            ),
            **store.parameters,
        },
        parameter_values={CODE_KEY: key},
    )
    resources = template.resources
    resources.update(store.resources)
    policy = store.execution_policy(
        answers,
        target=TARGET,
        log_group_arn=f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:/aws/bedrock-agentcore/runtimes/"
        f"${{{RUNTIME_NAME}}}-*",
        runtime_name=f"${{{RUNTIME_NAME}}}",
    )
    resources["RuntimeRole"] = role(
        "bedrock-agentcore.amazonaws.com",
        {"agent": policy},
        description=f"Runtime role of {project.project_name}",
        source_account=ACCOUNT,
        source_arn=f"arn:{PARTITION}:bedrock-agentcore:{REGION}:{ACCOUNT}:*",
    )
    resources["Runtime"] = {
        "Type": "AWS::BedrockAgentCore::Runtime",
        "Properties": {
            "AgentRuntimeName": ref(RUNTIME_NAME),
            "Description": f"{project.project_name} (agent-scaffold)",
            "AgentRuntimeArtifact": {
                "CodeConfiguration": {
                    "Code": {"S3": {"Bucket": ref(CODE_BUCKET), "Prefix": ref(CODE_KEY)}},
                    "EntryPoint": _entry_point(artifact),
                    "Runtime": _runtime(artifact),
                }
            },
            "RoleArn": get_att("RuntimeRole", "Arn"),
            "NetworkConfiguration": {"NetworkMode": "PUBLIC"},
            "ProtocolConfiguration": agentcore_protocol(project).server_protocol,
            "EnvironmentVariables": with_overrides(
                {
                    **agent_environment(answers, environment=environment_name(environment)),
                    **adot_environment(answers),
                },
                store.environment,
            ),
            **authorizer(answers),
        },
    }
    # A runtime made by CloudFormation is invoked through its DEFAULT endpoint.
    endpoint = sub(f"${{{RUNTIME_NAME}}}::{DEFAULT_ENDPOINT}")
    runtime_arn = get_att("Runtime", "AgentRuntimeArn")
    resources.update(
        stack_alarms(
            environment,
            project.project_name,
            lambda settings: agentcore_alarms(settings, endpoint_name=endpoint, runtime_arn=runtime_arn),
        )
    )
    template.output(
        "AgentRuntimeArn", get_att("Runtime", "AgentRuntimeArn"), "Invoke with InvokeAgentRuntime."
    )
    template.output("AgentRuntimeId", get_att("Runtime", "AgentRuntimeId"), "The runtime's id.")
    template.output("RuntimeRoleArn", get_att("RuntimeRole", "Arn"), "The role the agent runs as.")
    return template
