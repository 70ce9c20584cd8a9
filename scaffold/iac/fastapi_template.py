"""The ``fastapi`` target as CloudFormation: the container image as an ECS Fargate service behind an ALB.

Resources: a cluster; a task definition (the image from ``ImageRepository``:``ImageTag`` in this account's
ECR, port 8000, the artifact's CPU architecture, a non-root user, awslogs to the stack's log group, the
``AGENT_*`` environment, a container health check on ``/ping``); the task role (``execution_policy``, what
the agent calls) and the execution role (``task_execution_policy``: pull this one repository, write this
one log group); an Application Load Balancer in ``LoadBalancerSubnetIds`` with a target group checking
``/ping``, an HTTPS listener (``CertificateArn``, TLS 1.2+; plain HTTP only with ``AllowHttp=true``) and
security groups that admit the tasks' port from the load balancer only; the service in ``ServiceSubnetIds``.

``auth=iam`` is refused: nothing in front of this service verifies SigV4, and the IAM authenticator would
trust a header any client can send (see ``agent_scaffold_runtime/auth/iam.py``).
"""

from __future__ import annotations

from ..environments.settings import Environment
from ..errors import BadInput
from ..project import Project
from .alarms import environment_name, load_balancer_alarms, stack_alarms
from .artifact import Artifact, architecture
from .cfn import (
    ACCOUNT,
    DEFAULT_LOG_RETENTION_DAYS,
    LOG_RETENTION,
    PARTITION,
    REGION,
    URL_SUFFIX,
    Json,
    Template,
    artifact_metadata,
    get_att,
    log_group,
    log_retention_parameter,
    parameter,
    ref,
    role,
    sub,
    substitute,
    with_overrides,
)
from .environment import agent_environment, answer
from .load_balancer import add_load_balancer, load_balancer_url
from .policies import task_execution_policy
from .sessions import session_store

TARGET = "fastapi"
CONTAINER = "agent"
PORT = 8000
HEALTH_PATH = "/ping"
IDLE_TIMEOUT_SECONDS = 130  # longer than a request may run (AGENT_REQUEST_TIMEOUT_SECONDS, 120)
_CPU_ARCHITECTURES = {"arm64": "ARM64", "x86_64": "X86_64"}
# The image's Python is always there, unlike curl or wget in slim images.
_HEALTH_COMMAND = (
    f"import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:{PORT}{HEALTH_PATH}',"
    " timeout=4).status != 200)"
)
_REPOSITORY_ARN = f"arn:{PARTITION}:ecr:{REGION}:{ACCOUNT}:repository/${{ImageRepository}}"
IMAGE_USER = (
    "10001:10001"  # the non-root user scaffold's Dockerfiles create (scaffold/packaging/dockerfiles.py)
)
_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.{URL_SUFFIX}/${{ImageRepository}}:${{ImageTag}}"
# The file backend writes under the working directory by default; a non-root user may only write /tmp.
_MEMORY_ENVIRONMENT = {"file": {"AGENT_SESSION_DIR": "/tmp/sessions"}}


def image_tag(artifact: Artifact) -> str:
    """The tag ``scaffold package --format container`` suggests: the build context's hash, shortened."""
    return artifact.sha256[:16]


def _parameters(artifact: Artifact, retention_days: int) -> Json:
    return {
        "VpcId": parameter("AWS::EC2::VPC::Id", "VPC of the load balancer and the tasks."),
        "LoadBalancerSubnetIds": parameter(
            "List<AWS::EC2::Subnet::Id>", "Subnets of the load balancer (public ones, in two or more AZs)."
        ),
        "ServiceSubnetIds": parameter(
            "List<AWS::EC2::Subnet::Id>", "Subnets of the tasks (private, with a route to ECR and Bedrock)."
        ),
        "AssignPublicIp": parameter(
            "String", "ENABLED only when the service subnets are public.", Default="DISABLED",
            AllowedValues=["DISABLED", "ENABLED"],
        ),
        "ImageRepository": parameter(
            "String", "ECR repository (in this account and Region) holding the image.",
            AllowedPattern="^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$",
        ),
        "ImageTag": parameter(
            "String", "Image tag; default: the packaged build context's hash.", Default=image_tag(artifact)
        ),
        "ContainerUser": parameter(
            "String", "Non-root uid:gid to run as (the packaged image's user).", Default=IMAGE_USER
        ),
        "DesiredCount": parameter("Number", "Number of tasks.", Default=1, MinValue=0),
        "TaskCpu": parameter(
            "String", "Task CPU units.", Default="512", AllowedValues=["256", "512", "1024", "2048", "4096"]
        ),
        "TaskMemory": parameter("String", "Task memory (MiB), valid for TaskCpu.", Default="1024"),
        LOG_RETENTION: log_retention_parameter(retention_days),
    }  # fmt: skip


def _container(environment: Json) -> Json:
    return {
        "Name": CONTAINER,
        "Image": sub(_IMAGE),
        "Essential": True,
        "User": ref("ContainerUser"),
        "PortMappings": [{"ContainerPort": PORT, "Protocol": "tcp"}],
        "Environment": [{"Name": name, "Value": value} for name, value in environment.items()],
        "HealthCheck": {
            "Command": ["CMD", "python", "-c", _HEALTH_COMMAND],
            "Interval": 30,
            "Timeout": 5,
            "Retries": 3,
            "StartPeriod": 60,
        },
        "LogConfiguration": {
            "LogDriver": "awslogs",
            "Options": {
                "awslogs-group": ref("LogGroup"),
                "awslogs-region": ref("AWS::Region"),
                "awslogs-stream-prefix": CONTAINER,
            },
        },
    }


