"""The dependency layer: the locked requirements installed for one platform, cached across builds.

``uv pip install --target`` puts the pinned wheels (``--only-binary :all:``: no build runs here, so no
wheel is compiled for this machine by mistake) into ``<cache>/deps/<key>/site``, where ``key`` hashes the
pins, the platform and the Python version. Any project with the same lock reuses it, so a re-package
never installs again. The layer is built in a temporary directory and renamed into place, so a cache entry
is complete or absent; ``manifest.json`` records its files, which distribution owns which file (from each
``RECORD``, before it is dropped), and the bytecode compiled into it so far.

Dropped from the layer because no runtime reads them: console scripts (``bin/``: their shebangs name this
machine's interpreter), ``RECORD``/``INSTALLER``/``REQUESTED``/``direct_url.json``/``uv_cache.json`` and
type stubs.
Licenses, ``METADATA`` (``importlib.metadata.version``) and ``entry_points.txt`` (OpenTelemetry loads its
context through one) stay.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache_dir import cache_root
from .bytecode import Interpreter, compile_tree
from .errors import PackagingError
from .local_deps import install_text
from .lock import Lock
from .progress import Steps
from .uvtool import run_uv
from .wheelhouse import DISTRIBUTION, ensure_runtime_wheel, target_wheel_args

LAYOUT_VERSION = 2  # bumped: layers from before --refresh-package may hold a stale runtime
# uv_cache.json: what uv writes for a wheel installed by path (a local project's), with a timestamp
_DIST_INFO_DROPS = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "uv_cache.json"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class DepsLayer:
    key: str
    site: Path
    files: dict[str, int]  # rel -> size, bytecode excluded
    executables: frozenset[str]
    owners: dict[str, str]  # rel -> normalized distribution name
    bytecode: dict[str, list[str]] = field(default_factory=dict)  # cache tag -> compiled .py rels
    installed_now: bool = False

    def files_of(self, distributions: Iterable[str]) -> set[str]:
        wanted = {normalize(name) for name in distributions}
        return {rel for rel, owner in self.owners.items() if owner in wanted}


def layer_key(lock: Lock, uv_platform: str, python: str) -> str:
    inputs: dict[str, object] = {
        "pins": lock.pins,
        "platform": uv_platform,
        "python": python,
        "layout": LAYOUT_VERSION,
    }
    if runtime_pinned(lock):
        # the toolkit's runtime wheel: an edited checkout gives the same pin but other files
        inputs["runtime_wheel"] = ensure_runtime_wheel().sha256
    if lock.local_wheels:
        # the same for the project's local dependencies: their code changes without their pins
        inputs["local_wheels"] = [wheel.sha256 for wheel in lock.local_wheels]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]


def ensure_layer(lock: Lock, uv_platform: str, python: str, steps: Steps) -> DepsLayer:
    key = layer_key(lock, uv_platform, python)
    home = cache_root() / "deps" / key
    if (home / "manifest.json").is_file():
        return _load(key, home)
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = home.parent / f".building-{key}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    site = staging / "site"
    try:
        if lock.pins:
            with steps.step(f"Installing {len(lock.pins)} packages for {uv_platform}, Python {python}"):
                _install(lock, site, uv_platform, python)
        site.mkdir(parents=True, exist_ok=True)
        layer = _index(key, site)
        _write_manifest(staging, layer)
        try:
            os.rename(staging, home)
        except OSError:  # another build finished the same layer first: use theirs
            shutil.rmtree(staging, ignore_errors=True)
            return _load(key, home)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    layer = _load(key, home)
    layer.installed_now = True
    return layer


def _install(lock: Lock, site: Path, uv_platform: str, python: str) -> None:
    requirements = lock.path
    if lock.local_wheels:
        # the local projects' wheels by file, not by name from an index
        requirements = site.parent / "requirements.txt"
        requirements.parent.mkdir(parents=True, exist_ok=True)
        requirements.write_text(install_text(lock.text, lock.local_wheels), encoding="utf-8")
    refresh = [arg for wheel in lock.local_wheels for arg in ("--refresh-package", wheel.name)]
    try:
        run_uv(
            [
                "pip",
                "install",
                "-r",
                str(requirements),
                "--target",
                str(site),
                *target_wheel_args(uv_platform, python),
                "--no-deps",
                # The wheelhouse's runtime keeps its file name when its content changes (an edited
                # checkout): uv must read it again, not install its cached copy of that name.
                "--refresh-package",
                DISTRIBUTION,
                *refresh,
            ],
            what=f"Installing the dependencies for {uv_platform}, Python {python}",
        )
    except PackagingError as failure:
        raise lock.install_failed(failure) from None
    finally:
        if requirements != lock.path:
            requirements.unlink(missing_ok=True)


def runtime_pinned(lock: Lock) -> bool:
    """Whether the lock installs the runtime library (what the wheelhouse provides)."""
    return any(normalize(pin.split("==", 1)[0]) == DISTRIBUTION for pin in lock.pins)


def ensure_bytecode(layer: DepsLayer, interpreter: Interpreter, steps: Steps) -> list[str]:
    """Compile the layer once per cache tag; returns the sources that have bytecode (``.py`` rels)."""
    tag = interpreter.cache_tag
    if tag not in layer.bytecode:
        sources = [rel for rel in layer.files if rel.endswith(".py")]
        with steps.step(f"Precompiling {len(sources)} dependency modules for {tag} (once per layer)"):
            compiled = compile_tree(interpreter, layer.site, sources)
        layer.bytecode[tag] = sorted(compiled)
        _write_manifest(layer.site.parent, layer)
    return layer.bytecode[tag]


def _index(key: str, site: Path) -> DepsLayer:
    owners: dict[str, str] = {}
    for info in sorted(site.glob("*.dist-info")):
        name = _dist_name(info)
        record = info / "RECORD"
        if record.is_file():
            with record.open(newline="", encoding="utf-8") as handle:
                for row in csv.reader(handle):
                    if row and not row[0].startswith(".."):
                        owners[row[0]] = name
        for drop in _DIST_INFO_DROPS:
            (info / drop).unlink(missing_ok=True)
    shutil.rmtree(site / "bin", ignore_errors=True)
    (site / ".lock").unlink(missing_ok=True)
    files: dict[str, int] = {}
    executables: set[str] = set()
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyi":
            if path.is_file():
                path.unlink()
            continue
        stat = path.stat()
        files[rel] = stat.st_size
        if stat.st_mode & 0o111:
            executables.add(rel)
    owned = {rel: owner for rel, owner in owners.items() if rel in files}
    return DepsLayer(key, site, files, frozenset(executables), owned)


def _dist_name(info: Path) -> str:
    metadata = info / "METADATA"
    if metadata.is_file():
        for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("name:"):
                return normalize(line.split(":", 1)[1].strip())
            if not line:
                break
    return normalize(info.name[: -len(".dist-info")].rsplit("-", 1)[0])


def _write_manifest(home: Path, layer: DepsLayer) -> None:
    manifest = {
        "layout": LAYOUT_VERSION,
        "files": layer.files,
        "executables": sorted(layer.executables),
        "owners": layer.owners,
        "bytecode": layer.bytecode,
    }
    temporary = home / f"manifest.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
    os.replace(temporary, home / "manifest.json")


def _load(key: str, home: Path) -> DepsLayer:
    manifest = json.loads((home / "manifest.json").read_text(encoding="utf-8"))
    return DepsLayer(
        key=key,
        site=home / "site",
        files={rel: int(size) for rel, size in manifest["files"].items()},
        executables=frozenset(manifest["executables"]),
        owners=dict(manifest["owners"]),
        bytecode={tag: list(rels) for tag, rels in manifest["bytecode"].items()},
    )
