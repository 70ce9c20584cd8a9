"""Resolve the project's dependencies for one platform and Python version, and keep the result as a lock.

Resolving asks the package index (seconds, and the answer drifts as new releases appear), so the pinned
result is written to ``<project>/.scaffold/locks/`` (one file per target, platform and Python version)
under a key of its inputs: the dependency list, the platform and the Python version. While those are
unchanged the lock is reused, offline, which is what makes a re-package fast and its output byte-identical;
``upgrade=True`` (``--upgrade``) resolves again. A first package whose inputs are a ``--defaults``
project's starts from the lock this toolkit version ships for them (``seeds.py``) instead of resolving.
A dependency on a local project (``travel-desk @ {root:parent:uri}/travel-desk``) is built into a wheel
first and resolved as that wheel's ``name==version`` (``local_deps``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..project import Project
from .errors import PackagingError
from .local_deps import LocalWheel, with_local_wheels
from .progress import Steps
from .uvtool import run_uv
from .wheelhouse import target_wheel_args

LOCK_DIR = Path(".scaffold", "locks")
#: The seed locks this toolkit version ships, made by ``python -m scaffold.packaging.seeds``.
SEED_DIR = Path(__file__).parent / "seed_locks"
KEY_PREFIX = "# scaffold-inputs: "


@dataclass(frozen=True)
class Lock:
    text: str  # uv's output, for pip or uv to install from
    pins: tuple[str, ...]  # the "name==version" lines alone: what the dependency layer is keyed by
    path: Path
    reused: bool
    seeded: bool = False  # copied from the toolkit's seed locks by this run, not resolved
    local_wheels: tuple[LocalWheel, ...] = ()  # the local projects among the pins, built (``local_deps``)

    @property
    def sha256(self) -> str:
        return hashlib.sha256("\n".join(self.pins).encode()).hexdigest()

    def install_failed(self, failure: PackagingError) -> PackagingError:
        """The error for an install from this lock that failed, leaving nothing a rerun would trip on.

        The index can change between resolving and installing (a release withdrawn, a mirror mid-sync), so a
        lock written by this run is removed and the rerun resolves again; an earlier one is kept, and the
        message names ``--upgrade``, which resolves it again."""
        name = (LOCK_DIR / self.path.name).as_posix()
        if self.reused:
            advice = f"The pins come from {name}, resolved before: --upgrade resolves them again."
        else:
            self.path.unlink(missing_ok=True)
            advice = f"{name} was removed: run the command again to resolve afresh."
        return PackagingError(f"{failure.message} {advice}")


def project_dependencies(project: Project) -> list[str]:
    """``[project].dependencies`` of the project's pyproject.toml, as written."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    path = project.root / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackagingError(f"Could not read the dependencies from {path}: {exc}.") from None
    deps = data.get("project", {}).get("dependencies", [])
    if not isinstance(deps, list) or not all(isinstance(item, str) for item in deps):
        raise PackagingError(f"{path}: [project].dependencies must be a list of requirement strings.")
    return deps


def resolve(
    project: Project,
    requirements: list[str],
    uv_platform: str,
    python: str,
    steps: Steps,
    *,
    target: str,
    upgrade: bool = False,
) -> Lock:
    requirements, local = with_local_wheels(project.root, requirements)
    key = inputs_key(requirements, uv_platform, python, local)
    path = project.root / LOCK_DIR / lock_name(target, uv_platform, python)
    if not upgrade and path.is_file():
        text = path.read_text(encoding="utf-8")
        if text.startswith(KEY_PREFIX + key + "\n"):
            return Lock(text, _pins(text), path, reused=True, local_wheels=local)
    seed = None if upgrade else seed_text(key, target, uv_platform, python)
    if seed is not None:
        steps.note(f"Dependencies: the pins agent-scaffold {__version__} ships (--upgrade resolves instead)")
        _write(path, seed)
        return Lock(seed, _pins(seed), path, reused=False, seeded=True)
    body = ""
    if requirements:
        with steps.step(f"Resolving {len(requirements)} dependencies for {uv_platform}, Python {python}"):
            body = compile_requirements(project, requirements, uv_platform, python, local)
    text = f"{KEY_PREFIX}{key}\n# resolved by scaffold package for {uv_platform}, Python {python}\n{body}"
    _write(path, text)
    return Lock(text, _pins(text), path, reused=False, local_wheels=local)


def inputs_key(
    requirements: list[str], uv_platform: str, python: str, local: tuple[LocalWheel, ...] = ()
) -> str:
    """What a lock was resolved from: the dependency list as written (local projects as ``name==version``),
    the platform and the Python version, and what each local project requires."""
    inputs: dict[str, object] = {"requirements": requirements, "platform": uv_platform, "python": python}
    if local:
        inputs["local"] = [wheel.key() for wheel in local]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def lock_name(target: str, uv_platform: str, python: str) -> str:
    return f"{target}-{uv_platform}-py{python}.txt"


def seed_text(key: str, target: str, uv_platform: str, python: str) -> str | None:
    """The shipped lock for these inputs, or None when there is none or it was made for other inputs."""
    try:
        text = (SEED_DIR / lock_name(target, uv_platform, python)).read_text(encoding="utf-8")
    except OSError:
        return None
    return text if text.startswith(f"{KEY_PREFIX}{key}\n") else None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def compile_requirements(
    project: Project,
    requirements: list[str],
    uv_platform: str,
    python: str,
    local: tuple[LocalWheel, ...] = (),
) -> str:
    source = project.root / LOCK_DIR / f"requirements-{os.getpid()}.in"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    try:
        return run_uv(
            [
                "pip",
                "compile",
                str(source),
                *target_wheel_args(uv_platform, python),
                *local_find_links(local),
                "--no-header",
                "--quiet",
            ],
            what=f"Resolving the dependencies for {uv_platform}, Python {python}",
            cwd=project.root,
        )
    finally:
        source.unlink(missing_ok=True)


def local_find_links(local: tuple[LocalWheel, ...]) -> list[str]:
    return [arg for wheel in local for arg in ("--find-links", str(wheel.path.parent))]


def _pins(text: str) -> tuple[str, ...]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(sorted(line for line in lines if line))
