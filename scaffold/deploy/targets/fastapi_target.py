"""The FastAPI target: a container image and the ECS Fargate service behind a load balancer that runs it,
deployed as one CloudFormation stack made from ``scaffold.iac``'s fastapi template.

Desired state, in order:

1. ``image`` (``container_image``): given (``image``, a tag in this account's ECR, which must exist), or
   built on AWS CodeBuild (``repository``, ``codebuild_project``, ``codebuild_bucket``) from
   ``scaffold.packaging``'s build context and tagged with the context's content hash, so an unchanged
   project is not rebuilt. ``image`` wins when both are set; with neither, the deploy stops with exit
   code 4 naming both ways.
2. ``log_group``: ``/ecs/<stack>``, made by scaffold (retention from ``log_retention_days``) rather than by
   the template, whose own is retained when the stack is deleted and would block creating it again.
3. ``stack`` (``cloudformation_stack``): the template with every parameter filled in (image repository
   and tag, VPC, subnets, sizes), the ``environment`` setting and ``AGENT_RUNTIME`` in the task's
   environment. Its outputs (the URL) are recorded for status and ``scaffold invoke --target fastapi``.

Settings, under ``[tool.scaffold.deploy.fastapi]`` in pyproject.toml::

    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:v1"   # or the three CodeBuild keys
    vpc_id = "vpc-…"
    subnet_ids = ["subnet-…", "subnet-…"]   # the load balancer's: public, two or more AZs
    service_subnet_ids = []                  # the tasks' (private, with a route to ECR); default subnet_ids
    assign_public_ip = false                 # true when the tasks run in public subnets
    certificate_arn = "arn:aws:acm:…"        # the load balancer's HTTPS certificate (TLS 1.2+)
    allow_http = false                       # true: plain HTTP on port 80 instead (the plan warns)

The engine calls ``artifact_options`` only when deploying, so that is where the image and the network are
checked (and a build context written); for destroy and status ``resources`` gives models that only name
the log group and the stack, so neither needs the image or the network settings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ...errors import BadInput
from ...iac.cfn import LOG_RETENTION
from ...iac.cloudformation import build_template
from ...invoke_client import InvokeRequest, invocation_url
from ...packaging.artifact import Artifact
from ...packaging.errors import ToolMissing
from ...project import Project
from ..config import TargetSettings, answer
from ..errors import NotDeployed
from ..models import CloudFormationStack, ContainerImage, ImageBuild, LogGroup, Resource
from ..naming import Names
from ..policies import Scope
from ..state import DeployState
from .base import ArtifactOptions, DeployedInvoke, Target, recorded, recorded_log_group, shown_outputs

if TYPE_CHECKING:
    from ...invoke_client import InvokeResult
    from ..aws import AwsContext

ARCHITECTURES = ("arm64", "x86_64")
TASK_CPU = (256, 512, 1024, 2048, 4096)
BUILD_TIMEOUT_S = 3600.0
SETTINGS = "[tool.scaffold.deploy.fastapi] in pyproject.toml"
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?$"
)
_REPOSITORY_NAME = re.compile(r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*$")
_CODEBUILD_KEYS = ("repository", "codebuild_project", "codebuild_bucket")
_ACM_CERTIFICATE = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")


def _packaging_context(project: Project, target: str, *, arch: str, python_version: str | None) -> Any:
    from ...packaging.container import build_container_context

    return build_container_context(project, target, arch=arch, python_version=python_version)


#: Writes the container build context (``ContainerContext``: ``path``, ``sha256``, ``tag``, ``size_bytes``,
#: ``python_version``, ``entrypoint``); tests swap in a small fixture, as ``artifacts.BUILDER`` for zips.
CONTEXT_BUILDER: Callable[..., Any] = _packaging_context


@dataclass(frozen=True)
class _TemplateArtifact:
    """What ``scaffold.iac``'s template reads of an artifact (``scaffold.iac.artifact.Artifact``)."""

    path: Path
    sha256: str
    size_bytes: int
    arch: str
    python_version: str
    entrypoint: str


@dataclass(frozen=True)
class _BearerRequest(InvokeRequest):
    """The request ``scaffold invoke --url`` sends, plus the ``--token`` for a service with ``auth=jwt``."""

    token: str | None = None

    def headers(self) -> dict[str, str]:
        headers = super().headers()
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


