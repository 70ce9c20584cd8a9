"""Fixtures for the deploy tests: moto's ``ThreadedMotoServer`` on 127.0.0.1, reached through ordinary boto3
clients with ``endpoint_url`` (the deployer's ``--endpoint-url``), dummy credentials from the environment,
generated projects, a small deterministic artifact, and botocore event hooks that count or fail calls.

Nothing here reaches into the deployer: calls are observed through ``scaffold.deploy.aws.SESSION_HOOKS``,
botocore's own event system on every session the deployer makes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner, Result

from scaffold.cli import cli
from scaffold.deploy import artifacts
from scaffold.deploy.aws import is_mutating, session_hooks
from scaffold.deploy.engine import AwsOptions
from scaffold.packaging.artifact import Artifact
from scaffold.project import Project, load_project
from tests.support.moto import moto_server

REGION = "us-east-1"
PROJECT = "demo-agent"


def _agentcore_updates_finish() -> None:
    """moto leaves an updated AgentCore runtime or endpoint in UPDATING for ever (its state machine only knows
    CREATING -> READY); AWS moves it to READY when the update is done. Teach moto that transition, so the
    deployer's bounded wait for READY sees what it sees on AWS. Nothing else about moto is changed."""
    from moto.bedrockagentcorecontrol import models

    for cls in (models.AgentRuntime, models.AgentRuntimeEndpoint):
        original = cls.__init__

        def init(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> None:
            __original(self, *args, **kwargs)
            self._transitions = [("CREATING", "READY"), ("UPDATING", "READY")]

        cls.__init__ = init  # type: ignore[method-assign]


def _apigatewayv2_lists_authorizers() -> None:
    """moto routes ``GET /v2/apis/{id}/authorizers`` but does not implement GetAuthorizers, which AWS has and
    the deployer uses to find an authorizer an interrupted run created. Add it, reading moto's own backend."""
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    def get_authorizers(self: Any) -> tuple[int, dict[str, str], str]:
        api = self.apigatewayv2_backend.get_api(self.path.split("/")[-2])
        return 200, {}, json.dumps({"items": [found.to_json() for found in api.authorizers.values()]})

    ApiGatewayV2Response.get_authorizers = get_authorizers  # type: ignore[attr-defined]


def _lambda_records_snapstart_and_uses_public_layers() -> None:
    """moto reports SnapStart as always off and refuses a layer version of another account; AWS records a
    function's ``SnapStart.ApplyOn`` (optimising published versions) and lets any account use a public
    layer, such as the Lambda Web Adapter's. Teach moto both; nothing else about it is changed."""
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_update = LambdaFunction.update_configuration
    original_configuration = LambdaFunction.get_configuration
    original_layers = LambdaFunction._get_layers_data

    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        self._snap_start = (spec.get("SnapStart") or {}).get("ApplyOn", "None")
        original_init(self, account_id, spec, *args, **kwargs)

    def update_configuration(self: Any, updates: dict[str, Any]) -> dict[str, Any]:
        if "SnapStart" in updates:
            self._snap_start = updates["SnapStart"].get("ApplyOn", "None")
        return original_update(self, updates)

    def get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
        configuration = original_configuration(self, on_create)
        apply_on = getattr(self, "_snap_start", "None")
        published = str(configuration.get("Version")) != "$LATEST"
        status = "On" if apply_on == "PublishedVersions" and published else "Off"
        configuration["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": status}
        return configuration

    def layers(self: Any, arns: list[str]) -> list[dict[str, Any]]:
        return [
            original_layers(self, [arn])[0] if f":{self.account_id}:" in arn else {"Arn": arn, "CodeSize": 0}
            for arn in arns
        ]

    LambdaFunction.__init__ = init  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction._get_layers_data = layers  # type: ignore[method-assign]


def _function_url_updates_invoke_mode() -> None:
    """moto's UpdateFunctionUrlConfig keeps the old InvokeMode; AWS changes it. Teach moto that one field."""
    from moto.awslambda.models import FunctionUrlConfig

    original = FunctionUrlConfig.update

    def update(self: Any, new_config: dict[str, Any]) -> None:
        original(self, new_config)
        if new_config.get("InvokeMode"):
            self.config["InvokeMode"] = new_config["InvokeMode"]

    FunctionUrlConfig.update = update  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    _agentcore_updates_finish()
    _apigatewayv2_lists_authorizers()
    _lambda_records_snapstart_and_uses_public_layers()
    _function_url_updates_invoke_mode()
    with moto_server(REGION) as url, pytest.MonkeyPatch.context() as env:
        env.delenv("SCAFFOLD_BEARER_TOKEN", raising=False)
        yield url


@dataclass
class Moto:
    url: str

    @property
    def options(self) -> AwsOptions:
        return AwsOptions(region=REGION, endpoint_url=self.url)

    @property
    def cli_args(self) -> list[str]:
        return ["--endpoint-url", self.url]

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.url)

    def inventory(self) -> dict[str, list[str]]:
        """Everything of interest in the account, by listing (not through the deployer)."""
        iam, lam, logs, s3 = self.client("iam"), self.client("lambda"), self.client("logs"), self.client("s3")
        control = self.client("bedrock-agentcore-control")
        cloudwatch = self.client("cloudwatch")
        objects = []
        for bucket in s3.list_buckets().get("Buckets", []):
            listed = s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])
            objects += [f"{bucket['Name']}/{item['Key']}" for item in listed]
        return {
            "roles": sorted(role["RoleName"] for role in iam.list_roles()["Roles"]),
            "functions": sorted(fn["FunctionName"] for fn in lam.list_functions()["Functions"]),
            "buckets": sorted(bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])),
            "objects": sorted(objects),
            "log_groups": sorted(group["logGroupName"] for group in logs.describe_log_groups()["logGroups"]),
            "runtimes": sorted(
                rt["agentRuntimeName"] for rt in control.list_agent_runtimes()["agentRuntimes"]
            ),
            "memories": sorted(memory["id"] for memory in control.list_memories()["memories"]),
            "alarms": sorted(alarm["AlarmName"] for alarm in cloudwatch.describe_alarms()["MetricAlarms"]),
        }


