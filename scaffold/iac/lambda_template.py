"""The ``lambda`` target as CloudFormation: a function behind a Function URL on its ``live`` alias.

Resources: the log group (with retention; the function logs to it through ``LoggingConfig``, so the role
is scoped to a group the stack owns), the execution role (``policies.execution_policy``), the function
(architecture and runtime from the artifact, code from ``CodeBucket``/``CodeKey``), a version and the
``live`` alias, the Function URL on the alias and the permissions for it, and the session store if the
stack creates one (``sessions``).

The URL's auth follows the ``auth`` answer (``_URL_AUTH``): ``iam`` is ``AWS_IAM`` (Lambda verifies SigV4
and the handler reads the caller from the request context); ``jwt`` and ``none`` are ``NONE``, a public URL:
with ``jwt`` every request is authenticated by the handler's own JWT check (``AGENT_AUTH=jwt``) before the
agent runs; with ``none`` nothing is, which suits only a demo.

The version's description is the code key, so a new artifact publishes a new version and moves the alias.
With ``lambda_snapstart`` the function has ``SnapStart: ApplyOn=PublishedVersions`` (that version is the
snapshot the alias serves); with ``lambda_streaming`` it runs behind the Lambda Web Adapter layer
(``lambda_features``) and the URL streams (``InvokeMode: RESPONSE_STREAM``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..environments.settings import Environment
from ..errors import BadInput
from ..project import Project
from . import lambda_features
from .alarms import environment_name, lambda_alarms, stack_alarms
from .artifact import Artifact, architecture, code_key, python_minor
from .cfn import (
    ACCOUNT,
    CODE_BUCKET,
    CODE_KEY,
    DEFAULT_LOG_RETENTION_DAYS,
    LOG_RETENTION,
    PARTITION,
    REGION,
    Json,
    Template,
    artifact_metadata,
    checkov_skip,
    code_parameters,
    get_att,
    log_group,
    log_retention_parameter,
    ref,
    role,
    sub,
    with_overrides,
)
from .environment import agent_environment, answer
from .sessions import session_store

TARGET = "lambda"
ALIAS = "live"
# checkov's Lambda checks that do not fit an agent behind an HTTPS endpoint, each with its reason.
_FUNCTION_SKIPS = (
    (
        "CKV_AWS_115",
        "Reserved concurrency carves capacity out of the account's shared pool; how much to set aside is a "
        "per-account decision (set it on the stack when you know it).",
    ),
    (
        "CKV_AWS_116",
        "A dead-letter queue only receives failed asynchronous invocations; this function is invoked "
        "synchronously through its URL, and a caller sees every failure as an HTTP status.",
    ),
    (
        "CKV_AWS_117",
        "The agent calls public AWS endpoints and model APIs; inside a VPC it would need NAT or VPC "
        "endpoints the template cannot know. Put it in one by adding VpcConfig for your network.",
    ),
    (
        "CKV_AWS_173",
        "Lambda encrypts environment variables at rest with an AWS managed key; they hold only settings "
        "(the AGENT_* answers), never secrets.",
    ),
)
PYTHON_MINORS = range(10, 15)  # python3.10 .. python3.14, Lambda's supported Python runtimes
MEMORY_MB = 1024  # Strands and boto3 import faster with more CPU, which Lambda ties to memory
TIMEOUT_SECONDS = 130  # the agent's own request timeout (AGENT_REQUEST_TIMEOUT_SECONDS, 120) plus margin


@dataclass(frozen=True)
class UrlAuth:
    auth_type: str
    principal: Json | str
    note: str
    public: bool = True  # a public URL also needs lambda:InvokeFunction (via the URL only)


_URL_AUTH: Mapping[str, UrlAuth] = {
    "iam": UrlAuth(
        "AWS_IAM",
        ref("AWS::AccountId"),
        "AWS_IAM: Lambda verifies SigV4; callers need lambda:InvokeFunctionUrl.",
        public=False,
    ),
    "jwt": UrlAuth(
        "NONE",
        "*",
        "NONE on purpose: the URL is public and every request is authenticated by the handler's JWT check "
        "(AGENT_AUTH=jwt) against the configured issuer before the agent runs; a request without a valid "
        "token gets 401.",
    ),
    "none": UrlAuth("NONE", "*", "NONE: the URL is public and unauthenticated (auth=none); for demos only."),
}


def _runtime(artifact: Artifact) -> str:
    minor = python_minor(artifact)
    if minor not in PYTHON_MINORS:
        raise BadInput(f"Lambda has no Python 3.{minor} runtime; package for 3.10-3.14.")
    return f"python3.{minor}"


def build(project: Project, artifact: Artifact, *, environment: Environment | None = None) -> Template:
    """``environment``: the deployment environment whose log retention and alarms the stack gets
    (``AlarmSettings()``'s defaults and 30 days without one)."""
    answers = project.public_answers
    auth = _URL_AUTH.get(answer(answers, "auth", "none"))
    if auth is None:
        raise BadInput(f"Unknown auth answer {answers.get('auth')!r}; expected none, jwt or iam.")
    lambda_features.check(project, "function_url")
    streaming = lambda_features.streaming(project)
    store = session_store(answers, project.package_name)
    template = Template(
        description=f"{project.project_name}: Strands agent on AWS Lambda, Function URL auth {auth.note}",
        metadata=artifact_metadata(project.project_name, TARGET, artifact, {"FunctionUrlAuth": auth.note}),
        parameters={
            **code_parameters(code_key(project.project_name, TARGET, artifact)),
            LOG_RETENTION: log_retention_parameter(
                environment.settings.log_retention_days if environment else DEFAULT_LOG_RETENTION_DAYS
            ),
            **store.parameters,
        },
        parameter_values={CODE_KEY: code_key(project.project_name, TARGET, artifact)},
    )
    resources = template.resources
    resources.update(store.resources)
    resources["LogGroup"] = log_group("/aws/lambda/${AWS::StackName}", LOG_RETENTION)
    policy = store.execution_policy(
        answers,
        target=TARGET,
        log_group_arn=f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:${{LogGroup}}",
    )
    resources["FunctionRole"] = role(
        "lambda.amazonaws.com", {"agent": policy}, description=f"Execution role of {project.project_name}"
    )
    resources["Function"] = checkov_skip(
        {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Description": f"{project.project_name} (agent-scaffold)",
                "Architectures": [architecture(artifact)],
                "Runtime": _runtime(artifact),
                "Handler": artifact.entrypoint,
                "Code": {"S3Bucket": ref(CODE_BUCKET), "S3Key": ref(CODE_KEY)},
                "Role": get_att("FunctionRole", "Arn"),
                "MemorySize": MEMORY_MB,
                "Timeout": TIMEOUT_SECONDS,
                "Environment": {
                    "Variables": with_overrides(
                        agent_environment(answers, environment=environment_name(environment)),
                        store.environment,
                    )
                },
                "LoggingConfig": {"LogGroup": ref("LogGroup"), "LogFormat": "Text"},
            },
        },
        *_FUNCTION_SKIPS,
    )
    properties = resources["Function"]["Properties"]
    if lambda_features.snapstart(project):
        properties["SnapStart"] = {"ApplyOn": "PublishedVersions"}
    if streaming:
        layer = lambda_features.web_adapter_layer(
            "${AWS::Region}", "${AWS::Partition}", architecture(artifact)
        )
        properties["Layers"] = [sub(layer)]
        properties["Environment"]["Variables"].update(lambda_features.streaming_environment())
    resources["FunctionVersion"] = {
        "Type": "AWS::Lambda::Version",
        "Properties": {"FunctionName": ref("Function"), "Description": sub(f"${{{CODE_KEY}}}")},
    }
    resources["LiveAlias"] = {
        "Type": "AWS::Lambda::Alias",
        "Properties": {
            "FunctionName": ref("Function"),
            "FunctionVersion": get_att("FunctionVersion", "Version"),
            "Name": ALIAS,
        },
    }
    _add_url(template, auth, "RESPONSE_STREAM" if streaming else "BUFFERED")
    alias = sub(f"${{Function}}:{ALIAS}")
    resources.update(
        stack_alarms(
            environment,
            project.project_name,
            lambda settings: lambda_alarms(settings, function=ref("Function"), alias_resource=alias),
        )
    )
    template.output("FunctionUrl", get_att("FunctionUrl", "FunctionUrl"), f"HTTPS endpoint ({auth.note})")
    template.output("FunctionArn", get_att("Function", "Arn"), "The function (unqualified ARN).")
    template.output("AliasArn", ref("LiveAlias"), f"The '{ALIAS}' alias the URL invokes.")
    template.output("LogGroupName", ref("LogGroup"), "Where the function logs.")
    return template