class FastApiDeployer:
    name = "fastapi"
    defaults: dict[str, Any] = {
        "image": "",  # a pushed image: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>
        "repository": "",  # or build with CodeBuild, pushing to this ECR repository (name or URI) ...
        "codebuild_project": "",  # ... with this CodeBuild project ...
        "codebuild_bucket": "",  # ... reading the build context from this S3 bucket
        "architecture": "arm64",  # of the image and the tasks (Fargate runs both)
        "vpc_id": "",
        "subnet_ids": [],
        "service_subnet_ids": [],
        "assign_public_ip": False,
        "desired_count": 1,
        "task_cpu": 512,
        "task_memory": 1024,
        "certificate_arn": "",  # an ACM certificate: the load balancer listens on HTTPS (TLS 1.2+)
        "allow_http": False,  # without a certificate, serve plain HTTP: an explicit, warned-about opt-in
        "allowed_cidr": "0.0.0.0/0",
        "ready_timeout_s": 1800,  # the bounded wait for the stack
    }

    def __init__(self) -> None:
        self._image: ContainerImage | None = None  # set when deploying (artifact_options)

    def check(self, project: Project, settings: TargetSettings) -> None:
        if settings["architecture"] not in ARCHITECTURES:
            raise BadInput(f"architecture in {SETTINGS} must be one of {', '.join(ARCHITECTURES)}.")
        if settings["task_cpu"] not in TASK_CPU:
            raise BadInput(f"task_cpu in {SETTINGS} must be one of {', '.join(map(str, TASK_CPU))}.")
        if settings["desired_count"] < 0 or settings["task_memory"] < 512 or settings["ready_timeout_s"] <= 0:
            raise BadInput(f"desired_count >= 0, task_memory >= 512 and ready_timeout_s > 0 in {SETTINGS}.")
        for key in ("subnet_ids", "service_subnet_ids"):
            if not all(isinstance(item, str) and item for item in settings[key]):
                raise BadInput(f"{key} in {SETTINGS} must be a list of subnet ids.")

    def artifact_options(self, inputs: Target) -> ArtifactOptions | None:
        """No zip to build. Called only when deploying: check that there is an image (or a way to build
        one) and a network, then settle the image, writing the build context when CodeBuild builds it."""
        settings = inputs.settings
        _check_image_source(settings, inputs.scope)
        if not settings["vpc_id"] or len(settings["subnet_ids"]) < 2:
            raise BadInput(
                f"The fastapi target needs a VPC: set vpc_id and subnet_ids (two or more subnets in "
                f"different Availability Zones, for the load balancer) in {SETTINGS}."
            )
        _check_listener(settings)
        self._image = self._desired_image(inputs)
        return None

    def resources(self, inputs: Target, artifact: Artifact | None) -> list[Resource]:
        settings, names = inputs.settings, inputs.names
        stack = stack_name(names)
        logs = LogGroup(
            key="log_group",
            name=f"/ecs/{stack}",
            retention_days=settings["log_retention_days"],
            tags=names.tags,
        )
        if self._image is None:  # destroy or status: names are all it takes to find what there is
            return [
                logs,
                CloudFormationStack(key="stack", name=stack, template={}, parameters={}, tags=names.tags),
            ]
        image = self._image
        template = build_template(
            inputs.project, self.name, self._template_artifact(inputs, image), environment=inputs.environment
        ).body()
        _put_environment(template, {"AGENT_RUNTIME": self.name, **settings["environment"]})
        _log_to(template, str(logs.name))
        return [
            image,
            logs,
            CloudFormationStack(
                key="stack",
                name=stack,
                template=template,
                parameters=_parameters(template, settings, image),
                tags=names.tags,
                timeout_s=float(settings["ready_timeout_s"]),
            ),
        ]

    def outputs(self, state: DeployState) -> dict[str, str]:
        domain = state.deployment.get("domain")  # environments.toml: the name callers use (your DNS record)
        return shown_outputs(
            state,
            {"stack": ("stack", "name"), "image": ("image", "uri")},
            domain_url=f"https://{domain}/" if domain else None,
            url=(recorded(state, "stack", "outputs") or {}).get("URL"),
        )

    def log_group(self, state: DeployState) -> str | None:
        return recorded_log_group(state)

    def invoke(
        self, state: DeployState, aws: AwsContext, call: DeployedInvoke, on_text: Callable[[str], None]
    ) -> InvokeResult:
        """POST to the load balancer's URL, as ``scaffold invoke --url`` does (with ``--token`` if given)."""
        from ...invoke_client import invoke

        url = state.resources.get("stack", {}).get("outputs", {}).get("URL")
        if not url:
            raise NotDeployed(
                "No URL is recorded for the fastapi stack; run: scaffold deploy --target fastapi"
            )
        given = call.request
        request = _BearerRequest(
            url=invocation_url(str(url)),
            prompt=given.prompt,
            session_id=given.session_id,
            stream=given.stream,
            timeout_s=given.timeout_s,
            token=call.token,
        )
        return invoke(request, on_text)

    def _desired_image(self, inputs: Target) -> ContainerImage:
        settings, scope = inputs.settings, inputs.scope
        if settings["image"]:
            repository, tag = _parse_image(settings["image"], scope)
            return ContainerImage(key="image", uri=settings["image"], repository=repository, tag=tag)
        repository = _repository_name(settings["repository"], scope)
        context = CONTEXT_BUILDER(
            inputs.project,
            self.name,
            arch=settings["architecture"],
            python_version=answer(inputs.project, "python_version") or None,
        )
        return ContainerImage(
            key="image",
            uri=f"{_registry(scope)}/{repository}:{context.tag}",
            repository=repository,
            tag=str(context.tag),
            build=ImageBuild(
                context=context,
                codebuild_project=settings["codebuild_project"],
                codebuild_bucket=settings["codebuild_bucket"],
                timeout_s=BUILD_TIMEOUT_S,
            ),
        )

    @staticmethod
    def _template_artifact(inputs: Target, image: ContainerImage) -> _TemplateArtifact:
        """The built context's facts; for a given image, the image's reference stands in for its hash."""
        python = answer(inputs.project, "python_version") or "3.12"
        arch = inputs.settings["architecture"]
        if image.build is not None:
            context = image.build.context
            return _TemplateArtifact(
                Path(context.path), str(context.sha256), int(context.size_bytes), arch,
                str(context.python_version), str(context.entrypoint),
            )  # fmt: skip
        sha256 = hashlib.sha256(image.uri.encode("utf-8")).hexdigest()
        return _TemplateArtifact(Path(image.uri), sha256, 0, arch, python, "")


