"""The fastapi target end to end against moto: an image in ECR (given, or built on CodeBuild), the log group,
and the CloudFormation stack of the ECS Fargate service behind a load balancer.

Deploy, status, a no-change redeploy (no mutating call), an image change and an environment change (one
stack update each), a stack deleted out of band (recreated), destroy (nothing of ours left, nothing else
touched), ``--plan`` (no mutating call), the settings it refuses, and a failure at each mutating step of a
first deploy, then a rerun that resumes and converges.

What moto does not do, stated here (a moto that closes a gap fails the assertion naming it):

* it deletes a stack's ECS cluster, service and task definition with nothing (its ECS models implement no
  CloudFormation delete), so those outlive destroy in moto;
* it records a stack update's parameters and template but does not carry them into the ECS task
  definition, so updates are checked on the stack (its parameters and template), creates on ECS too;
* its CodeBuild runs no build: a ``StartBuild`` "succeeds" without pushing, so ``codebuild_pushes`` puts the
  image CodeBuild would push into moto's ECR right after the call, as the real build would;
* it reports a ``List<…>`` parameter (the subnets) as a Python list's repr (``['subnet-a', 'subnet-b']``)
  where AWS reports the comma-separated string it was given, so the stack would never look in sync:
  ``moto_reports_list_parameters_as_aws_does`` teaches moto AWS's form (only how it renders the value);
* the ALB's DNS name does not resolve, so the invoke test points the recorded URL at a loopback server.

The shared counter's ``is_mutating`` misses ``ExecuteChangeSet`` and ``BatchDeleteImage`` (no prefix of
its list); ``changes`` below counts them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scaffold.deploy.aws import is_mutating, session_hooks
from scaffold.deploy.engine import deploy as engine_deploy
from scaffold.deploy.errors import DeployFailed
from scaffold.deploy.progress import Progress
from scaffold.deploy.state import load_state, state_path
from scaffold.deploy.targets import fastapi_target
from scaffold.errors import ExitCode
from scaffold.iac.stack import StackFailed
from tests.support.moto import codebuild_project
from tests.support.servers import serving

from .conftest import PROJECT, REGION, SimulatedCrash, run_cli

ACCOUNT = "123456789012"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
IMAGE = f"{REGISTRY}/agent:abc"
STACK = f"scaffold-{PROJECT}-fastapi"
LOG_GROUP = f"/ecs/{STACK}"
FIRST_DEPLOY = ["CreateLogGroup", "PutRetentionPolicy", "CreateStack"]
UPDATE = ["CreateChangeSet", "ExecuteChangeSet"]
MARKER = "\n[tool.scaffold.deploy.fastapi]\n"
QUIET = Progress(quiet=True)


@pytest.fixture(autouse=True)
def moto_reports_list_parameters_as_aws_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.cloudformation.models import Stack

    original = Stack.parameter_list.fget  # type: ignore[attr-defined]

    def parameter_list(self: Any) -> list[dict[str, Any]]:
        return [
            {**item, "ParameterValue": ",".join(map(str, item["ParameterValue"]))}
            if isinstance(item["ParameterValue"], list)
            else item
            for item in original(self)
        ]

    monkeypatch.setattr(Stack, "parameter_list", property(parameter_list))


def changes(calls: Any) -> list[str]:
    return [op for _, op in calls.made if is_mutating(op)]


def run(command: str, project: Any, moto: Any, *extra: str) -> Any:
    return run_cli([command, "--target", "fastapi", "--project", str(project.root), *moto.cli_args, *extra])


def deploy(project: Any, moto: Any, *extra: str) -> Any:
    return run("deploy", project, moto, *extra)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {json.dumps(item)}" for key, item in value.items()) + " }"
    return json.dumps(value)


def configure(project: Any, **settings: Any) -> None:
    """Replace the project's ``[tool.scaffold.deploy.fastapi]`` table with ``settings``."""
    path = project.root / "pyproject.toml"
    base = path.read_text().split(MARKER)[0]
    path.write_text(base + MARKER + "".join(f"{key} = {_toml(value)}\n" for key, value in settings.items()))


@dataclass(frozen=True)
class Network:
    vpc_id: str
    subnet_ids: list[str]
    certificate_arn: str

    def settings(self) -> dict[str, Any]:
        return {
            "vpc_id": self.vpc_id,
            "subnet_ids": self.subnet_ids,
            "assign_public_ip": True,
            "certificate_arn": self.certificate_arn,
        }


