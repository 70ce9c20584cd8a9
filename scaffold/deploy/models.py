"""Resource models: plain data saying what should exist, with no AWS calls (Chalice's ``models`` layer).

A value another resource produces (a role ARN, a published version, a runtime id) is a ``Ref`` to that
resource's recorded outputs; ``Fmt`` builds a string around refs. Both resolve at plan time when the producer
already exists, and again at execution time, after the producing step has run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


@dataclass(frozen=True)
class Ref:
    key: str  # the producing resource's key
    attr: str  # a field of its record

    def __str__(self) -> str:
        return f"${{{self.key}.{self.attr}}}"


@dataclass(frozen=True)
class Fmt:
    template: str  # str.format template, one {} per ref
    refs: tuple[Ref, ...]


class _Unknown:
    """A value that exists only after a step has run: it always differs from what AWS reports."""

    def __repr__(self) -> str:
        return "(known after apply)"

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


UNKNOWN: Any = _Unknown()


def resolve(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """``value`` with every ``Ref``/``Fmt`` replaced from ``outputs``; ``UNKNOWN`` where not produced yet."""
    if isinstance(value, Ref):
        found = outputs.get(value.key, {}).get(value.attr)
        return UNKNOWN if found is None else found
    if isinstance(value, Fmt):
        parts = [resolve(ref, outputs) for ref in value.refs]
        return UNKNOWN if any(part is UNKNOWN for part in parts) else value.template.format(*parts)
    if isinstance(value, dict):
        return {name: resolve(item, outputs) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(item, outputs) for item in value)
    return value


def shown(value: str | Fmt) -> str:
    """A name for display before its refs exist: a ``Fmt``'s template with ``<id>`` for each ref."""
    return value if isinstance(value, str) else value.template.replace("{}", "<id>")


@dataclass(frozen=True)
class Resource:
    kind: ClassVar[str]
    key: str  # stable logical name: the key of its record in the state file

    @property
    def display_name(self) -> str:
        return str(getattr(self, "name", self.key))

    def label(self, outputs: Mapping[str, Mapping[str, Any]]) -> str:
        """The display name, with refs filled in once their producers exist."""
        return self.display_name


@dataclass(frozen=True)
class IamRole(Resource):
    kind: ClassVar[str] = "iam_role"
    name: str
    trust_policy: dict[str, Any]
    policy_name: str
    policy: dict[str, Any]  # may hold refs (a memory ARN)
    tags: dict[str, str]
    description: str = ""
    # IAM guardrails (``scaffold.environments.guardrails``): what a locked-down account demands of roles
    path: str = "/"
    permissions_boundary: str = ""  # a managed policy ARN; empty for none
    required_tags: dict[str, str] = field(default_factory=dict)  # put on the role and kept at these values


@dataclass(frozen=True)
class S3Bucket(Resource):
    kind: ClassVar[str] = "s3_bucket"
    name: str
    prefix: str  # the only keys this tool writes or deletes
    tags: dict[str, str]


@dataclass(frozen=True)
class S3CodeObject(Resource):
    kind: ClassVar[str] = "s3_object"
    bucket: str
    object_key: str  # named by content hash: an existing key already holds these bytes
    file: Path | None  # None when planning a destroy or reading status
    sha256: str
    size_bytes: int

    @property
    def display_name(self) -> str:
        return f"s3://{self.bucket}/{self.object_key}"


@dataclass(frozen=True)
class LogGroup(Resource):
    kind: ClassVar[str] = "log_group"
    name: str | Fmt
    retention_days: int
    tags: dict[str, str]

    @property
    def display_name(self) -> str:
        return shown(self.name)

    def label(self, outputs: Mapping[str, Mapping[str, Any]]) -> str:
        name = resolve(self.name, outputs)
        return self.display_name if name is UNKNOWN else str(name)


@dataclass(frozen=True)
class LambdaFunction(Resource):
    kind: ClassVar[str] = "lambda_function"
    name: str
    role_arn: Ref
    handler: str
    runtime: str  # python3.12
    architecture: str  # arm64 | x86_64
    memory_mb: int
    timeout_s: int
    environment: dict[str, Any]
    code_bucket: str
    code_key: str
    code_sha256: str  # hex; Lambda reports base64
    log_group: str
    tags: dict[str, str]
    description: str = ""
    layers: tuple[str, ...] = ()  # layer version ARNs (the Lambda Web Adapter for a streaming function)
    snap_start: bool = False  # SnapStart on published versions (Python 3.12+)


@dataclass(frozen=True)
class LambdaAlias(Resource):
    kind: ClassVar[str] = "lambda_alias"
    function_name: str
    name: str
    version: Ref

    @property
    def display_name(self) -> str:
        return f"{self.function_name}:{self.name}"


