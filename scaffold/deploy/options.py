"""Where a deploy command works: an environment and how to reach AWS. A light module (no boto3), so the
command-line options can build it before the deploy engine is imported."""

from __future__ import annotations

from dataclasses import dataclass

from ..environments.settings import DEFAULT_ENVIRONMENT


@dataclass(frozen=True)
class AwsOptions:
    """``--env`` (environments.toml), ``--region``, ``--profile`` and ``--endpoint-url``."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    environment: str = DEFAULT_ENVIRONMENT
