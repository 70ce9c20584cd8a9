"""Names and tags of everything a deploy creates, derived from the project, target, environment, account
and region.

Environments other than ``dev`` add their name to every name (``my-agent-staging``, ``my_agent_staging``)
and to the tags, so several environments of one project live side by side in one account; ``dev`` keeps
the names deploys had before environments existed, so an existing deployment is not replaced.

Names are deterministic so a rerun after a crash finds what the interrupted run created; the tags say who
created it, so a resource that merely has the same name is never adopted, changed or deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..environments.settings import DEFAULT_ENVIRONMENT

TAG_PROJECT = "agent-scaffold:project"
TAG_TARGET = "agent-scaffold:target"
TAG_MANAGED = "agent-scaffold:managed-by"
TAG_ENVIRONMENT = "agent-scaffold:environment"
MANAGED_BY = "agent-scaffold"

ALIAS = "live"  # the Lambda alias and the AgentCore endpoint that callers use
NAME_PREFIX = "scaffold-"

#: The account of an offline plan made with no recorded state: only AWS could tell.
UNKNOWN_ACCOUNT = "?"


@dataclass(frozen=True)
class Names:
    project: str  # lowercase letters, digits, single hyphens; at most 40 characters (the template's rule)
    package: str  # project with "_" for "-"
    target: str
    account_id: str
    region: str
    environment: str = DEFAULT_ENVIRONMENT

    @property
    def _dash(self) -> str:
        return "" if self.environment == DEFAULT_ENVIRONMENT else f"-{self.environment}"

    @property
    def _underscore(self) -> str:
        return "" if self.environment == DEFAULT_ENVIRONMENT else f"_{self.environment}"

    @property
    def tags(self) -> dict[str, str]:
        return {
            TAG_PROJECT: self.project,
            TAG_TARGET: self.target,
            TAG_ENVIRONMENT: self.environment,
            TAG_MANAGED: MANAGED_BY,
        }

    def owns(self, tags: dict[str, str] | None) -> bool:
        """Tags that say this project, target and environment created the resource (a resource from before
        environments existed has no environment tag: it is ``dev``'s)."""
        found = tags or {}
        environment = found.get(TAG_ENVIRONMENT, DEFAULT_ENVIRONMENT)
        return (
            found.get(TAG_PROJECT) == self.project
            and found.get(TAG_TARGET) == self.target
            and environment == self.environment
        )

    @property
    def role(self) -> str:
        return f"{NAME_PREFIX}{self.project}{self._dash}-{self.target}"[:64]

    @property
    def stack(self) -> str:
        """The CloudFormation stack of a target deployed as one (fastapi)."""
        return f"{NAME_PREFIX}{self.project}{self._dash}-{self.target}"

    @property
    def bucket(self) -> str:
        """Globally unique, ours by construction: the digest binds account, region, project and target (an
        offline plan that knows no account shows ``?`` for it)."""
        if self.account_id == UNKNOWN_ACCOUNT:
            return f"{NAME_PREFIX}{self.project[:24]}-?"
        scope = f"{self.account_id}/{self.region}/{self.project}/{self.target}"
        if self.environment != DEFAULT_ENVIRONMENT:
            scope += f"/{self.environment}"
        digest = hashlib.sha256(scope.encode())
        return f"{NAME_PREFIX}{self.project[:24]}-{digest.hexdigest()[:12]}"

    @property
    def code_prefix(self) -> str:
        return f"{self.project}/{self.target}/"

    def code_key(self, sha256: str) -> str:
        return f"{self.code_prefix}{sha256}.zip"

    @property
    def function(self) -> str:
        return f"{self.project}{self._dash}"

    @property
    def lambda_log_group(self) -> str:
        return f"/aws/lambda/{self.function}"

    @property
    def runtime(self) -> str:
        """AgentCore names allow letters, digits and underscores, at most 48 characters."""
        suffix = self._underscore
        return f"{self.package[: 48 - len(suffix)]}{suffix}"

    @property
    def memory(self) -> str:
        suffix = f"_memory{self._underscore}"
        return f"{self.package[: 48 - len(suffix)]}{suffix}"

    @staticmethod
    def runtime_log_group_prefix(runtime_id: str) -> str:
        return f"/aws/bedrock-agentcore/runtimes/{runtime_id}-"

    @classmethod
    def runtime_log_group(cls, runtime_id: str, endpoint: str = ALIAS) -> str:
        return f"{cls.runtime_log_group_prefix(runtime_id)}{endpoint}"
