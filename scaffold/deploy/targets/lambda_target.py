"""The Lambda target: execution role, log group, code in S3, the function (arm64 by default), the ``live``
alias on a published version, and what callers reach it through: a Function URL on the alias (default) or
an HTTP API with a JWT authorizer (``frontend = "http_api"``; see ``lambda_frontends``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import BadInput
from ...iac import lambda_features
from ...packaging.artifact import Artifact
from ...project import Project
from ..alarms import lambda_alarm_models
from ..config import TargetSettings, answer
from ..environment import agent_environment
from ..models import (
    IamRole,
    LambdaAlias,
    LambdaFunction,
    LogGroup,
    Ref,
    Resource,
    S3Bucket,
    S3CodeObject,
)
from ..naming import ALIAS
from ..policies import execution_policy, trust_policy
from ..role_guardrails import guard_role
from ..state import DeployState
from .base import ArtifactOptions, DeployedInvoke, Target, recorded, recorded_log_group, shown_outputs
from .lambda_frontends import DISCOVERY_SUFFIX, FRONTENDS

if TYPE_CHECKING:
    from ...invoke_client import InvokeResult
    from ..aws import AwsContext

# outputs shown after a deploy and in status: name -> (resource key, attribute of its record)
_OUTPUTS = {"function": ("function", "arn"), "alias": ("alias", "arn"), "version": ("alias", "version")}
ARCHITECTURES = ("arm64", "x86_64")
_HANDLER = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")  # module.path.function
POLICY_NAME = "agent-scaffold-execution"


class LambdaDeployer:
    name = "lambda"
    defaults: dict[str, Any] = {
        "architecture": "arm64",
        "memory_mb": 1024,
        "timeout_s": 150,  # above the agent's own request timeout (120 s), so it answers 504 itself
        "frontend": "function_url",  # or http_api (lambda_frontends.py)
        # the Lambda Web Adapter layer a streaming function runs on
        "web_adapter_layer_version": lambda_features.DEFAULT_LAYER_VERSION,
    }

    def check(self, project: Project, settings: TargetSettings) -> None:
        if settings["architecture"] not in ARCHITECTURES:
            raise BadInput(f"architecture must be one of {', '.join(ARCHITECTURES)}.")
        if not 128 <= settings["memory_mb"] <= 10240 or not 1 <= settings["timeout_s"] <= 900:
            raise BadInput("memory_mb must be 128-10240 and timeout_s 1-900 for Lambda.")
        if settings["frontend"] not in FRONTENDS:
            raise BadInput(f"frontend must be one of {', '.join(FRONTENDS)}, not {settings['frontend']!r}.")
        jwt_api = settings["frontend"] == "http_api" and answer(project, "auth") == "jwt"
        if jwt_api and not answer(project, "jwt_discovery_url").endswith(DISCOVERY_SUFFIX):
            raise BadInput(f"frontend=http_api needs a jwt_discovery_url ending in {DISCOVERY_SUFFIX}.")
        lambda_features.check(project, settings["frontend"])

    def artifact_options(self, inputs: Target) -> ArtifactOptions:
        return ArtifactOptions(
            arch=inputs.settings["architecture"],
            python_version=answer(inputs.project, "python_version") or None,
        )

    def resources(self, inputs: Target, artifact: Artifact | None) -> list[Resource]:
        names, scope, project = inputs.names, inputs.scope, inputs.project
        env = agent_environment(project, self.name, inputs.settings, environment=inputs.environment.name)
        layer = self._web_adapter_layer(inputs)
        if layer:
            env = {**lambda_features.streaming_environment(), **env}
        log_group_arn = (
            f"arn:{scope.partition}:logs:{scope.region}:{scope.account_id}:log-group:{names.lambda_log_group}"
        )
        # We create the log group ourselves, so the role only writes to it (no logs:CreateLogGroup).
        policy = execution_policy(
            project,
            self.name,
            scope,
            log_group_arn=log_group_arn,
            session_bucket=env.get("AGENT_SESSION_BUCKET"),
        )
        python = (
            (artifact.python_version if artifact else None) or answer(project, "python_version") or "3.12"
        )
        runtime = artifact.runtime if artifact and artifact.runtime else f"python{python}"
        code_key = names.code_key(artifact.sha256) if artifact else ""
        resources: list[Resource] = [
            guard_role(
                IamRole(
                    key="role",
                    name=names.role,
                    trust_policy=trust_policy("lambda.amazonaws.com"),
                    policy_name=POLICY_NAME,
                    policy=policy,
                    tags=names.tags,
                    description=f"Execution role of {names.function} (agent-scaffold)",
                ),
                inputs,
            ),
            LogGroup(
                key="log_group",
                name=names.lambda_log_group,
                retention_days=inputs.settings["log_retention_days"],
                tags=names.tags,
            ),
            S3Bucket(key="bucket", name=names.bucket, prefix=names.code_prefix, tags=names.tags),
        ]
        if artifact is not None:
            resources.append(
                S3CodeObject(
                    key="code",
                    bucket=names.bucket,
                    object_key=code_key,
                    file=artifact.path,
                    sha256=artifact.sha256,
                    size_bytes=artifact.size_bytes,
                )
            )
        resources += [
            LambdaFunction(
                key="function",
                name=names.function,
                role_arn=Ref("role", "arn"),
                handler=self._handler(project, artifact),
                runtime=runtime,
                architecture=inputs.settings["architecture"],
                memory_mb=inputs.settings["memory_mb"],
                timeout_s=inputs.settings["timeout_s"],
                environment=env,
                code_bucket=names.bucket,
                code_key=code_key,
                code_sha256=artifact.sha256 if artifact else "",
                log_group=names.lambda_log_group,
                tags=names.tags,
                description=f"{project.project_name} agent (agent-scaffold)",
                layers=(layer,) if layer else (),
                snap_start=lambda_features.snapstart(project),
            ),
            LambdaAlias(
                key="alias", function_name=names.function, name=ALIAS, version=Ref("function", "version")
            ),
        ]
        resources += FRONTENDS[inputs.settings["frontend"]](inputs)
        resources += lambda_alarm_models(inputs)
        return resources

    def notes(self, inputs: Target) -> list[str]:
        """What the plan tells the reader about SnapStart's limits and the streaming layer."""
        return lambda_features.notes(inputs.project, self._web_adapter_layer(inputs))

    @staticmethod
    def _web_adapter_layer(inputs: Target) -> str | None:
        if not lambda_features.streaming(inputs.project):
            return None
        scope, settings = inputs.scope, inputs.settings
        return lambda_features.web_adapter_layer(
            scope.region,
            scope.partition,
            settings["architecture"],
            int(settings["web_adapter_layer_version"]),
        )

    def outputs(self, state: DeployState) -> dict[str, str]:
        found = state.resources
        return shown_outputs(
            state,
            _OUTPUTS,
            function_url=recorded(state, "function_url", "url"),
            api_url=f"{found['http_api']['endpoint']}/invocations" if "http_api" in found else None,
        )

    def log_group(self, state: DeployState) -> str | None:
        return recorded_log_group(state)

    def invoke(
        self, state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
    ) -> InvokeResult:
        from ..invoke_lambda import invoke_function

        return invoke_function(state, aws, call, on_text)

    @staticmethod
    def _handler(project: Project, artifact: Artifact | None) -> str:
        if lambda_features.streaming(project):
            return lambda_features.STREAM_HANDLER
        given = artifact.entrypoint if artifact else ""
        if _HANDLER.match(given) and not given.endswith(".py"):
            return given
        return f"{project.module('entrypoints.lambda_handler')}.handler"