@dataclass(frozen=True)
class FunctionUrl(Resource):
    kind: ClassVar[str] = "lambda_function_url"
    function_name: str
    qualifier: str
    auth_type: str  # AWS_IAM | NONE
    invoke_mode: str = "BUFFERED"  # or RESPONSE_STREAM (a streaming function behind the Lambda Web Adapter)

    @property
    def display_name(self) -> str:
        return f"{self.function_name}:{self.qualifier} ({self.auth_type}, {self.invoke_mode})"


@dataclass(frozen=True)
class LambdaPermission(Resource):
    kind: ClassVar[str] = "lambda_permission"
    function_name: str
    qualifier: str
    statement_id: str | Fmt  # a ref in it makes a new caller (a new API id) a new statement
    action: str
    principal: str
    url_auth_type: str | None = None
    invoked_via_function_url: bool = False
    source_arn: str | Fmt | None = None  # the one caller allowed (an HTTP API's routes)

    @property
    def display_name(self) -> str:
        return f"{self.function_name}:{self.qualifier} {shown(self.statement_id)}"

    def label(self, outputs: Mapping[str, Mapping[str, Any]]) -> str:
        sid = resolve(self.statement_id, outputs)
        return self.display_name if sid is UNKNOWN else f"{self.function_name}:{self.qualifier} {sid}"


@dataclass(frozen=True)
class HttpApi(Resource):
    """An API Gateway HTTP API in front of the function: routes, their authorization, one integration on the
    ``live`` alias, and the auto-deployed ``$default`` stage, converged as one resource."""

    kind: ClassVar[str] = "http_api"
    name: str
    integration_uri: Ref  # the alias ARN
    routes: dict[str, str]  # route key -> authorization type (JWT, AWS_IAM, NONE)
    jwt_issuer: str | None
    jwt_audience: tuple[str, ...]
    tags: dict[str, str]


@dataclass(frozen=True)
class AgentCoreMemory(Resource):
    kind: ClassVar[str] = "agentcore_memory"
    name: str
    event_expiry_days: int
    tags: dict[str, str]
    description: str = ""


@dataclass(frozen=True)
class AgentRuntime(Resource):
    kind: ClassVar[str] = "agentcore_runtime"
    name: str
    spec: dict[str, Any]  # the create/update parameters besides the name; may hold refs
    tags: dict[str, str]
    ready_timeout_s: float = 900.0


@dataclass(frozen=True)
class RuntimeEndpoint(Resource):
    kind: ClassVar[str] = "agentcore_endpoint"
    runtime_id: Ref
    name: str
    version: Ref
    tags: dict[str, str] = field(default_factory=dict)
    ready_timeout_s: float = 600.0


@dataclass(frozen=True)
class ImageBuild:
    """How to build an image that is not there yet: the build context (``scaffold.packaging``'s
    ``ContainerContext``: a directory and its content hash) and the CodeBuild project that builds and
    pushes it."""

    context: Any
    codebuild_project: str
    codebuild_bucket: str  # where the zipped context goes for CodeBuild
    timeout_s: float = 3600.0


@dataclass(frozen=True)
class ContainerImage(Resource):
    """An image in this account's ECR. Given (``build`` is ``None``): it must exist, and is never built
    or deleted. Built: tagged with its build context's hash, so an image with that tag holds this code."""

    kind: ClassVar[str] = "container_image"
    uri: str  # <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>
    repository: str
    tag: str
    build: ImageBuild | None = None

    @property
    def display_name(self) -> str:
        return self.uri


@dataclass(frozen=True)
class CloudFormationStack(Resource):
    """A stack converged as one resource: its template and every parameter value, compared with what
    CloudFormation holds. ``template`` is empty when the model only names the stack (destroy, status)."""

    kind: ClassVar[str] = "cloudformation_stack"
    name: str
    template: dict[str, Any]
    parameters: dict[str, str]
    tags: dict[str, str]
    timeout_s: float = 3600.0


@dataclass(frozen=True)
class MetricAlarm(Resource):
    """A CloudWatch alarm on one metric (``scaffold.iac.alarms`` defines which); ``dimensions`` may hold refs
    (the runtime's ARN). ``statistic`` is Sum/Average or a percentile such as ``p90``."""

    kind: ClassVar[str] = "metric_alarm"
    name: str
    description: str
    namespace: str
    metric_name: str
    dimensions: dict[str, Any]
    statistic: str
    period_s: int
    evaluation_periods: int
    threshold: float
    comparison: str
    treat_missing_data: str
    alarm_actions: tuple[str, ...]
    tags: dict[str, str]