def stack_name(names: Names) -> str:
    """``scaffold-<project>-fastapi``: stack names allow letters, digits and hyphens, up to 128."""
    return names.stack


def _check_image_source(settings: TargetSettings, scope: Scope) -> None:
    """An image is given, or all three CodeBuild settings are; else say what would do (exit code 4)."""
    if settings["image"]:
        return
    configured = [key for key in _CODEBUILD_KEYS if settings[key]]
    if not configured:
        raise ToolMissing(
            "The fastapi target runs a container image, and none is configured. Either name one already "
            f"pushed to ECR in account {scope.account_id}, {scope.region}: image = "
            f'"{_registry(scope)}/REPOSITORY:TAG" in {SETTINGS} (scaffold package --target fastapi '
            "--format container --build --push REPOSITORY_URI builds and pushes one); or let scaffold "
            f"build it on AWS CodeBuild: set {', '.join(_CODEBUILD_KEYS)} there."
        )
    missing = [key for key in _CODEBUILD_KEYS if not settings[key]]
    if missing:
        raise BadInput(f"Building the image on CodeBuild also needs {', '.join(missing)} in {SETTINGS}.")


def _check_listener(settings: TargetSettings) -> None:
    """HTTPS unless plain HTTP is asked for by name: callers send bearer tokens to this load balancer."""
    certificate = settings["certificate_arn"]
    if certificate:
        if not _ACM_CERTIFICATE.match(certificate):
            raise BadInput(
                f"certificate_arn in {SETTINGS} must be an ACM certificate ARN "
                f"(arn:aws:acm:<region>:<account>:certificate/<id>), not {certificate!r}."
            )
        return
    if settings["allow_http"] is not True:
        raise BadInput(
            f"The fastapi load balancer serves HTTPS: set certificate_arn (an ACM certificate for your "
            f"domain) in {SETTINGS}, or allow_http = true to serve plain HTTP (tokens and prompts then "
            "travel unencrypted)."
        )
    click.echo(
        f"Warning: allow_http = true in {SETTINGS}: the load balancer serves plain HTTP on port 80, so "
        "bearer tokens and prompts travel unencrypted; set certificate_arn for HTTPS.",
        err=True,
    )


