"""The runtime library as a wheel in scaffold's cache, for machines where it is not on the package index.

Generated projects depend on ``agent-scaffold-runtime`` like on any other package. Until it is published
(and on machines that cannot reach the index), the toolkit provides the distribution matching its own
version: the copy installed next to it is built into ``<cache>/wheelhouse/`` and every install scaffold
runs (the packaging lock, the dependency layer, the container image) passes that directory as
``--find-links``. ``scaffold runtime wheelhouse`` prints it, so a user's own ``pip install`` can do the
same.

The wheel is built with hatchling's builder API (the runtime's own build backend), from a copy of the
installed package and its ``pyproject.toml``: the checkout's when the runtime is installed editable, else
one written from the installed metadata. Hatchling builds reproducibly (fixed timestamps and order), so
the same source gives the same bytes; ``<wheel>.source`` records the source digest, and the wheel is built
again only when the installed copy changes (an edited checkout), never over the network.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from ..cache_dir import cache_root
from .errors import PackagingError

DISTRIBUTION = "agent-scaffold-runtime"
IMPORT_NAME = "agent_scaffold_runtime"
_EXTRA_MARKER = re.compile(r"""^(?P<requirement>.*?)\s*;\s*extra\s*==\s*["'](?P<extra>[^"']+)["']\s*$""")


@dataclass(frozen=True)
class RuntimeWheel:
    directory: Path  # the wheelhouse: what --find-links names
    path: Path
    version: str
    sha256: str
    built_now: bool

    def to_json(self) -> dict[str, object]:
        return {
            "directory": str(self.directory),
            "wheel": str(self.path),
            "distribution": DISTRIBUTION,
            "version": self.version,
            "sha256": self.sha256,
            "built_now": self.built_now,
        }


def wheelhouse_dir() -> Path:
    return cache_root() / "wheelhouse"


def runtime_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise PackagingError(
            f"{DISTRIBUTION} is not installed next to scaffold; reinstall agent-scaffold "
            "(from a checkout: pip install -e ./runtime_adapters -e .)."
        ) from None


def ensure_runtime_wheel() -> RuntimeWheel:
    """The wheel of the installed runtime in the wheelhouse, built when missing or out of date."""
    version = runtime_version()
    package = _package_dir()
    pyproject = _pyproject_text(package, version)
    digest = _source_digest(package, pyproject)
    directory = wheelhouse_dir()
    wheel = directory / f"{IMPORT_NAME}-{version}-py3-none-any.whl"
    stamp = wheel.with_name(wheel.name + ".source")
    if wheel.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
        return RuntimeWheel(directory, wheel, version, _sha256(wheel), built_now=False)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".runtime-build-", dir=directory) as scratch:
        built = _build(package, pyproject, Path(scratch))
        if built.name != wheel.name:
            raise PackagingError(f"Building {DISTRIBUTION} gave {built.name}, expected {wheel.name}.")
        os.replace(built, wheel)
    temporary = stamp.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(digest + "\n", encoding="utf-8")
    os.replace(temporary, stamp)
    return RuntimeWheel(directory, wheel, version, _sha256(wheel), built_now=True)


def _package_dir() -> Path:
    import agent_scaffold_runtime

    return Path(agent_scaffold_runtime.__file__).resolve().parent


def _pyproject_text(package: Path, version: str) -> str:
    """The checkout's pyproject.toml (an editable install), else one written from the installed metadata."""
    beside = package.parent / "pyproject.toml"
    if beside.is_file():
        text = beside.read_text(encoding="utf-8")
        if re.search(rf'^name\s*=\s*"{DISTRIBUTION}"', text, re.M):
            return text
    return _pyproject_from_metadata(version)


def _pyproject_from_metadata(version: str) -> str:
    info = Parser().parsestr(metadata.distribution(DISTRIBUTION).read_text("METADATA") or "")
    dependencies: list[str] = []
    extras: dict[str, list[str]] = {name: [] for name in info.get_all("Provides-Extra") or []}
    for requirement in info.get_all("Requires-Dist") or []:
        match = _EXTRA_MARKER.match(requirement)
        if match:
            extras.setdefault(match["extra"], []).append(match["requirement"])
        else:
            dependencies.append(requirement)

    def array(items: list[str]) -> str:
        return "[" + ", ".join(_toml_str(item) for item in items) + "]"

    lines = [
        "[build-system]",
        'requires = ["hatchling"]',
        'build-backend = "hatchling.build"',
        "",
        "[project]",
        f"name = {_toml_str(DISTRIBUTION)}",
        f"version = {_toml_str(version)}",
        f"description = {_toml_str(info.get('Summary') or '')}",
        f"requires-python = {_toml_str(info.get('Requires-Python') or '>=3.10')}",
        f"dependencies = {array(dependencies)}",
        "",
        "[project.optional-dependencies]",
        *(f"{_toml_str(name)} = {array(items)}" for name, items in sorted(extras.items())),
        "",
        "[tool.hatch.build.targets.wheel]",
        f'packages = ["{IMPORT_NAME}"]',
        "",
    ]
    return "\n".join(lines)


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _package_files(package: Path) -> list[Path]:
    return sorted(
        path
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".pyc", ".pyo"}
    )


def _source_digest(package: Path, pyproject: str) -> str:
    digest = hashlib.sha256(pyproject.encode())
    for path in _package_files(package):
        data = path.read_bytes()
        digest.update(f"\0{path.relative_to(package).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _build(package: Path, pyproject: str, scratch: Path) -> Path:
    """Copy the package and its pyproject into ``scratch`` and build the wheel there with hatchling."""
    root = scratch / "source"
    for path in _package_files(package):
        destination = root / IMPORT_NAME / path.relative_to(package)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    readme = package.parent / "README.md"
    if re.search(r'^readme\s*=\s*"README.md"', pyproject, re.M):
        text = readme.read_text(encoding="utf-8") if readme.is_file() else f"# {DISTRIBUTION}\n"
        (root / "README.md").write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return hatchling_wheel(root, scratch / "dist", f"the {DISTRIBUTION} wheel")


def hatchling_wheel(source: Path, out: Path, what: str) -> Path:
    """The wheel of the hatchling project in ``source``, built into ``out``: reproducibly (fixed timestamps
    and order), so the same source gives the same bytes."""
    from hatchling.builders.wheel import WheelBuilder

    try:
        built = list(WheelBuilder(str(source)).build(directory=str(out), versions=["standard"]))
    except Exception as exc:  # hatchling reports bad metadata as plain exceptions
        raise PackagingError(f"Could not build {what}: {exc}") from None
    return Path(built[0])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def target_wheel_args(uv_platform: str, python: str) -> list[str]:
    """The ``uv pip`` arguments that pick wheels for where the artifact runs, not for this machine: the
    target's platform and Python, binary wheels only (nothing is built here for another platform), and the
    runtime library matching this toolkit from its wheelhouse, wherever the index does not have it."""
    return [
        "--python-platform",
        uv_platform,
        "--python-version",
        python,
        "--only-binary",
        ":all:",
        "--find-links",
        str(ensure_runtime_wheel().directory),
    ]