def _add_url(template: Template, auth: UrlAuth, invoke_mode: str) -> None:
    resources = template.resources
    resources["FunctionUrl"] = {
        "Type": "AWS::Lambda::Url",
        "DependsOn": "LiveAlias",
        # AWS::Lambda::Url has no Description property; the note travels in Metadata instead.
        "Metadata": {"AuthNote": auth.note},
        "Properties": {
            "TargetFunctionArn": get_att("Function", "Arn"),
            "Qualifier": ALIAS,
            "AuthType": auth.auth_type,
            "InvokeMode": invoke_mode,  # RESPONSE_STREAM only behind the Lambda Web Adapter
        },
    }
    if auth.auth_type == "NONE":
        checkov_skip(
            resources["FunctionUrl"],
            (
                "CKV_AWS_258",
                "The function authenticates callers itself (auth=jwt verifies bearer tokens) or the project "
                "chose auth=none; auth=iam gets AuthType AWS_IAM.",
            ),
        )
    resources["FunctionUrlPermission"] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunctionUrl",
            "FunctionName": ref("LiveAlias"),
            "Principal": auth.principal,
            "FunctionUrlAuthType": auth.auth_type,
        },
    }
    if auth.public:
        # Since October 2025 a public URL also needs lambda:InvokeFunction, limited to calls via the URL.
        resources["FunctionUrlInvokePermission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": ref("LiveAlias"),
                "Principal": "*",
                "InvokedViaFunctionUrl": True,
            },
        }