def make_network(moto: Any) -> Network:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{n}.0/24", AvailabilityZone=f"{REGION}{zone}")[
            "Subnet"
        ]["SubnetId"]
        for n, zone in ((1, "a"), (2, "b"))
    ]
    certificate = moto.client("acm").request_certificate(DomainName="agent.example.com")["CertificateArn"]
    return Network(vpc, subnets, certificate)


def push_image(moto: Any, repository: str, tag: str) -> None:
    """What ``docker push`` leaves in ECR: an image manifest under ``tag``."""
    ecr = moto.client("ecr")
    if repository not in [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]:
        ecr.create_repository(repositoryName=repository)
    config = "sha256:" + hashlib.sha256(f"{repository}:{tag}".encode()).hexdigest()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 1,
            "digest": config,
        },
        "layers": [],
    }
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)


def image_tags(moto: Any, repository: str) -> list[str]:
    images = moto.client("ecr").describe_images(repositoryName=repository)["imageDetails"]
    return sorted(tag for image in images for tag in image.get("imageTags", []))


def stacks(moto: Any) -> list[str]:
    listed = moto.client("cloudformation").list_stacks()["StackSummaries"]
    return sorted(s["StackName"] for s in listed if s["StackStatus"] != "DELETE_COMPLETE")


def our_stack(moto: Any) -> dict[str, Any]:
    stack: dict[str, Any] = moto.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    return stack


def parameters(stack: dict[str, Any]) -> dict[str, str]:
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}


def container(moto: Any) -> dict[str, Any]:
    """The agent container of the stack's task definition (its family is the stack name), latest revision.
    Read by family: moto's service keeps its first revision across a stack update."""
    task = moto.client("ecs").describe_task_definition(taskDefinition=STACK)["taskDefinition"]
    (agent,) = task["containerDefinitions"]
    return dict(agent)


