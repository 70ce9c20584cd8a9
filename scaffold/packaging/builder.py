"""``build_artifact``: a project, a target and a platform in; a reproducible, content-named zip out.

Order matters for speed and for failing early: resolve (or reuse the lock), install (or reuse the cached
layer), select the project's files, check the size against the service limit *before* compiling or
zipping, then look the inputs up among finished builds; only a miss compiles and zips.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from ..project import Project
from . import build_index, lambda_runtime, platforms
from .archive import Entry, write_zip
from .artifact import Artifact
from .bytecode import Interpreter, compile_tree, find_interpreter
from .deps import DepsLayer, ensure_bytecode, ensure_layer
from .errors import PackagingError, megabytes
from .lock import Lock, resolve
from .progress import Progress, Steps
from .selection import Selection, select_files
from .sizes import check_unzipped, check_zipped
from .target_deps import target_dependencies
from .targets import ZIP, Launcher, PackageTarget, SizeLimits, package_target

BUILD_VERSION = 1  # bump when the zip layout changes, so old index entries stop matching
BUILD_DIR = Path(".scaffold", "build")


def build_artifact(
    project: Project,
    target: str,
    *,
    arch: str = platforms.DEFAULT_ARCH,
    python_version: str | None = None,
    progress: Progress | None = None,
    limits: SizeLimits | None = None,
    precompile: bool = True,
    bundle_runtime_provided: bool = False,
    upgrade: bool = False,
) -> Artifact:
    """Package ``target`` of ``project`` as a zip for ``arch`` and ``python_version`` (default: the
    project's ``python_version`` answer). ``limits`` overrides the target's service limits (tests);
    ``bundle_runtime_provided`` packs what the runtime already ships (boto3 on Lambda) anyway;
    ``upgrade`` resolves the dependencies again instead of reusing the project's lock."""
    spec = package_target(project, target, ZIP, arch)
    platform = platforms.arch(arch)
    python = project_python(project, python_version)
    steps = Steps(progress)
    steps.note(f"Packaging {project.project_name} for {target} ({platform.docker_platform}, Python {python})")
    selection = select_files(project.root)
    launcher = spec.launcher(project) if spec.launcher else None
    requirements = target_dependencies(project, target)
    lock, layer = _locked_layer(project, target, requirements, platform.uv_platform, python, steps, upgrade)
    if not layer.installed_now:
        steps.note(f"Dependencies: cached layer {layer.key[:12]} (no install)")
    notices: list[str] = []
    left_out = () if bundle_runtime_provided else _present(layer, spec.runtime_provided)
    if left_out:
        left_out = _unless_too_old(spec, project, layer, left_out, python, arch, notices)
    skipped = layer.files_of(left_out)
    dep_files = {rel: size for rel, size in layer.files.items() if rel not in skipped}
    project_sizes = _project_sizes(selection, launcher)
    _refuse_collisions(project_sizes, dep_files, layer)
    limits = limits or spec.limits
    source_sizes = {**dep_files, **project_sizes}
    check_unzipped(target, limits, source_sizes, layer.owners)

    interpreter = find_interpreter(python) if precompile else None
    if precompile and interpreter is None:
        notices.append(f"No Python {python} found here to precompile bytecode with; packaging without it.")

    def artifact(path: Path, record: dict[str, object], reused: bool) -> Artifact:
        return Artifact(
            path=path,
            sha256=str(record["sha256"]),
            size_bytes=int(str(record["size_bytes"])),
            unzipped_bytes=int(str(record["unzipped_bytes"])),
            held_back=selection.held_back,
            held_back_rules=tuple((item.rel, item.rule) for item in selection.held_back_rules),
            arch=arch,
            python_version=python,
            target=target,
            entrypoint=spec.entrypoint(project),
            runtime=spec.runtime(python),
            file_count=int(str(record["file_count"])),
            precompiled=interpreter is not None,
            reused=reused,
            deps_installed=layer.installed_now,
            lock_reused=lock.reused,
            left_out=left_out,
            notices=(*notices, *_recorded_notices(record)),
        )

    key = _input_key(spec, arch, python, layer, left_out, selection, launcher, interpreter)
    build_dir = _mkdir(project.root / BUILD_DIR / target)
    hit = build_index.lookup(build_dir, key)
    if hit is not None:
        # The limits may differ from the build's (an explicit ``limits``): check the recorded sizes again.
        check_unzipped(target, limits, source_sizes, layer.owners, total=int(hit["unzipped_bytes"]))
        check_zipped(target, limits, int(hit["size_bytes"]), source_sizes, layer.owners)
        steps.note(f"Unchanged since the last build: reusing {hit['file']}")
        return artifact(build_dir / str(hit["file"]), hit, reused=True)

    with tempfile.TemporaryDirectory(prefix=".staging-", dir=build_dir) as scratch:
        staging = Path(scratch)
        entries = [Entry(rel, layer.site / rel, rel in layer.executables) for rel in dep_files]
        entries += _project_entries(selection, launcher, staging)
        if interpreter is not None:
            compiled = ensure_bytecode(layer, interpreter, steps)
            entries += [
                Entry(interpreter.pyc_rel(r), layer.site / interpreter.pyc_rel(r))
                for r in compiled
                if r not in skipped
            ]
            entries += _project_bytecode(selection, interpreter, staging)
        sizes = {entry.arcname: entry.source.stat().st_size for entry in entries}
        unzipped = check_unzipped(target, limits, sizes, layer.owners)
        with steps.step(f"Writing the zip ({len(entries)} files, {megabytes(unzipped)} unzipped)"):
            sha256, size = write_zip(entries, staging / "artifact.zip")
        size_notices = check_zipped(target, limits, size, sizes, layer.owners)
        name = f"{project.project_name}-{sha256[:16]}.zip"
        shutil.move(str(staging / "artifact.zip"), build_dir / name)
    record: dict[str, object] = {
        "file": name,
        "sha256": sha256,
        "size_bytes": size,
        "unzipped_bytes": unzipped,
        "file_count": len(entries),
        "notices": size_notices,
    }
    build_index.record(build_dir, key, record)
    return artifact(build_dir / name, record, reused=False)


def _recorded_notices(record: dict[str, object]) -> tuple[str, ...]:
    notices = record.get("notices")
    return tuple(str(notice) for notice in notices) if isinstance(notices, list) else ()


def _locked_layer(
    project: Project,
    target: str,
    requirements: list[str],
    uv_platform: str,
    python: str,
    steps: Steps,
    upgrade: bool,
) -> tuple[Lock, DepsLayer]:
    """The project's lock (resolved, reused or seeded) and the dependency layer installed from it."""
    lock = resolve(project, requirements, uv_platform, python, steps, target=target, upgrade=upgrade)
    try:
        return lock, ensure_layer(lock, uv_platform, python, steps)
    except PackagingError:
        if not lock.seeded:
            raise
    # The shipped pins no longer install from this index (a release withdrawn): resolve after all.
    steps.note("The shipped pins did not install from this package index; resolving instead")
    lock = resolve(project, requirements, uv_platform, python, steps, target=target, upgrade=True)
    return lock, ensure_layer(lock, uv_platform, python, steps)


def project_python(project: Project, requested: str | None) -> str:
    """The requested version, else the project's ``python_version`` answer, else the default."""
    return platforms.python_version(
        requested or project.answers.get("python_version") or platforms.DEFAULT_PYTHON
    )


def _present(layer: DepsLayer, distributions: tuple[str, ...]) -> tuple[str, ...]:
    owners = set(layer.owners.values())
    return tuple(name for name in distributions if name in owners)


def _unless_too_old(
    spec: PackageTarget,
    project: Project,
    layer: DepsLayer,
    left_out: tuple[str, ...],
    python: str,
    arch: str,
    notices: list[str],
) -> tuple[str, ...]:
    """``left_out``, or nothing (bundle them) when the runtime's copies are older than a packed
    distribution requires, or their versions are not known for this runtime."""
    provided = spec.provided_versions(python) if spec.provided_versions else {}
    missing = lambda_runtime.shortfalls(
        lambda_runtime.installed_requirements(layer.site),
        provided,
        left_out,
        python=python,
        arch=arch,
        extras=lambda_runtime.requested_extras(target_dependencies(project, spec.name)),
    )
    if not missing:
        return left_out
    runtime = spec.runtime(python)
    notices.append(
        f"Bundled {', '.join(left_out)} although the {runtime} runtime has them: {missing[0]}"
        + (f" (and {len(missing) - 1} more such requirement(s))" if len(missing) > 1 else "")
        + "."
    )
    return ()


def _project_sizes(selection: Selection, launcher: Launcher | None) -> dict[str, int]:
    sizes = {file.rel: file.size for file in selection.files}
    if launcher is not None:
        if launcher.name in sizes:
            raise PackagingError(
                f"The project has its own {launcher.name}, the name of the launcher packaging generates "
                "for this target; rename it, or list it in .scaffoldignore."
            )
        sizes[launcher.name] = len(launcher.text.encode())
    return sizes


def _refuse_collisions(project_sizes: dict[str, int], dep_files: dict[str, int], layer: DepsLayer) -> None:
    clashes = sorted(set(project_sizes) & set(dep_files))
    if clashes:
        owner = layer.owners.get(clashes[0], "a dependency")
        raise PackagingError(
            f"The project's {clashes[0]} would overwrite the file of the same path from {owner} "
            f"({len(clashes)} such path(s)); rename it, or list it in .scaffoldignore."
        )


def _input_key(
    spec: PackageTarget,
    arch: str,
    python: str,
    layer: DepsLayer,
    left_out: tuple[str, ...],
    selection: Selection,
    launcher: Launcher | None,
    interpreter: Interpreter | None,
) -> str:
    inputs = {
        "build": BUILD_VERSION,
        "target": spec.name,
        "arch": arch,
        "python": python,
        "layer": layer.key,
        "left_out": left_out,
        "launcher": [launcher.name, launcher.text, launcher.executable] if launcher else None,
        "bytecode": interpreter.version if interpreter else None,
        "files": [(file.rel, file.digest(), file.executable) for file in selection.files],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _project_entries(selection: Selection, launcher: Launcher | None, staging: Path) -> list[Entry]:
    entries = [Entry(file.rel, file.path, file.executable) for file in selection.files]
    if launcher is not None:
        path = staging / launcher.name
        path.write_text(launcher.text, encoding="utf-8")
        entries.append(Entry(launcher.name, path, launcher.executable))
    return entries


def _project_bytecode(selection: Selection, interpreter: Interpreter, staging: Path) -> list[Entry]:
    """Compile copies of the project's modules in the staging area: the project tree is not written to."""
    tree = staging / "bytecode"
    sources = [file for file in selection.files if file.rel.endswith(".py")]
    for file in sources:
        copy = tree / file.rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.path, copy)
    compiled = compile_tree(interpreter, tree, [file.rel for file in sources])
    return [Entry(interpreter.pyc_rel(rel), tree / interpreter.pyc_rel(rel)) for rel in sorted(compiled)]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
