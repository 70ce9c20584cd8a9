"""What the Lambda Python runtimes provide (the AWS SDK), and whether a zip may rely on it.

The Lambda zip leaves boto3, botocore and s3transfer out, about 17 MB zipped, because the managed runtime
has them. That is only sound while the runtime's copy satisfies every packed distribution: a packed
``bedrock-agentcore`` that requires ``boto3>=1.43.115`` fails at import on a runtime with an older boto3.
So before leaving the SDK out, each packed distribution's ``Requires-Dist`` (markers evaluated for the
target Python and CPU, with the extras the project asks for) is compared, with ``packaging``'s specifiers,
against the version the runtime provides; one unsatisfied requirement, or a runtime whose version is not
known, bundles the whole SDK (the three together: boto3 pins a botocore range and s3transfer a botocore
floor, so mixing the runtime's copy of one with a packed copy of another is not safe either).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

# The AWS SDK for Python each Lambda Python runtime includes. Source: AWS Lambda Developer Guide,
# "Building Lambda functions with Python", section "Runtime-included SDK versions"
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html), which listed boto3/botocore 1.34.145
# for these runtimes in its 2024-2025 versions (recorded here 2026-12-07, from that listing; this build
# machine is offline, so not re-read from AWS today). The page now says the version varies by Region and
# over time and suggests printing boto3.__version__ from a function: treat these as the floor a function
# can count on. Raise them only from AWS's own statement. A runtime missing here (a new python3.X) is
# treated as providing nothing we can rely on, so its zips carry the SDK.
LAMBDA_PYTHON_SDK: dict[str, dict[str, str]] = {
    "3.10": {"boto3": "1.34.145", "botocore": "1.34.145"},
    "3.11": {"boto3": "1.34.145", "botocore": "1.34.145"},
    "3.12": {"boto3": "1.34.145", "botocore": "1.34.145"},
    "3.13": {"boto3": "1.34.145", "botocore": "1.34.145"},
}
_MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
_LEADING_NAME = re.compile(r"\s*[A-Za-z0-9._-]*")  # matches every string (maybe empty)


def provided_versions(python: str) -> Mapping[str, str]:
    """The SDK versions the ``python<python>`` runtime documents (empty when the runtime is not known)."""
    return LAMBDA_PYTHON_SDK.get(python, {})


@dataclass(frozen=True)
class Shortfall:
    """A packed distribution's requirement that what the runtime provides does not meet."""

    distribution: str  # who requires it: bedrock-agentcore
    requirement: str  # boto3>=1.43.115
    provided: str | None  # the runtime's version, None when not documented

    def __str__(self) -> str:
        name = Requirement(self.requirement).name
        has = f"provides {name} {self.provided}" if self.provided else f"documents no {name} version"
        return f"{self.distribution} requires {self.requirement}, and the runtime {has}"


def shortfalls(
    requires: Mapping[str, Iterable[str]],
    provided: Mapping[str, str],
    left_out: Iterable[str],
    *,
    python: str,
    arch: str,
    extras: Mapping[str, Iterable[str]] | None = None,
) -> list[Shortfall]:
    """Every requirement of a packed distribution (``requires``: name -> its ``Requires-Dist`` lines) on a
    ``left_out`` distribution that the runtime's ``provided`` version does not satisfy. ``extras`` names
    the extras asked for per distribution (``strands-agents[otel]``); other extras' requirements do not
    apply. Requirements whose markers do not hold on the target (Python ``python``, Linux on ``arch``)
    are skipped."""
    wanted = {_normalize(name) for name in left_out}
    asked = {_normalize(name): set(values) for name, values in (extras or {}).items()}
    environment = {  # the target's, not this machine's (PEP 508 marker variables)
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": _MACHINES.get(arch, arch),
    }
    found: list[Shortfall] = []
    for distribution, lines in sorted(requires.items()):
        packed = _normalize(distribution)
        if packed in wanted:
            continue  # the runtime's own copies come with their own, matching requirements
        for line in lines:
            if _normalize(_LEADING_NAME.match(line).group(0)) not in wanted:  # type: ignore[union-attr]
                continue  # most requirements name something else: skip parsing them
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            target = _normalize(requirement.name)
            if target not in wanted or not _applies(requirement, environment, asked.get(packed, set())):
                continue
            version = provided.get(target)
            if version is None or not _satisfies(requirement, version):
                found.append(Shortfall(distribution, _plain(requirement), version))
    return found


def installed_requirements(site: Path) -> dict[str, list[str]]:
    """Each distribution in ``site`` (a dependency layer) and its ``Requires-Dist`` lines, from METADATA
    (its headers only: they end at the first blank line, before the long description)."""
    requires: dict[str, list[str]] = {}
    for info in sorted(site.glob("*.dist-info")):
        name = None
        lines: list[str] = []
        try:
            with (info / "METADATA").open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break
                    key, _, value = line.partition(":")
                    if key.lower() == "name" and name is None:
                        name = value.strip()
                    elif key.lower() == "requires-dist":
                        lines.append(value.strip())
        except FileNotFoundError:
            continue
        if name:
            requires[name] = lines
    return requires


def requested_extras(requirements: Iterable[str]) -> dict[str, set[str]]:
    """The extras the project's own requirements ask for: ``strands-agents[otel]>=1`` -> {otel}."""
    extras: dict[str, set[str]] = {}
    for line in requirements:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        extras.setdefault(_normalize(requirement.name), set()).update(requirement.extras)
    return extras


def _applies(requirement: Requirement, environment: dict[str, str], extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *sorted(extras))
    )


def _satisfies(requirement: Requirement, version: str) -> bool:
    try:
        return requirement.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def _plain(requirement: Requirement) -> str:
    return f"{requirement.name}{requirement.specifier}"


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
