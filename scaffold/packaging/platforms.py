"""Target platforms: how each architecture is spelled for uv, Docker and in an ELF header.

Dependencies are always installed for the target's platform (never taken from this machine's
environment), so a zip built on an x86_64 laptop carries aarch64 wheels for an arm64 runtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BadInput


@dataclass(frozen=True)
class Arch:
    name: str  # what the user types and what Lambda calls it: arm64, x86_64
    uv_platform: str  # uv's --python-platform (manylinux2014: glibc 2.17, runs on every AWS runtime)
    docker_platform: str
    elf_machine: int  # e_machine of the shared objects in the matching wheels


ARCHES: dict[str, Arch] = {
    arch.name: arch
    for arch in (
        Arch("arm64", "aarch64-manylinux2014", "linux/arm64", 0xB7),
        Arch("x86_64", "x86_64-manylinux2014", "linux/amd64", 0x3E),
    )
}
DEFAULT_ARCH = "arm64"
DEFAULT_PYTHON = "3.12"

_PYTHON_VERSION = re.compile(r"^3\.(1[0-9])$")


def arch(name: str) -> Arch:
    try:
        return ARCHES[name]
    except KeyError:
        raise BadInput(f"Unknown architecture {name!r}; choose one of: {', '.join(ARCHES)}.") from None


def python_version(value: object) -> str:
    """``3.12`` (a ``3.12.4`` is cut to its minor version: runtimes are named by it)."""
    text = str(value).strip()
    parts = text.split(".")
    short = ".".join(parts[:2])
    if not _PYTHON_VERSION.match(short):
        raise BadInput(f"Unsupported Python version {text!r}; expected 3.10 or later, as 3.X.")
    return short