def build(project: Project, artifact: Artifact, *, environment: Environment | None = None) -> Template:
    """``environment``: the deployment environment whose log retention and alarms the stack gets
    (``AlarmSettings()``'s defaults and 30 days without one)."""
    answers = dict(project.public_answers)
    if answer(answers, "auth", "none") == "iam":
        raise BadInput(
            "auth=iam cannot protect the fastapi target: nothing in front of the service verifies SigV4. "
            "Use auth=jwt (or none behind your own authentication)."
        )
    store = session_store(answers, project.package_name)
    retention = environment.settings.log_retention_days if environment else DEFAULT_LOG_RETENTION_DAYS
    template = Template(
        description=f"{project.project_name}: Strands agent on ECS Fargate behind a load balancer",
        metadata=artifact_metadata(project.project_name, TARGET, artifact, {}),
        parameters={**_parameters(artifact, retention), **store.parameters},
        parameter_values={"ImageTag": image_tag(artifact)},
    )
    resources = template.resources
    resources.update(store.resources)
    resources["LogGroup"] = log_group("/ecs/${AWS::StackName}", LOG_RETENTION)
    log_group_arn = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:${{LogGroup}}"
    ecs_tasks = {"source_account": ACCOUNT, "source_arn": f"arn:{PARTITION}:ecs:{REGION}:{ACCOUNT}:*"}
    task_policy = store.execution_policy(answers, target=TARGET, log_group_arn=None)
    resources["TaskRole"] = role(
        "ecs-tasks.amazonaws.com",
        {"agent": task_policy},
        description=f"Task role of {project.project_name}",
        **ecs_tasks,
    )
    start_policy = task_execution_policy(
        region=REGION,
        account=ACCOUNT,
        partition=PARTITION,
        log_group_arn=log_group_arn,
        repository_arn=_REPOSITORY_ARN,
    )
    resources["ExecutionRole"] = role(
        "ecs-tasks.amazonaws.com",
        {"start-task": start_policy},
        description=f"Task execution role of {project.project_name}",
        **ecs_tasks,
    )
    memory_env = _MEMORY_ENVIRONMENT.get(answer(answers, "memory", "file"), {})
    variables = with_overrides(
        agent_environment(answers, environment=environment_name(environment)),
        {**memory_env, **store.environment},
    )
    resources["Cluster"] = {
        "Type": "AWS::ECS::Cluster",
        "Properties": {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]},
    }
    resources["TaskDefinition"] = {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "Family": sub("${AWS::StackName}"),
            "RequiresCompatibilities": ["FARGATE"],
            "NetworkMode": "awsvpc",
            "Cpu": ref("TaskCpu"),
            "Memory": ref("TaskMemory"),
            "RuntimePlatform": {
                "CpuArchitecture": _CPU_ARCHITECTURES[architecture(artifact)],
                "OperatingSystemFamily": "LINUX",
            },
            "ExecutionRoleArn": get_att("ExecutionRole", "Arn"),
            "TaskRoleArn": get_att("TaskRole", "Arn"),
            "ContainerDefinitions": [_container(variables)],
        },
    }
    add_load_balancer(template, port=PORT, health_path=HEALTH_PATH, idle_timeout_seconds=IDLE_TIMEOUT_SECONDS)
    _add_service(template)
    balancer = get_att("LoadBalancer", "LoadBalancerFullName")
    targets = get_att("TargetGroup", "TargetGroupFullName")
    resources.update(
        stack_alarms(
            environment,
            project.project_name,
            lambda settings: load_balancer_alarms(settings, load_balancer=balancer, target_group=targets),
        )
    )
    template.output("URL", load_balancer_url(), "The agent's endpoint: POST /invocations, GET /ping.")
    template.output("LogGroupName", ref("LogGroup"), "Where the tasks log.")
    return template


def _add_service(template: Template) -> None:
    template.resources["Service"] = {
        "Type": "AWS::ECS::Service",
        "DependsOn": "Listener",  # the target group must belong to a load balancer first
        "Properties": substitute(
            {
                "Cluster": ref("Cluster"),
                "LaunchType": "FARGATE",
                "TaskDefinition": ref("TaskDefinition"),
                "DesiredCount": ref("DesiredCount"),
                "HealthCheckGracePeriodSeconds": 60,
                "DeploymentConfiguration": {
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                    "MinimumHealthyPercent": 100,
                    "MaximumPercent": 200,
                },
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "Subnets": ref("ServiceSubnetIds"),
                        "SecurityGroups": [get_att("ServiceSecurityGroup", "GroupId")],
                        "AssignPublicIp": ref("AssignPublicIp"),
                    }
                },
                "LoadBalancers": [
                    {"ContainerName": CONTAINER, "ContainerPort": PORT, "TargetGroupArn": ref("TargetGroup")}
                ],
            }
        ),
    }