def template_environment(moto: Any) -> list[dict[str, Any]]:
    body = moto.client("cloudformation").get_template(StackName=STACK)["TemplateBody"]
    (agent,) = body["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    return list(agent["Environment"])


def unrelated_resources(moto: Any) -> dict[str, Any]:
    """Things in the account that scaffold must never touch: a stack, a log group, another image."""
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    moto.client("cloudformation").create_stack(
        StackName="someone-elses-stack", TemplateBody=json.dumps(template)
    )
    moto.client("logs").create_log_group(logGroupName="/ecs/someone-elses-service")
    push_image(moto, "agent", "someone-elses-tag")
    return snapshot(moto)


def snapshot(moto: Any) -> dict[str, Any]:
    return {**moto.inventory(), "stacks": stacks(moto)}


# -- the given image, through the CLI ----------------------------------------------------------------------


def test_deploy_status_no_change_changes_drift_and_destroy(project, moto, calls):
    network = make_network(moto)
    for tag in ("abc", "def"):
        push_image(moto, "agent", tag)
    unrelated = unrelated_resources(moto)
    configure(project, image=IMAGE, **network.settings())

    first = deploy(project, moto, "--json")
    assert first.exit_code == 0, first.output
    assert changes(calls) == FIRST_DEPLOY
    outcome = json.loads(first.stdout)
    steps = {step["key"]: step for step in outcome["plan"]["steps"]}
    assert [(key, step["action"]) for key, step in steps.items()] == [
        ("image", "adopt"),
        ("log_group", "create"),
        ("stack", "create"),
    ]
    assert steps["image"]["reason"] == "given: used as it is"
    outputs = outcome["outputs"]
    assert outputs["url"].startswith("https://") and outputs["url"].endswith(".elb.amazonaws.com")
    assert (outputs["stack"], outputs["image"], outputs["log_group"]) == (STACK, IMAGE, LOG_GROUP)

    stack = our_stack(moto)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {t["Key"]: t["Value"] for t in stack["Tags"]}["agent-scaffold:project"] == PROJECT
    given = parameters(stack)
    assert (given["ImageRepository"], given["ImageTag"], given["VpcId"]) == ("agent", "abc", network.vpc_id)
    assert given["LoadBalancerSubnetIds"] == given["ServiceSubnetIds"] == ",".join(network.subnet_ids)
    assert given["AssignPublicIp"] == "ENABLED"
    agent = container(moto)
    assert agent["image"] == IMAGE
    environment = {item["name"]: item["value"] for item in agent["environment"]}
    assert environment["AGENT_RUNTIME"] == "fastapi" and environment["AGENT_MEMORY"] == "file"
    assert agent["logConfiguration"]["options"]["awslogs-group"] == LOG_GROUP
    (group,) = moto.client("logs").describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    assert group["retentionInDays"] == 30

    calls.clear()
    status = run("status", project, moto, "--json")
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert report["in_sync"]
    details = {resource["kind"]: resource["detail"] for resource in report["resources"]}
    assert details["cloudformation_stack"] == "CREATE_COMPLETE"
    assert [resource["name"] for resource in report["resources"]] == [IMAGE, LOG_GROUP, STACK]
    assert report["outputs"]["url"] == outputs["url"]
    assert changes(calls) == []

    calls.clear()
    again = deploy(project, moto)
    assert again.exit_code == 0, again.output
    assert changes(calls) == [], "a no-change redeploy must not change anything"
    assert "0 created, 0 updated, 0 deleted, 3 unchanged" in again.stdout

    configure(project, image=f"{REGISTRY}/agent:def", **network.settings())
    calls.clear()
    new_image = deploy(project, moto, "--json")
    assert new_image.exit_code == 0, new_image.output
    assert changes(calls) == UPDATE, "one stack update"
    stack_step = {step["key"]: step for step in json.loads(new_image.stdout)["plan"]["steps"]}["stack"]
    assert stack_step["action"] == "update" and "ImageTag" in stack_step["changes"]
    updated = our_stack(moto)
    assert (updated["StackId"], updated["StackStatus"]) == (stack["StackId"], "UPDATE_COMPLETE")
    assert parameters(updated)["ImageTag"] == "def"

    configure(
        project, image=f"{REGISTRY}/agent:def", environment={"AGENT_LOG_LEVEL": "DEBUG"}, **network.settings()
    )
    calls.clear()
    new_env = deploy(project, moto, "--json")
    assert new_env.exit_code == 0, new_env.output
    assert changes(calls) == UPDATE
    stack_step = {step["key"]: step for step in json.loads(new_env.stdout)["plan"]["steps"]}["stack"]
    assert stack_step["changes"] == ["template"]
    assert {"Name": "AGENT_LOG_LEVEL", "Value": "DEBUG"} in template_environment(moto)

    moto.client("cloudformation").delete_stack(StackName=STACK)
    drift = run("status", project, moto)
    assert drift.exit_code == ExitCode.DRIFT, drift.output
    calls.clear()
    repaired = deploy(project, moto, "--json")
    assert repaired.exit_code == 0, repaired.output
    actions = {step["key"]: step["action"] for step in json.loads(repaired.stdout)["plan"]["steps"]}
    assert actions == {"image": "unchanged", "log_group": "unchanged", "stack": "recreate"}
    assert changes(calls) == ["CreateStack"]
    assert container(moto)["image"] == f"{REGISTRY}/agent:def"

    calls.clear()
    gone = run("destroy", project, moto, "--yes")
    assert gone.exit_code == 0, gone.output
    assert changes(calls) == ["DeleteStack", "DeleteLogGroup"], "the given image is not ours to delete"
    assert "2 resource(s) deleted" in gone.stdout
    assert not state_path(project.root, "fastapi").exists()
    assert snapshot(moto) == unrelated, "destroy removes what it made and nothing else"
    assert image_tags(moto, "agent") == ["abc", "def", "someone-elses-tag"]
    # moto gap (see the module docstring): the two stacks' ECS clusters outlive their stacks.
    assert len(moto.client("ecs").list_clusters()["clusterArns"]) == 2


def test_the_image_option_wins_over_the_image_setting(project, moto):
    network = make_network(moto)
    for tag in ("abc", "def"):
        push_image(moto, "agent", tag)
    configure(project, image=IMAGE, **network.settings())
    chosen = IMAGE.rsplit(":", 1)[0] + ":def"

    result = deploy(project, moto, "--image", chosen, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outputs"]["image"] == chosen
    assert container(moto)["image"] == chosen


def test_the_image_option_is_refused_for_other_targets(project, moto):
    result = run_cli(
        ["deploy", "--target", "lambda", "--project", str(project.root), *moto.cli_args, "--image", IMAGE]
    )
    assert result.exit_code == 2
    assert "--image" in result.output


def test_plan_makes_no_mutating_call_and_records_nothing(project, moto, calls):
    network = make_network(moto)
    push_image(moto, "agent", "abc")
    configure(project, image=IMAGE, **network.settings())

    result = deploy(project, moto, "--plan")

    assert result.exit_code == 0, result.output
    assert changes(calls) == []
    assert calls.made, "the plan did read what AWS has"
    lines = result.stdout.splitlines()
    assert lines[0] == f"Plan to deploy {PROJECT} (fastapi, environment dev) in {REGION}, account {ACCOUNT}:"
    assert lines[1].split() == ["=", "adopt", "container_image", IMAGE, "(given:", "used", "as", "it", "is)"]
    assert lines[2].split()[:4] == ["+", "create", "log_group", LOG_GROUP]
    assert lines[3].split() == ["+", "create", "cloudformation_stack", STACK, "(new)"]
    assert not state_path(project.root, "fastapi").exists()
    assert stacks(moto) == []


def test_a_stack_of_that_name_made_by_someone_else_is_never_adopted(project, moto, calls):
    network = make_network(moto)
    push_image(moto, "agent", "abc")
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    moto.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    configure(project, image=IMAGE, **network.settings())

    result = deploy(project, moto)

    assert result.exit_code == ExitCode.CONFLICT, result.output
    assert (
        f"A cloudformation_stack named {STACK} already exists and was not created by scaffold"
        in result.stderr
    )
    assert changes(calls) == []


def test_without_an_image_or_a_builder_it_names_both_and_changes_nothing(project, moto, calls):
    """Replaces the placeholder's exit-10 test: the target deploys now, given what it needs."""
    configure(project, **make_network(moto).settings())

    result = deploy(project, moto)

    assert result.exit_code == ExitCode.TOOL_MISSING, result.output
    message = result.stderr
    assert "runs a container image, and none is configured" in message
    assert f'image = "{REGISTRY}/REPOSITORY:TAG" in [tool.scaffold.deploy.fastapi]' in message
    assert "build it on AWS CodeBuild: set repository, codebuild_project, codebuild_bucket" in message
    assert changes(calls) == []
    assert not state_path(project.root, "fastapi").exists()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"image": IMAGE}, "needs a VPC: set vpc_id and subnet_ids"),
        (
            {"image": "999999999999.dkr.ecr.eu-west-1.amazonaws.com/agent:abc", "network": True},
            "is in account 999999999999, eu-west-1; the service pulls from this deploy's own ECR",
        ),
        ({"image": f"{REGISTRY}/agent", "network": True}, "must be an ECR image with a tag"),
        (
            {"image": f"{REGISTRY}/agent:nope", "network": True},
            f"The image {REGISTRY}/agent:nope is not in ECR",
        ),
        ({"codebuild_project": "images", "network": True}, "also needs repository, codebuild_bucket"),
        ({"image": IMAGE, "network": True, "task_cpu": 300}, "task_cpu in [tool.scaffold.deploy.fastapi]"),
    ],
    ids=["no-vpc", "other-account", "no-tag", "not-pushed", "codebuild-half", "cpu"],
)
def test_settings_it_refuses_with_exit_2(project, moto, calls, settings, message):
    push_image(moto, "agent", "abc")
    settings = dict(settings)
    if settings.pop("network", False):
        settings.update(make_network(moto).settings())
    configure(project, **settings)

    result = deploy(project, moto)

    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert message in result.stderr
    assert changes(calls) == []


