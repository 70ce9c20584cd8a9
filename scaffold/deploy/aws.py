"""One boto3 session per command: region, profile and endpoint in one place, clients made once, errors named.

Nothing here knows about emulators: ``--endpoint-url`` (or boto3's own ``AWS_ENDPOINT_URL``) is the only
switch, so the same code talks to AWS. ``SESSION_HOOKS`` lets a caller observe every API call the deployer
makes (tests count mutating calls, inject failures; the benchmark counts calls) through botocore's own event
system: handlers registered on the session before a client is made apply to that client.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..aws_idioms import error_code
from .errors import DeployFailed, NoCredentials

if TYPE_CHECKING:
    import boto3

#: (event name, handler) pairs registered on every session this module makes.
SESSION_HOOKS: list[tuple[str, Callable[..., Any]]] = []

#: API operation name prefixes that change something in AWS.
MUTATING_PREFIXES = (
    "Create",
    "Update",
    "Put",
    "Delete",
    "Publish",
    "Tag",
    "Untag",
    "Attach",
    "Detach",
    "Add",
    "Remove",
    "Upload",
    "Copy",
    "Complete",
    "Abort",
    "Set",
    "Start",
    "Stop",
    "Associate",
    "Disassociate",
    "Execute",
    "BatchDelete",
)


def is_mutating(operation_name: str) -> bool:
    return operation_name.startswith(MUTATING_PREFIXES)


@contextmanager
def session_hooks(*hooks: tuple[str, Callable[..., Any]]) -> Iterator[None]:
    """Register ``hooks`` on every session made inside the block."""
    SESSION_HOOKS.extend(hooks)
    try:
        yield
    finally:
        for hook in hooks:
            SESSION_HOOKS.remove(hook)


@dataclass
class AwsContext:
    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def session(self) -> boto3.Session:
        import boto3
        import botocore.session
        from botocore.exceptions import ProfileNotFound

        core = botocore.session.get_session()
        core.register_component("data_loader", _shared_loader(core.get_config_variable("data_path")))
        try:
            session = boto3.Session(botocore_session=core, profile_name=self.profile, region_name=self.region)
        except ProfileNotFound:
            raise NoCredentials(f"AWS profile {self.profile!r} was not found in your AWS config.") from None
        for event, handler in SESSION_HOOKS:
            session.events.register(event, handler)
        return session

    def client(self, service: str) -> Any:
        if service not in self._clients:
            from botocore.config import Config

            config = Config(
                retries={"mode": "standard", "max_attempts": 5}, user_agent_extra="agent-scaffold"
            )
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
        return self._clients[service]

    def has_credentials(self) -> bool:
        """Whether boto3's credential chain finds any (env, profile, SSO, container, instance), without
        calling an AWS API: an offline plan is made instead when it finds none."""
        try:
            return self.session.get_credentials() is not None
        except NoCredentials:  # the profile named does not exist
            return False

    @cached_property
    def identity(self) -> dict[str, str]:
        with aws_errors("read the caller identity (sts get-caller-identity)"):
            found = self.client("sts").get_caller_identity()
        return {"account": found["Account"], "arn": found["Arn"], "user_id": found["UserId"]}

    @property
    def account_id(self) -> str:
        return self.identity["account"]

    @property
    def partition(self) -> str:
        arn = self.identity["arn"]
        return arn.split(":")[1] if arn.startswith("arn:") else "aws"


@functools.lru_cache(maxsize=4)
def _shared_loader(data_path: str | None) -> Any:
    """One botocore model loader per process: a second session (status after deploy in one process, tests,
    the benchmark) reuses the service models already parsed instead of reading them again."""
    from botocore.loaders import create_loader

    return create_loader(data_path)


_CREDENTIAL_CODES = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException"}
)


@contextmanager
def aws_errors(doing: str) -> Iterator[None]:
    """Turn botocore failures into one-line errors that say what was being done."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise NoCredentials(
            f"No AWS credentials to {doing}: configure them (aws configure, AWS_PROFILE or --profile)."
        ) from None
    except ClientError as exc:
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        if code in _CREDENTIAL_CODES:
            raise NoCredentials(f"AWS refused the credentials while trying to {doing}: {message}") from None
        raise DeployFailed(f"Could not {doing}: {code}: {message}") from None
    except EndpointConnectionError as exc:
        raise DeployFailed(f"Could not {doing}: cannot reach {exc.kwargs.get('endpoint_url')}.") from None
    except (BotoCoreError, Boto3Error) as exc:  # Boto3Error: S3 transfers wrap the API error in their own
        raise DeployFailed(f"Could not {doing}: {exc}") from None