def _registry(scope: Scope) -> str:
    suffix = ".cn" if scope.partition == "aws-cn" else ""
    return f"{scope.account_id}.dkr.ecr.{scope.region}.amazonaws.com{suffix}"


def _parse_image(uri: str, scope: Scope) -> tuple[str, str]:
    found = _ECR_IMAGE.match(uri)
    if found is None or not found["tag"]:
        raise BadInput(
            f"image in {SETTINGS} must be an ECR image with a tag "
            f"(<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>), not {uri!r}."
        )
    if (found["account"], found["region"]) != (scope.account_id, scope.region):
        raise BadInput(
            f"The image {uri} is in account {found['account']}, {found['region']}; the service pulls from "
            f"this deploy's own ECR ({scope.account_id}, {scope.region}): push it there."
        )
    return found["repository"], found["tag"]


def _repository_name(value: str, scope: Scope) -> str:
    """An ECR repository name, or its URI in this account and Region."""
    if _REPOSITORY_NAME.match(value):
        return value
    repository, _ = _parse_image(f"{value}:latest", scope)
    return repository


def _put_environment(template: dict[str, Any], environment: dict[str, str]) -> None:
    """Add ``environment`` to the task's container (the template has the answers' ``AGENT_*`` already)."""
    definition = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    merged = {item["Name"]: item["Value"] for item in definition.get("Environment", [])}
    merged.update(environment)
    definition["Environment"] = [{"Name": name, "Value": value} for name, value in merged.items()]


def _log_to(template: dict[str, Any], group: str) -> None:
    """Send the task's logs to ``group``, which scaffold makes before the stack, instead of the template's
    own log group. That one is retained when its stack is deleted, so a stack created again under the same
    name (after a delete outside scaffold) would fail on it; made by scaffold, it outlives the stack, its
    retention is set as for every target, and destroy removes it."""
    del template["Resources"]["LogGroup"]
    del template["Parameters"][LOG_RETENTION]  # only the log group used it

    def put(value: Any) -> Any:
        if value == {"Ref": "LogGroup"}:
            return group
        if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
            return {"Fn::Sub": value["Fn::Sub"].replace("${LogGroup}", group)}
        if isinstance(value, dict):
            return {key: put(item) for key, item in value.items()}
        if isinstance(value, list):
            return [put(item) for item in value]
        return value

    template.update(put(template))


def _parameters(template: dict[str, Any], settings: TargetSettings, image: ContainerImage) -> dict[str, str]:
    """Every parameter the template declares: its default unless a setting gives it. All of them, because
    CloudFormation falls back to a default (not the previous value) for one left out of an update."""
    declared: dict[str, Any] = template.get("Parameters", {})
    subnets = ",".join(settings["subnet_ids"])
    given = {
        "VpcId": settings["vpc_id"],
        "LoadBalancerSubnetIds": subnets,
        "ServiceSubnetIds": ",".join(settings["service_subnet_ids"]) or subnets,
        "AssignPublicIp": "ENABLED" if settings["assign_public_ip"] else "DISABLED",
        "ImageRepository": image.repository,
        "ImageTag": image.tag,
        "DesiredCount": str(settings["desired_count"]),
        "TaskCpu": str(settings["task_cpu"]),
        "TaskMemory": str(settings["task_memory"]),
        "CertificateArn": settings["certificate_arn"],
        "AllowHttp": "true" if settings["allow_http"] and not settings["certificate_arn"] else "false",
        "AllowedCidr": settings["allowed_cidr"],
    }
    values = {name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
    values.update({name: value for name, value in given.items() if name in declared})
    return values