@pytest.fixture
def moto(moto_url: str) -> Moto:
    """A fresh, empty account for each test."""
    httpx.post(f"{moto_url}/moto-api/reset").raise_for_status()
    return Moto(moto_url)


def run_cli(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def someone_elses_function(moto: Moto, name: str, *, role: str, bucket: str, key: str, body: bytes) -> str:
    """A Lambda function made outside scaffold (its role, its code object in its bucket), which scaffold
    must never touch; returns the role's ARN."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role_arn = moto.client("iam").create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    moto.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn["Role"]["Arn"],
        Handler="x.handler",
        Code={"S3Bucket": bucket, "S3Key": key},
    )
    return str(role_arn["Role"]["Arn"])


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """A project generated once per set of answers (``--defaults`` plus ``data``)."""
    cache: dict[tuple[str, ...], Path] = {}

    def make(*data: str) -> Path:
        if data not in cache:
            parent = tmp_path_factory.mktemp("generated")
            args = ["new", PROJECT, "--defaults", "--output", str(parent)]
            for answer in data:
                args += ["--data", answer]
            result = run_cli(args)
            assert result.exit_code == 0, result.output
            cache[data] = parent / PROJECT
        return cache[data]

    return make


@pytest.fixture
def make_project(generated: Callable[..., Path], tmp_path: Path) -> Callable[..., Project]:
    """A private copy of a generated project (its .scaffold/state is this test's own)."""

    def make(*data: str) -> Project:
        destination = tmp_path / f"p{len(list(tmp_path.iterdir()))}" / PROJECT
        shutil.copytree(generated(*data), destination)
        return load_project(destination)

    return make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    """The template's defaults: every target, offline model, auth none, file memory."""
    return make_project()


@dataclass
class FixtureArtifacts:
    """A small, byte-for-byte reproducible zip standing in for ``scaffold.packaging.build_artifact``."""

    directory: Path
    code: str = "v1"
    builds: list[tuple[str, str]] = field(default_factory=list)
    last_sha256: str = ""

    def build(
        self, project: Project, target: str, *, arch: str, python_version: str | None, progress: Any
    ) -> Artifact:
        self.builds.append((target, arch))
        path = self.directory / f"{target}-{self.code}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            info = zipfile.ZipInfo("agentcore_main.py", date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, f"# {self.code}\n")
        data = path.read_bytes()
        self.last_sha256 = hashlib.sha256(data).hexdigest()
        python = python_version or "3.12"
        entrypoint = (
            "agentcore_main.py"
            if target == "agentcore"
            else project.module("entrypoints.lambda_handler.handler")
        )
        runtime = f"PYTHON_{python.replace('.', '_')}" if target == "agentcore" else f"python{python}"
        return Artifact(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            unzipped_bytes=len(self.code) + 3,
            held_back=(),
            arch=arch,
            python_version=python,
            target=target,
            entrypoint=entrypoint,
            runtime=runtime,
            file_count=1,
            precompiled=False,
            reused=False,
            deps_installed=False,
            lock_reused=True,
        )


@pytest.fixture
def artifact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FixtureArtifacts:
    directory = tmp_path / "artifacts"
    directory.mkdir()
    fixture = FixtureArtifacts(directory)
    monkeypatch.setattr(artifacts, "BUILDER", fixture.build)
    return fixture


@dataclass
class Calls:
    """Every API call the deployer makes, as (service, operation)."""

    made: list[tuple[str, str]] = field(default_factory=list)

    def before_call(self, model: Any, **_: Any) -> None:
        self.made.append((model.service_model.endpoint_prefix, model.name))

    @property
    def mutating(self) -> list[str]:
        return [operation for _, operation in self.made if is_mutating(operation)]

    def clear(self) -> None:
        self.made.clear()


@pytest.fixture
def calls() -> Iterator[Calls]:
    recorder = Calls()
    with session_hooks(("before-call", recorder.before_call)):
        yield recorder


class SimulatedCrash(BaseException):
    """The process dying just after AWS did something: nothing after the call runs, not even cleanup."""


@dataclass
class FailAt:
    """Fail the ``nth`` mutating call: ``before`` it reaches AWS (an API error), or ``after`` AWS did it (a
    crash before anything could be recorded)."""

    nth: int
    mode: str  # "before" | "after"
    seen: int = 0
    failed: str | None = None

    def before_call(self, model: Any, **_: Any) -> None:
        if not is_mutating(model.name):
            return
        self.seen += 1
        if self.seen == self.nth and self.mode == "before":
            self.failed = model.name
            error = {"Error": {"Code": "InternalFailure", "Message": "injected failure"}}
            raise ClientError(error, model.name)

    def after_call(self, model: Any, **_: Any) -> None:
        if is_mutating(model.name) and self.seen == self.nth and self.mode == "after" and self.failed is None:
            self.failed = model.name
            raise SimulatedCrash(model.name)


@pytest.fixture
def fail_at() -> Callable[[int, str], Any]:
    """``with fail_at(n, mode) as failure: ...``"""
    from contextlib import contextmanager

    @contextmanager
    def install(nth: int, mode: str) -> Iterator[FailAt]:
        failure = FailAt(nth, mode)
        with session_hooks(("before-call", failure.before_call), ("after-call", failure.after_call)):
            yield failure

    return install


class _StackAlarm:
    """``AWS::CloudWatch::Alarm`` for moto's CloudFormation, made in moto's own CloudWatch backend. A plain
    class (not a ``CloudFormationModel`` subclass, which moto would keep finding after the test)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.physical_resource_id = name

    def is_created(self) -> bool:
        return True

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **_: Any
    ) -> _StackAlarm:
        from moto.cloudwatch.models import cloudwatch_backends

        spec = cloudformation_json["Properties"]
        name = spec.get("AlarmName") or resource_name
        cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=name,
            namespace=spec["Namespace"],
            metric_name=spec["MetricName"],
            comparison_operator=spec["ComparisonOperator"],
            evaluation_periods=int(spec["EvaluationPeriods"]),
            period=int(spec["Period"]),
            threshold=float(spec["Threshold"]),
            statistic=spec.get("Statistic"),
            extended_statistic=spec.get("ExtendedStatistic"),
            description=spec.get("AlarmDescription", ""),
            dimensions=spec.get("Dimensions", []),
            alarm_actions=spec.get("AlarmActions", []),
            treat_missing_data=spec.get("TreatMissingData"),
        )
        return cls(name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> _StackAlarm:
        name = original_resource.name
        cls.delete_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])


@pytest.fixture
def moto_stacks_make_alarms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's CloudFormation has no ``AWS::CloudWatch::Alarm`` and cannot ``Fn::GetAtt`` a load balancer's
    ``LoadBalancerFullName`` or a target group's ``TargetGroupFullName``; AWS has all three. Teach moto, for
    one test: alarms in its own CloudWatch backend, and the names AWS derives from the ARNs
    (``app/<name>/<id>``, ``targetgroup/<name>/<id>``). All of it is undone afterwards."""
    from moto.cloudformation import parsing
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    def full_name(cls: Any, attribute: str, derive: Callable[[str], str]) -> None:
        has, get = cls.has_cfn_attr, getattr(cls, "get_cfn_attribute", None)

        def has_cfn_attr(attr: str) -> bool:
            return attr == attribute or bool(has(attr))

        def get_cfn_attribute(self: Any, attr: str) -> Any:
            if attr == attribute:
                return derive(self.arn)
            if get is None:
                raise AttributeError(attr)
            return get(self, attr)

        monkeypatch.setattr(cls, "has_cfn_attr", staticmethod(has_cfn_attr))
        monkeypatch.setattr(cls, "get_cfn_attribute", get_cfn_attribute, raising=False)

    full_name(FakeLoadBalancer, "LoadBalancerFullName", lambda arn: arn.split(":loadbalancer/", 1)[1])
    full_name(FakeTargetGroup, "TargetGroupFullName", lambda arn: arn.rsplit(":", 1)[1])
    models = [*parsing.get_model_list(), _StackAlarm]
    monkeypatch.setattr(parsing, "get_model_list", lambda: models)
    monkeypatch.setattr(parsing, "get_model_map", lambda: {m.cloudformation_type(): m for m in models})
    yield