def test_invoke_posts_to_the_recorded_url_with_the_token(project, moto):
    network = make_network(moto)
    push_image(moto, "agent", "abc")
    configure(project, image=IMAGE, **network.settings())
    assert deploy(project, moto).exit_code == 0
    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {key.decode(): value.decode() for key, value in scope["headers"]}
        seen.append({"path": scope["path"], "headers": headers, "body": json.loads(body)})
        reply = json.dumps({"text": "42", "session_id": "s-1"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": reply})

    state = load_state(project.root, "fastapi")
    assert state is not None
    with serving(app) as url:
        state.resources["stack"]["outputs"]["URL"] = url  # moto's load balancer has no address to call
        state.save()
        result = run_cli(
            ["invoke", "6*7?", "--target", "fastapi", "--project", str(project.root), *moto.cli_args,
             "--token", "jwt-1", "--no-stream", "--json"]
        )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"text": "42", "session_id": "s-1"}
    (request,) = seen
    assert request["path"] == "/invocations"
    assert request["headers"]["authorization"] == "Bearer jwt-1"
    assert request["body"] == {"prompt": "6*7?", "stream": False}


# -- built on CodeBuild ----------------------------------------------------------------------------------


@dataclass
class FakeContexts:
    """Stands in for ``build_container_context``: a small context whose hash follows ``code``."""

    directory: Path
    code: str = "v1"
    built: list[str] = field(default_factory=list)

    def build(self, project: Any, target: str, *, arch: str, python_version: str | None) -> Any:
        root = self.directory / self.code
        (root / "app").mkdir(parents=True, exist_ok=True)
        (root / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY app /app\n")
        (root / "app" / "main.py").write_text(f"# {self.code}\n")
        sha256 = hashlib.sha256(self.code.encode()).hexdigest()
        self.built.append(sha256[:16])
        return _Context(root, sha256, arch, f"linux/{arch}")

    @property
    def tag(self) -> str:
        return hashlib.sha256(self.code.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Context:
    path: Path
    sha256: str
    arch: str
    platform: str
    size_bytes: int = 100
    python_version: str = "3.12"
    entrypoint: str = "uvicorn demo_agent.entrypoints.http_app:app --host 0.0.0.0 --port 8000"

    @property
    def tag(self) -> str:
        return self.sha256[:16]


CODEBUILD_SETTINGS = {"repository": "agent", "codebuild_project": "images", "codebuild_bucket": "contexts"}


@pytest.fixture
def codebuild_pushes(moto, tmp_path, monkeypatch) -> Iterator[FakeContexts]:
    """A CodeBuild project, its context bucket and the ECR repository, in moto; the context builder swapped
    for a fixture; and, after each ``StartBuild``, the push the real build would make."""
    codebuild_project(moto.client, name="images", bucket="contexts", account=ACCOUNT)
    moto.client("ecr").create_repository(repositoryName="agent")
    contexts = FakeContexts(tmp_path / "contexts")
    monkeypatch.setattr(fastapi_target, "CONTEXT_BUILDER", contexts.build)

    def pushed(model: Any, **_: Any) -> None:
        if model.name == "StartBuild":
            push_image(moto, "agent", contexts.tag)

    with session_hooks(("after-call", pushed)):
        yield contexts


def test_codebuild_builds_once_reuses_the_image_and_destroy_deletes_what_it_built(
    project, moto, calls, codebuild_pushes
):
    network = make_network(moto)
    push_image(moto, "agent", "someone-elses-tag")
    configure(project, **CODEBUILD_SETTINGS, **network.settings())
    first_tag = codebuild_pushes.tag

    first = deploy(project, moto, "--json")
    assert first.exit_code == 0, first.output
    assert changes(calls) == ["PutObject", "StartBuild", *FIRST_DEPLOY]
    assert json.loads(first.stdout)["outputs"]["image"] == f"{REGISTRY}/agent:{first_tag}"
    assert parameters(our_stack(moto))["ImageTag"] == first_tag
    assert container(moto)["image"] == f"{REGISTRY}/agent:{first_tag}"

    calls.clear()
    again = deploy(project, moto)
    assert again.exit_code == 0, again.output
    assert changes(calls) == [], "an unchanged project is not rebuilt"

    codebuild_pushes.code = "v2"
    calls.clear()
    changed = deploy(project, moto)
    assert changed.exit_code == 0, changed.output
    assert changes(calls) == ["PutObject", "StartBuild", *UPDATE]
    assert parameters(our_stack(moto))["ImageTag"] == codebuild_pushes.tag
    state = load_state(project.root, "fastapi")
    assert state is not None and f"image@{REGISTRY}/agent:{first_tag}" in state.resources

    calls.clear()
    gone = run("destroy", project, moto, "--yes")
    assert gone.exit_code == 0, gone.output
    assert changes(calls) == ["BatchDeleteImage", "BatchDeleteImage", "DeleteStack", "DeleteLogGroup"]
    assert image_tags(moto, "agent") == ["someone-elses-tag"], "only the images scaffold built"
    assert stacks(moto) == []


# -- a failure at each mutating step of a first deploy, then a rerun --------------------------------------

SCENARIOS = {
    "image": ({"image": IMAGE}, FIRST_DEPLOY),
    "codebuild": (CODEBUILD_SETTINGS, ["PutObject", "StartBuild", *FIRST_DEPLOY]),
}
CASES = [
    pytest.param(
        name,
        nth,
        mode,
        id=f"{name}-{nth}-{operation}-{mode}",
    )
    for name, (_, sequence) in SCENARIOS.items()
    for nth, operation in enumerate(sequence, start=1)
    for mode in ("before", "after")
]


@pytest.mark.parametrize(("name", "nth", "mode"), CASES)
def test_a_rerun_after_a_failure_resumes_and_converges(
    name, nth, mode, project, moto, calls, fail_at, request
):
    settings, sequence = SCENARIOS[name]
    if name == "codebuild":
        contexts = request.getfixturevalue("codebuild_pushes")
    else:
        push_image(moto, "agent", "abc")
    configure(project, **settings, **make_network(moto).settings())
    calls.clear()

    with fail_at(nth, mode) as failure, pytest.raises((DeployFailed, StackFailed, SimulatedCrash)):
        engine_deploy(project, "fastapi", moto.options, progress=QUIET)
    assert failure.failed == sequence[nth - 1]
    state = load_state(project.root, "fastapi")
    assert state is not None, "the state file exists from the first step on"
    if mode == "before":
        assert state.deployment["status"] == "failed"
        assert "injected failure" in state.deployment["error"]

    calls.clear()
    outcome = engine_deploy(project, "fastapi", moto.options, progress=QUIET)
    resumed_from = nth - 1 if mode == "before" else nth
    assert changes(calls) == sequence[resumed_from:], "completed steps are not repeated"
    assert outcome.applied

    state = load_state(project.root, "fastapi")
    assert state is not None and state.deployment["status"] == "complete"
    assert list(state.resources) == ["image", "log_group", "stack"]
    assert stacks(moto) == [STACK] and our_stack(moto)["StackStatus"] == "CREATE_COMPLETE"
    tag = contexts.tag if name == "codebuild" else "abc"
    assert parameters(our_stack(moto))["ImageTag"] == tag
    assert image_tags(moto, "agent") == [tag], "no second image"
    calls.clear()
    engine_deploy(project, "fastapi", moto.options, progress=QUIET)
    assert changes(calls) == [], "after converging, a redeploy changes nothing"


# -- HTTPS by default ----------------------------------------------------------------------------------------


def listener(moto: Any) -> dict[str, Any]:
    elb = moto.client("elbv2")
    (balancer,) = elb.describe_load_balancers()["LoadBalancers"]
    (found,) = elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    return found


def test_the_load_balancer_listens_on_https_with_tls_1_2_or_later(project, moto, calls):
    network = make_network(moto)
    push_image(moto, "agent", "abc")
    configure(project, image=IMAGE, **network.settings())

    result = deploy(project, moto)

    assert result.exit_code == 0, result.output
    found = listener(moto)
    assert (found["Port"], found["Protocol"]) == (443, "HTTPS")
    assert found["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert found["Certificates"][0]["CertificateArn"] == network.certificate_arn
    assert parameters(our_stack(moto))["AllowHttp"] == "false"
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("certificate_arn", "error"),
    [
        pytest.param(
            "",
            "The fastapi load balancer serves HTTPS: set certificate_arn (an ACM certificate for your "
            "domain) in [tool.scaffold.deploy.fastapi] in pyproject.toml, or allow_http = true to serve "
            "plain HTTP (tokens and prompts then travel unencrypted).",
            id="no-certificate-nor-allow-http",
        ),
        pytest.param(
            "my-cert",
            "certificate_arn in [tool.scaffold.deploy.fastapi] in pyproject.toml must be an ACM certificate "
            "ARN (arn:aws:acm:<region>:<account>:certificate/<id>), not 'my-cert'.",
            id="not-an-acm-arn",
        ),
    ],
)
def test_a_listener_without_a_usable_certificate_is_refused_with_exit_2(
    project, moto, calls, certificate_arn, error
):
    push_image(moto, "agent", "abc")
    settings = {**make_network(moto).settings(), "certificate_arn": certificate_arn}
    configure(project, image=IMAGE, **settings)

    result = deploy(project, moto, "--plan")

    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert result.stderr == f"Error: {error}\n"
    assert changes(calls) == []


def test_plain_http_is_an_opt_in_the_plan_warns_about(project, moto, calls):
    push_image(moto, "agent", "abc")
    settings = {**make_network(moto).settings(), "certificate_arn": "", "allow_http": True}
    configure(project, image=IMAGE, **settings)

    planned = deploy(project, moto, "--plan")

    assert planned.exit_code == 0, planned.output
    warning = (
        "Warning: allow_http = true in [tool.scaffold.deploy.fastapi] in pyproject.toml: the load balancer "
        "serves plain HTTP on port 80, so bearer tokens and prompts travel unencrypted; set certificate_arn "
        "for HTTPS."
    )
    assert warning in planned.stderr.splitlines()
    assert changes(calls) == []

    applied = deploy(project, moto)

    assert applied.exit_code == 0, applied.output
    assert warning in applied.stderr.splitlines()
    found = listener(moto)
    assert (found["Port"], found["Protocol"]) == (80, "HTTP")
    assert parameters(our_stack(moto))["AllowHttp"] == "true"


# -- the environment's alarms, inside the stack ------------------------------------------------------------

FASTAPI_ALARMS = ("errors", "lb-errors", "throttles", "latency-p90", "tool-errors", "tokens")


def stack_alarms(moto: Any) -> dict[str, dict[str, Any]]:
    found = moto.client("cloudwatch").describe_alarms()["MetricAlarms"]
    return {alarm["AlarmName"]: alarm for alarm in found}


def environments(project: Any, alarms: str) -> None:
    text = f'[environments.dev]\nregion = "{REGION}"\n[environments.dev.alarms]\n{alarms}\n'
    (project.root / "environments.toml").write_text(text, encoding="utf-8")


def test_the_stack_carries_the_environments_alarms_through_update_destroy_and_disable(
    project, moto, calls, moto_stacks_make_alarms
):
    network = make_network(moto)
    push_image(moto, "agent", "abc")
    configure(project, image=IMAGE, **network.settings())
    environments(project, "error_threshold = 4\nlatency_p90_ms = 20000")

    first = deploy(project, moto)
    assert first.exit_code == 0, first.output
    alarms = stack_alarms(moto)
    assert set(alarms) == {f"{STACK}-{suffix}" for suffix in FASTAPI_ALARMS}
    errors = alarms[f"{STACK}-errors"]
    assert (errors["Namespace"], errors["MetricName"]) == ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count")
    assert errors["Threshold"] == 4.0
    watched = {item["Name"]: item["Value"] for item in errors["Dimensions"]}
    (balancer,) = moto.client("elbv2").describe_load_balancers()["LoadBalancers"]
    assert watched["LoadBalancer"] == balancer["LoadBalancerArn"].split(":loadbalancer/")[1]
    assert watched["TargetGroup"].startswith("targetgroup/")
    assert alarms[f"{STACK}-latency-p90"]["Threshold"] == 20.0  # TargetResponseTime: seconds
    tool_errors = {item["Name"]: item["Value"] for item in alarms[f"{STACK}-tool-errors"]["Dimensions"]}
    assert tool_errors == {"service": PROJECT, "environment": "dev"}
    environment = {item["name"]: item["value"] for item in container(moto)["environment"]}
    assert (environment["AGENT_ENVIRONMENT"], environment["AGENT_METRICS"]) == ("dev", "emf")

    environments(project, "error_threshold = 9\nlatency_p90_ms = 20000")
    calls.clear()
    changed = deploy(project, moto, "--json")
    assert changed.exit_code == 0, changed.output
    assert changes(calls) == UPDATE, "the alarms are the stack's: one stack update"
    assert stack_alarms(moto)[f"{STACK}-errors"]["Threshold"] == 9.0

    gone = run("destroy", project, moto, "--yes")
    assert gone.exit_code == 0, gone.output
    assert stack_alarms(moto) == {}, "deleted with the stack"

    assert deploy(project, moto).exit_code == 0
    assert len(stack_alarms(moto)) == len(FASTAPI_ALARMS)
    environments(project, "enabled = false")
    calls.clear()
    disabled = deploy(project, moto)
    assert disabled.exit_code == 0, disabled.output
    assert changes(calls) == UPDATE
    assert stack_alarms(moto) == {}
