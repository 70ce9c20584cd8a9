"""The AgentCore target: memory (when ``memory=agentcore`` names none), execution role, code in S3, the
runtime (direct code deploy, or ``container_uri``), its ``live`` endpoint and the endpoint's log group.

Inbound auth follows the ``auth`` answer: ``jwt`` becomes the runtime's ``customJWTAuthorizer`` (and the
``Authorization`` header is forwarded so the agent can read the verified caller); otherwise SigV4 (IAM),
AgentCore's default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import BadInput
from ...packaging.artifact import Artifact
from ...project import Project
from ...protocols import agentcore_protocol
from ..alarms import agentcore_alarm_models
from ..config import TargetSettings, answer, answer_list
from ..environment import agent_environment
from ..models import (
    AgentCoreMemory,
    AgentRuntime,
    Fmt,
    IamRole,
    LogGroup,
    Ref,
    Resource,
    RuntimeEndpoint,
    S3Bucket,
    S3CodeObject,
)
from ..naming import ALIAS, Names
from ..policies import Scope, execution_policy, trust_policy
from ..role_guardrails import guard_role
from ..state import DeployState
from .base import ArtifactOptions, DeployedInvoke, Target, recorded_log_group, shown_outputs

if TYPE_CHECKING:
    from ...invoke_client import InvokeResult
    from ..aws import AwsContext

# outputs shown after a deploy and in status: name -> (resource key, attribute of its record)
_OUTPUTS = {
    "runtime_arn": ("runtime", "arn"),
    "runtime_id": ("runtime", "id"),
    "endpoint": ("endpoint", "name"),
    "version": ("endpoint", "version"),
    "memory_id": ("memory", "id"),
}
POLICY_NAME = "agent-scaffold-execution"
_ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+)"
)


class AgentCoreDeployer:
    name = "agentcore"
    defaults: dict[str, Any] = {
        "idle_timeout_s": 900,  # a session's microVM stops after this long without a request
        "max_lifetime_s": 28800,  # and after this long in any case
        "container_uri": "",  # an ECR image instead of direct code deploy
        "ready_timeout_s": 900,  # the bounded wait for READY
        "memory_event_expiry_days": 30,
    }

    def check(self, project: Project, settings: TargetSettings) -> None:
        if not 60 <= settings["idle_timeout_s"] <= settings["max_lifetime_s"] <= 28800:
            raise BadInput("AgentCore needs 60 <= idle_timeout_s <= max_lifetime_s <= 28800.")
        uri = settings["container_uri"]
        if uri and not _ECR_URI.match(uri):
            raise BadInput(
                "container_uri must be an ECR image URI "
                f"(<account>.dkr.ecr.<region>.amazonaws.com/…), not {uri!r}."
            )
        if answer(project, "auth") == "jwt" and not answer(project, "jwt_discovery_url"):
            raise BadInput("auth=jwt needs the jwt_discovery_url answer for the runtime's JWT authorizer.")

    def artifact_options(self, inputs: Target) -> ArtifactOptions | None:
        if inputs.settings["container_uri"]:
            return None
        # AgentCore runs code on arm64 (Graviton) only.
        return ArtifactOptions(arch="arm64", python_version=answer(inputs.project, "python_version") or None)

    def resources(self, inputs: Target, artifact: Artifact | None) -> list[Resource]:
        names, scope, project, settings = inputs.names, inputs.scope, inputs.project, inputs.settings
        resources: list[Resource] = []
        memory_id: str | Ref | None = None
        memory_arn: str | Ref | None = None
        if answer(project, "memory") == "agentcore":
            given = str(settings["environment"].get("AGENT_MEMORY_ID") or answer(project, "memory_id"))
            if given:  # the project's own memory: used, never created or deleted
                memory_id = given.rsplit("/", 1)[-1]
                memory_arn = (
                    given
                    if given.startswith("arn:")
                    else (
                        f"arn:{scope.partition}:bedrock-agentcore:{scope.region}:{scope.account_id}:memory/{given}"
                    )
                )
            else:
                resources.append(
                    AgentCoreMemory(
                        key="memory",
                        name=names.memory,
                        event_expiry_days=settings["memory_event_expiry_days"],
                        tags=names.tags,
                        description=f"Conversations of {project.project_name} (agent-scaffold)",
                    )
                )
                memory_id, memory_arn = Ref("memory", "id"), Ref("memory", "arn")
        env = agent_environment(
            project, self.name, settings, memory_id=memory_id, environment=inputs.environment.name
        )
        resources.append(self._role(inputs, env, memory_arn))
        if not settings["container_uri"]:
            resources.append(
                S3Bucket(key="bucket", name=names.bucket, prefix=names.code_prefix, tags=names.tags)
            )
        if artifact is not None and not settings["container_uri"]:
            resources.append(
                S3CodeObject(
                    key="code",
                    bucket=names.bucket,
                    object_key=names.code_key(artifact.sha256),
                    file=artifact.path,
                    sha256=artifact.sha256,
                    size_bytes=artifact.size_bytes,
                )
            )
        spec: dict[str, Any] = {
            "agentRuntimeArtifact": self._artifact(inputs, artifact),
            "roleArn": Ref("role", "arn"),
            "networkConfiguration": {"networkMode": "PUBLIC"},
            "protocolConfiguration": {"serverProtocol": agentcore_protocol(project).server_protocol},
            "lifecycleConfiguration": {
                "idleRuntimeSessionTimeout": settings["idle_timeout_s"],
                "maxLifetime": settings["max_lifetime_s"],
            },
            "environmentVariables": env,
            "description": f"{project.project_name} agent (agent-scaffold)",
        }
        if answer(project, "auth") == "jwt":
            spec["authorizerConfiguration"] = {"customJWTAuthorizer": _jwt_authorizer(project)}
            spec["requestHeaderConfiguration"] = {"requestHeaderAllowlist": ["Authorization"]}
        resources += [
            AgentRuntime(
                key="runtime",
                name=names.runtime,
                spec=spec,
                tags=names.tags,
                ready_timeout_s=float(settings["ready_timeout_s"]),
            ),
            RuntimeEndpoint(
                key="endpoint",
                runtime_id=Ref("runtime", "id"),
                name=ALIAS,
                version=Ref("runtime", "version"),
                tags=names.tags,
                ready_timeout_s=float(settings["ready_timeout_s"]),
            ),
            LogGroup(
                key="log_group",
                name=Fmt(Names.runtime_log_group("{}", ALIAS), (Ref("runtime", "id"),)),
                retention_days=settings["log_retention_days"],
                tags=names.tags,
            ),
        ]
        resources += agentcore_alarm_models(inputs)
        return resources

    def _role(self, inputs: Target, env: dict[str, Any], memory_arn: str | Ref | None) -> IamRole:
        names, scope, project = inputs.names, inputs.scope, inputs.project
        uri = inputs.settings["container_uri"]
        # The runtime's log groups are named after its id, which exists only once it is created; AgentCore
        # derives that id from the runtime name, so the name prefix scopes them to this runtime.
        logs = f"arn:{scope.partition}:logs:{scope.region}:{scope.account_id}:log-group"
        policy = execution_policy(
            project,
            self.name,
            scope,
            log_group_arn=f"{logs}:{Names.runtime_log_group_prefix(names.runtime)}*",
            session_bucket=env.get("AGENT_SESSION_BUCKET"),
            memory_arn=memory_arn,
            runtime_name=names.runtime,
            repository_arn=_repository_arn(uri, scope) if uri else None,
        )
        source = f"arn:{scope.partition}:bedrock-agentcore:{scope.region}:{scope.account_id}:*"
        role = IamRole(
            key="role",
            name=names.role,
            trust_policy=trust_policy("bedrock-agentcore.amazonaws.com", scope, source),
            policy_name=POLICY_NAME,
            policy=policy,
            tags=names.tags,
            description=f"Execution role of the {names.runtime} AgentCore runtime (agent-scaffold)",
        )
        return guard_role(role, inputs)

    def _artifact(self, inputs: Target, artifact: Artifact | None) -> dict[str, Any]:
        uri = inputs.settings["container_uri"]
        if uri:
            return {"containerConfiguration": {"containerUri": uri}}
        python = (
            (artifact.python_version if artifact else None)
            or answer(inputs.project, "python_version")
            or "3.12"
        )
        runtime = artifact.runtime if artifact and artifact.runtime else "PYTHON_" + python.replace(".", "_")
        return {
            "codeConfiguration": {
                "code": {
                    "s3": {
                        "bucket": inputs.names.bucket,
                        "prefix": inputs.names.code_key(artifact.sha256) if artifact else "",
                    }
                },
                "runtime": runtime,
                "entryPoint": artifact.entrypoint.split()
                if artifact and artifact.entrypoint
                else ["main.py"],
            }
        }

    def outputs(self, state: DeployState) -> dict[str, str]:
        return shown_outputs(state, _OUTPUTS)

    def log_group(self, state: DeployState) -> str | None:
        return recorded_log_group(state)

    def invoke(
        self, state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
    ) -> InvokeResult:
        from ..invoke_agentcore import invoke_runtime

        return invoke_runtime(state, aws, call, on_text)


def _jwt_authorizer(project: Project) -> dict[str, Any]:
    authorizer: dict[str, Any] = {"discoveryUrl": answer(project, "jwt_discovery_url")}
    for field, name in (
        ("allowedAudience", "jwt_allowed_audiences"),
        ("allowedClients", "jwt_allowed_clients"),
    ):
        values = answer_list(project, name)
        if values:
            authorizer[field] = values
    return authorizer


def _repository_arn(uri: str, scope: Scope) -> str:
    found = _ECR_URI.match(uri)
    assert found is not None  # checked in check()
    return f"arn:{scope.partition}:ecr:{found['region']}:{found['account']}:repository/{found['repo']}"
