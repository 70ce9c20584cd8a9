"""Names and tags of everything a deploy creates, derived from the project, target, account and region.

Names are deterministic so a rerun after a crash finds what the interrupted run created; the tags say who
created it, so a resource that merely has the same name is never adopted, changed or deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TAG_PROJECT = "agent-scaffold:project"
TAG_TARGET = "agent-scaffold:target"
TAG_MANAGED = "agent-scaffold:managed-by"
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

    @property
    def tags(self) -> dict[str, str]:
        return {TAG_PROJECT: self.project, TAG_TARGET: self.target, TAG_MANAGED: MANAGED_BY}

    def owns(self, tags: dict[str, str] | None) -> bool:
        """Tags that say this project and target created the resource."""
        found = tags or {}
        return found.get(TAG_PROJECT) == self.project and found.get(TAG_TARGET) == self.target

    @property
    def role(self) -> str:
        return f"{NAME_PREFIX}{self.project}-{self.target}"[:64]

    @property
    def bucket(self) -> str:
        """Globally unique, ours by construction: the digest binds account, region, project and target (an
        offline plan that knows no account shows ``?`` for it)."""
        if self.account_id == UNKNOWN_ACCOUNT:
            return f"{NAME_PREFIX}{self.project[:24]}-?"
        digest = hashlib.sha256(f"{self.account_id}/{self.region}/{self.project}/{self.target}".encode())
        return f"{NAME_PREFIX}{self.project[:24]}-{digest.hexdigest()[:12]}"

    @property
    def code_prefix(self) -> str:
        return f"{self.project}/{self.target}/"

    def code_key(self, sha256: str) -> str:
        return f"{self.code_prefix}{sha256}.zip"

    @property
    def function(self) -> str:
        return self.project

    @property
    def lambda_log_group(self) -> str:
        return f"/aws/lambda/{self.function}"

    @property
    def runtime(self) -> str:
        """AgentCore names allow letters, digits and underscores, at most 48 characters."""
        return self.package[:48]

    @property
    def memory(self) -> str:
        return f"{self.package[:41]}_memory"

    @staticmethod
    def runtime_log_group_prefix(runtime_id: str) -> str:
        return f"/aws/bedrock-agentcore/runtimes/{runtime_id}-"

    @classmethod
    def runtime_log_group(cls, runtime_id: str, endpoint: str = ALIAS) -> str:
        return f"{cls.runtime_log_group_prefix(runtime_id)}{endpoint}"
