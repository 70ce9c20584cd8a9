"""The project's dependencies on other projects of the same checkout, named by their directory.

A dependency such as ``travel-desk @ {root:parent:uri}/travel-desk`` (hatchling's context formatting:
``{root:uri}`` is the project's directory as a ``file:`` URL, each ``:parent`` one directory up) or
``travel-desk @ file:///abs/path`` is a local project, not a package on the index. ``pip install -e .``
builds it; packaging cannot let uv do so (``--only-binary :all:``: nothing is built for another platform),
so scaffold builds it here, once per content, with hatchling (the pure-Python wheel is the same on every
platform), into ``<cache>/local-wheels/<digest>/``. The requirement is then resolved as ``name==version``
with that directory as ``--find-links``, and the wheel file itself is what the dependency layer (and a
container image) installs, never a package of that name from the index.

Only hatchling projects are built (what ``scaffold new`` makes, and the backend scaffold already has);
a local project with another backend is refused with what to do instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from ..cache_dir import cache_root
from .errors import PackagingError
from .wheelhouse import hatchling_wheel

_CONTEXT = re.compile(r"\{root((?::parent)*)(:uri|:real)?\}")
_HATCHLING = "hatchling.build"


@dataclass(frozen=True)
class LocalWheel:
    name: str  # normalized distribution name
    version: str
    path: Path  # the wheel, alone in its directory (what --find-links names)
    sha256: str
    requires: tuple[str, ...]  # its Requires-Dist: what resolving it depends on

    def key(self) -> list[object]:
        """What resolving depends on (not the code: a change of code alone needs no new resolution)."""
        return [self.name, self.version, list(self.requires)]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def expand_context(line: str, root: Path) -> str:
    """``line`` with hatchling's ``{root}``, ``{root:uri}``, ``{root:parent:...:uri}`` fields filled in for
    the project at ``root``; other text is left as written."""

    def field(match: re.Match[str]) -> str:
        directory = root.resolve()
        for _ in range(match[1].count(":parent")):
            directory = directory.parent
        return directory.as_uri() if match[2] == ":uri" else str(directory)

    return _CONTEXT.sub(field, line)


def local_directory(line: str, root: Path) -> tuple[Requirement, Path] | None:
    """The requirement and the directory it names, when ``line`` names a local project; else None."""
    try:
        requirement = Requirement(expand_context(line, root))
    except InvalidRequirement:
        return None
    if not requirement.url or not requirement.url.startswith("file:"):
        return None
    parsed = urlparse(requirement.url)
    path = Path(url2pathname(unquote(parsed.path)))
    if not path.is_absolute():
        path = root / path
    return (requirement, path) if path.is_dir() else None


def with_local_wheels(root: Path, requirements: list[str]) -> tuple[list[str], tuple[LocalWheel, ...]]:
    """``requirements`` with each local project replaced by ``name==version`` of its wheel, and the wheels."""
    rewritten: list[str] = []
    wheels: list[LocalWheel] = []
    for line in requirements:
        found = local_directory(line, root)
        if found is None:
            rewritten.append(line)
            continue
        requirement, directory = found
        wheel = ensure_local_wheel(directory)
        if wheel.name != normalize(requirement.name):
            raise PackagingError(
                f"The dependency {line!r} names {requirement.name}, but {directory} builds {wheel.name}."
            )
        requirement.url = None
        requirement.specifier = SpecifierSet(f"=={wheel.version}")
        rewritten.append(str(requirement))
        wheels.append(wheel)
    return rewritten, tuple(wheels)


def ensure_local_wheel(directory: Path) -> LocalWheel:
    """The wheel of the project in ``directory``, built with hatchling (reproducibly: the same source gives
    the same bytes) and kept in scaffold's cache under its digest."""
    _require_hatchling(directory)
    home = cache_root() / "local-wheels"
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".local-build-", dir=home) as scratch:
        built = hatchling_wheel(directory, Path(scratch) / "dist", f"the local dependency {directory}")
        digest = hashlib.sha256(built.read_bytes()).hexdigest()
        place = home / digest[:32]
        wheel = place / built.name
        if not wheel.is_file():
            staging = Path(scratch) / "place"
            staging.mkdir()
            shutil.move(str(built), staging / built.name)
            with contextlib.suppress(OSError):  # another build placed the same wheel first
                os.rename(staging, place)
    name, version, requires = _metadata(wheel)
    return LocalWheel(name, version, wheel, digest, requires)


def _require_hatchling(directory: Path) -> None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    path = directory / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackagingError(
            f"The local dependency {directory} has no readable pyproject.toml: {exc}."
        ) from None
    backend = data.get("build-system", {}).get("build-backend")
    if backend != _HATCHLING:
        raise PackagingError(
            f"The local dependency {directory} builds with {backend or 'no build backend'}; scaffold package "
            f"builds local projects with {_HATCHLING} only. Publish it to your package index and depend on "
            "it by version instead."
        )


def _metadata(wheel: Path) -> tuple[str, str, tuple[str, ...]]:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        info = Parser().parsestr(archive.read(name).decode("utf-8"))
    return normalize(info["Name"]), str(info["Version"]), tuple(info.get_all("Requires-Dist") or [])


def install_text(
    lock_text: str, wheels: tuple[LocalWheel, ...], location: dict[str, str] | None = None
) -> str:
    """The lock with each local project's pin (``travel-desk==0.1.0``) replaced by its wheel file
    (``travel-desk @ file:///...whl``, or ``location[name]``), so that wheel, and never a package of the
    same name from an index, is what is installed."""
    if not wheels:
        return lock_text
    by_name = {wheel.name: wheel for wheel in wheels}
    lines = []
    for line in lock_text.splitlines():
        pin = line.split("#", 1)[0].strip()
        name = normalize(pin.split("==", 1)[0]) if "==" in pin else None
        wheel = by_name.get(name) if name else None
        if wheel is not None:
            where = (location or {}).get(wheel.name, wheel.path.as_uri())
            line = f"{wheel.name} @ {where}"
        lines.append(line)
    return "\n".join(lines) + "\n"
