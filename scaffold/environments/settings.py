"""Deployment environments: ``environments.toml``, a committed, typed file beside ``pyproject.toml``.

One project deploys to several environments (``dev``, ``staging``, ``prod``...) side by side, in one account
or in several. Each environment is a table of typed settings; ``[defaults]`` applies to all of them::

    [defaults]
    log_retention_days = 30

    [environments.dev]
    region = "us-east-1"

    [environments.prod]
    region = "eu-west-1"
    account_id = "123456789012"            # account guard: refuse other credentials
    model_id = "eu.anthropic.claude-sonnet-4-20250514-v1:0"
    log_retention_days = 365
    environment = { AGENT_LOG_LEVEL = "WARNING" }   # any AGENT_* value
    [environments.prod.iam]
    permissions_boundary = "arn:aws:iam::123456789012:policy/AgentBoundary"
    role_path = "/agents/"
    role_name_prefix = "acme-"
    required_tags = { CostCenter = "ai-42" }
    [environments.prod.alarms]
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:oncall"
    [environments.prod.lambda]             # overrides [tool.scaffold.deploy.lambda] in this environment
    memory_mb = 2048

The file is validated whole (pydantic, strict types, unknown keys refused) before any AWS call, and the
first problem is reported on one line naming the file and the key (``environments.prod.iam.role_path``).
Without the file there is one environment, ``dev``, with the project's answers and pyproject settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import BadInput

FILE_NAME = "environments.toml"
DEFAULT_ENVIRONMENT = "dev"
TARGET_TABLES = ("agentcore", "lambda", "fastapi")
ENV_NAME = re.compile(r"^[a-z][a-z0-9]{0,11}$")
RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_BOUNDARY = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]+$")
_ROLE_PATH = re.compile(r"^/([\x21-\x7e]{0,510}/)?$")
_ROLE_PREFIX = re.compile(r"^[\w+=,.@-]{0,24}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
_AGENT_VARIABLE = re.compile(r"^AGENT_[A-Z0-9_]+$")
_TOPIC = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$")


class EnvironmentsFileError(BadInput):
    """``environments.toml`` is malformed, or names an environment or key that does not exist."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class IamGuardrails(_Strict):
    """What a locked-down account demands of every role a deploy creates (and the export declares)."""

    permissions_boundary: str = ""  # a managed policy ARN, attached as every role's boundary
    role_path: str = "/"
    role_name_prefix: str = ""  # put before every role name (``acme-`` + ``scaffold-...``)
    required_tags: dict[str, str] = Field(default_factory=dict)  # on every role (and every tagged resource)

    @field_validator("permissions_boundary")
    @classmethod
    def _boundary(cls, value: str) -> str:
        if value and not _BOUNDARY.match(value):
            raise ValueError("must be an IAM managed policy ARN (arn:aws:iam::<account>:policy/<name>)")
        return value

    @field_validator("role_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not _ROLE_PATH.match(value):
            raise ValueError("must start and end with / (for example /agents/)")
        return value

    @field_validator("role_name_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _ROLE_PREFIX.match(value):
            raise ValueError("must be at most 24 of the characters IAM allows in role names")
        return value

    @field_validator("required_tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key, tag in value.items():
            if not _TAG_KEY.match(key) or key.lower().startswith("aws:") or len(tag) > 256:
                raise ValueError(
                    f"has an invalid tag {key!r} (keys 1-128 characters, not aws:, values <= 256)"
                )
        return value


class AlarmSettings(_Strict):
    """CloudWatch alarms a deploy creates for the target and for the agent's own metrics."""

    enabled: bool = True
    topic_arn: str = ""  # an SNS topic to notify; empty: the alarms only change state
    error_threshold: int = Field(default=1, ge=1)  # errors (5xx, function errors) per period
    throttle_threshold: int = Field(default=1, ge=1)
    latency_p90_ms: int = Field(default=60_000, ge=1)
    tool_error_threshold: int = Field(default=5, ge=1)  # the agent's tool errors per period
    tokens_per_request: int = Field(default=50_000, ge=1)  # average tokens per request, per period
    period_s: int = Field(default=300, ge=60)
    evaluation_periods: int = Field(default=1, ge=1, le=100)

    @field_validator("period_s")
    @classmethod
    def _period(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be a multiple of 60")
        return value

    @field_validator("topic_arn")
    @classmethod
    def _topic(cls, value: str) -> str:
        if value and not _TOPIC.match(value):
            raise ValueError("must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)")
        return value


class EnvironmentTable(_Strict):
    """One ``[environments.NAME]`` table (and ``[defaults]``): every key optional."""

    region: str  # required in every declared environment (from [defaults] or its own table)
    account_id: str = ""  # the account guard: deploys with credentials of another account are refused
    model_id: str = ""
    memory_bucket: str = ""  # the S3 bucket of session memory (memory = "s3")
    domain: str = ""  # the name callers use (fastapi: the load balancer's; shown in status)
    certificate_arn: str = ""  # an ACM certificate for the domain (fastapi: the HTTPS listener)
    log_retention_days: int = 30
    environment: dict[str, str] = Field(default_factory=dict)
    iam: IamGuardrails = Field(default_factory=IamGuardrails)
    alarms: AlarmSettings = Field(default_factory=AlarmSettings)
    agentcore: dict[str, Any] = Field(default_factory=dict)  # checked by the target's own settings
    lambda_: dict[str, Any] = Field(default_factory=dict, alias="lambda")
    fastapi: dict[str, Any] = Field(default_factory=dict)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value and not _REGION.match(value):
            raise ValueError("must be an AWS Region such as us-east-1")
        return value

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        if value and not _ACCOUNT.match(value):
            raise ValueError("must be a 12-digit AWS account id")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in RETENTION_DAYS:
            raise ValueError(
                f"must be one of CloudWatch's values ({', '.join(map(str, sorted(RETENTION_DAYS)))})"
            )
        return value

    @field_validator("environment")
    @classmethod
    def _variables(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not _AGENT_VARIABLE.match(name):
                raise ValueError(f"may only set AGENT_* variables, not {name!r}")
        return value


@dataclass(frozen=True)
class Environment:
    """One environment, resolved: ``[defaults]`` under ``[environments.NAME]``. ``declared`` is False for the
    implicit ``dev`` of a project without ``environments.toml``."""

    name: str
    settings: EnvironmentTable
    declared: bool
    source: Path

    def target_settings(self, target: str) -> Mapping[str, Any]:
        """This environment's overrides of ``[tool.scaffold.deploy.<target>]``."""
        return dict(getattr(self.settings, "lambda_" if target == "lambda" else target))

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_ENVIRONMENT


def check_name(name: str) -> str:
    if not ENV_NAME.match(name):
        raise EnvironmentsFileError(
            f"Environment name {name!r} is not valid: a lowercase letter, then up to 11 lowercase letters or "
            "digits (dev, staging, prod, qa2)."
        )
    return name


def load_environment(project_root: Path, name: str = DEFAULT_ENVIRONMENT) -> Environment:
    """The named environment of the project at ``project_root``; every table of the file is checked."""
    check_name(name)
    path = project_root / FILE_NAME
    tables = load_all(project_root)
    if tables is None:
        if name != DEFAULT_ENVIRONMENT:
            raise EnvironmentsFileError(
                f"No environment {name!r}: this project has no {FILE_NAME}, so it has only "
                f"{DEFAULT_ENVIRONMENT!r}. Add [environments.{name}] to {FILE_NAME} (docs/environments.md)."
            )
        return Environment(name, EnvironmentTable(region=""), declared=False, source=path)
    if name not in tables:
        known = ", ".join(sorted(tables)) or "none"
        raise EnvironmentsFileError(f"No environment {name!r} in {path}; it declares: {known}.")
    return Environment(name, tables[name], declared=True, source=path)


def load_all(project_root: Path) -> dict[str, EnvironmentTable] | None:
    """Every declared environment, resolved over ``[defaults]``; ``None`` when the file does not exist."""
    path = project_root / FILE_NAME
    raw = _read(path)
    if raw is None:
        return None
    unknown = sorted(set(raw) - {"defaults", "environments"})
    if unknown:
        raise EnvironmentsFileError(
            f"{path}: unknown table [{unknown[0]}]; expected [defaults] and [environments.NAME]."
        )
    defaults = raw.get("defaults", {})
    declared = raw.get("environments", {})
    if not isinstance(defaults, dict) or not isinstance(declared, dict):
        raise EnvironmentsFileError(f"{path}: [defaults] and [environments] must be tables.")
    resolved: dict[str, EnvironmentTable] = {}
    for name, table in declared.items():
        if not ENV_NAME.match(name):
            raise EnvironmentsFileError(
                f"{path}: environments.{name}: not a valid environment name (a lowercase letter, then up "
                "to 11 lowercase letters or digits)."
            )
        if not isinstance(table, dict):
            raise EnvironmentsFileError(f"{path}: environments.{name} must be a table.")
        resolved[name] = _validate(path, name, defaults, table)
    return resolved


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` on ``base``, table by table (a nested table merges; any other value replaces)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _validate(
    path: Path, name: str, defaults: Mapping[str, Any], table: Mapping[str, Any]
) -> EnvironmentTable:
    try:
        return EnvironmentTable.model_validate(_merge(defaults, table))
    except ValidationError as exc:
        error = exc.errors()[0]
        # A bad value that the environment inherits is reported where it is written: in [defaults].
        inherited = bool(error["loc"]) and not _has(table, error["loc"]) and _has(defaults, error["loc"])
        where = "defaults" if inherited else f"environments.{name}"
        location = ".".join(str(part) for part in (where, *error["loc"]))
        raise EnvironmentsFileError(f"{path}: {location}: {_describe(error)}.") from None


def _has(table: Mapping[str, Any], location: tuple[Any, ...]) -> bool:
    node: Any = table
    for part in location:
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _describe(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required"
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif "type" in kind:
        message = f"{message.lower()}, not {error.get('input')!r}"
    return message


def _read(path: Path) -> dict[str, Any] | None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentsFileError(f"Could not read {path}: {exc}.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EnvironmentsFileError(f"{path} is not valid TOML: {exc}.") from None
