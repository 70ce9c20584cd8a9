"""Lambda zip size and fresh-process cold start: ``scaffold package`` vs a naive ``pip install -t`` + zip.

Same machine, same run, same generated project (defaults: every target, offline model), same dependency
list (its pyproject.toml). Both zips are built for this machine (x86_64, this Python) so both can run here:

- ours: ``build_artifact(project, "lambda", arch="x86_64", python_version=<this Python>)``, with a fresh
  dependency cache (the first build resolves, installs and precompiles; later ones reuse);
- naive: ``pip install -t DIR <dependencies>`` (pip compiles bytecode for this interpreter, as it does by
  default; the runtime library from scaffold's wheelhouse with ``--find-links``), the project's package
  copied in, and DIR zipped as it is.

Cold start = import of the handler module plus the first offline answer, timed inside a fresh
``python -I -B`` process whose ``sys.path`` starts with the unzipped directory (``-B``: Lambda's
``/var/task`` is read-only, so bytecode the zip lacks is compiled again on every cold start). Lambda puts
its runtime directory (boto3 and the rest of the AWS SDK) after ``/var/task``; a stand-in copied from this
environment and compiled plays that part for every variant. The naive zip is made with Info-ZIP's
``zip -r`` (as AWS's guide does) and every zip is extracted with ``unzip``, which restores 1-second
timestamps, so pip's timestamp-checked bytecode stays valid: the naive zip's best case.

The floor: ``import strands`` alone from our zip, in the same rotation. Both zips import the same Strands
graph (about 870 modules: boto3, OpenTelemetry, pydantic, jsonschema, Strands itself) before any project code
runs, so its ratio to the naive cold start bounds what any packaging of these dependencies can reach.

Variants measured besides the two zips: ours without precompiled bytecode, ours with boto3 bundled
(``--bundle-aws-sdk``), and the naive zip without its ``__pycache__`` (what a runtime whose Python differs
from the build machine's sees: pip's bytecode is for the wrong version). One uncounted warm-up of each
variant, then rounds in rotating order; medians reported.

Re-package with no change: ``scaffold package`` run again in a fresh process (wall time, interpreter
start-up included), and the ``build_artifact`` call alone.

    .venv/bin/python bench/bench_package.py [--quick] [--json]

Targets: zip size <= 0.7x naive, cold start <= 0.6x naive, re-package with no change <= 1 s. Exits 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script

sys.path.insert(0, str(c.REPO_ROOT))

SIZE_TARGET = 0.7
COLD_TARGET = 0.6
REPACKAGE_TARGET_S = 1.0
HOST_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
RUNTIME_SDK = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3")

COLD_START = """
import sys, time
t = time.perf_counter()
sys.path[:0] = {paths!r}
from {package}.entrypoints.lambda_handler import handler
reply = handler({{"prompt": "hi"}}, None)
elapsed = time.perf_counter() - t
assert "You said: hi" in str(reply), reply
assert sys.modules["strands"].__file__.startswith({first!r}), sys.modules["strands"].__file__
print(elapsed)
"""

# The floor: both zips import the same Strands before anything else happens; no packaging skips it.
IMPORT_STRANDS_ONLY = """
import sys, time
t = time.perf_counter()
sys.path[:0] = {paths!r}
import strands
elapsed = time.perf_counter() - t
assert strands.__file__.startswith({first!r}), strands.__file__
print(elapsed)
"""


def runtime_stand_in(destination: Path, names: Sequence[str] = RUNTIME_SDK) -> Path:
    """boto3 and friends as the Lambda runtime has them: installed and compiled to bytecode."""
    for name in names:
        dist = metadata.distribution(name)
        for file in dist.files or ():
            source = Path(str(dist.locate_file(file)))
            if file.parts[0] not in ("..", "bin") and "__pycache__" not in file.parts and source.is_file():
                target = destination / Path(*file.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    subprocess.run([c.PYTHON, "-m", "compileall", "-q", str(destination)], check=True, capture_output=True)
    return destination


def naive_zip(project: c.GeneratedProject, work: Path) -> tuple[Path, float]:
    import tomllib

    deps = tomllib.loads((project.root / "pyproject.toml").read_text())["project"]["dependencies"]
    from scaffold.packaging.wheelhouse import ensure_runtime_wheel

    site = work / "naive-site"
    started = time.perf_counter()
    wheelhouse = str(ensure_runtime_wheel().directory)  # the runtime library is on no index here
    subprocess.run(
        [c.PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-t", str(site),
         "--find-links", wheelhouse, *deps],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    shutil.copytree(project.root / project.package, site / project.package)
    archive = work / "naive.zip"
    if shutil.which("zip"):  # what AWS's guide does; Info-ZIP keeps 1 s timestamps, so pip's pyc stay valid
        subprocess.run(["zip", "-q", "-r", str(archive), "."], cwd=site, check=True, timeout=900)
    else:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(site.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(site).as_posix())
    return archive, time.perf_counter() - started


def extract(archive: Path, destination: Path, *, drop_bytecode: bool = False) -> Path:
    """``unzip`` (it restores Info-ZIP's 1 s timestamps), else members get their 2 s DOS timestamps back."""
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(archive), "-d", str(destination)], check=True, timeout=900)
        if drop_bytecode:
            for cache in sorted(destination.rglob("__pycache__"), reverse=True):
                shutil.rmtree(cache)
        return destination
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if drop_bytecode and "__pycache__/" in info.filename:
                continue
            path = Path(zf.extract(info, destination))
            stamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(path, (stamp, stamp))
    return destination


def cold_start(paths: Sequence[Path], package: str, template: str = COLD_START) -> float:
    code = template.format(paths=[str(p) for p in paths], package=package, first=str(paths[0]))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(AWS_LAMBDA_FUNCTION_NAME="bench", AGENT_SESSION_DIR=str(paths[0].parent / "sessions"))
    done = subprocess.run(
        [c.PYTHON, "-I", "-B", "-c", code], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold start in {paths[0]} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def build(project: c.GeneratedProject, **options: Any) -> Any:
    from scaffold.packaging import build_artifact
    from scaffold.project import load_project

    return build_artifact(
        load_project(project.root), "lambda", arch="x86_64", python_version=HOST_PYTHON, **options
    )


def repackage_cli(project: c.GeneratedProject, env: dict[str, str]) -> float:
    argv = [
        c.SCAFFOLD,
        "package",
        "-t",
        "lambda",
        "--arch",
        "x86_64",
        "--python-version",
        HOST_PYTHON,
        "--json",
    ]
    started = time.perf_counter()
    subprocess.run(argv, cwd=project.root, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    naive_label, ours_label = "naive pip install -t (its pyc valid)", "scaffold package (precompiled)"
    args = c.parser("Lambda zip size and cold start vs a naive pip install -t zip.").parse_args(argv)
    rounds = 2 if args.quick else 5
    info = c.machine()
    with c.temp_dir("bench-package-") as work, c.generated_project() as project:
        os.environ["SCAFFOLD_CACHE_DIR"] = str(work / "cache")  # a cold dependency cache for the first build
        started = time.perf_counter()
        ours = build(project)
        first_build = time.perf_counter() - started
        plain = build(project, precompile=False)
        bundled = build(project, bundle_runtime_provided=True)
        repackage_api = []
        for _ in range(rounds):
            started = time.perf_counter()
            again = build(project)
            repackage_api.append(time.perf_counter() - started)
            assert again.reused and not again.deps_installed
        env = c.child_env({"SCAFFOLD_CACHE_DIR": str(work / "cache")})
        repackage_cli(project, env)  # warm-up
        repackage = [repackage_cli(project, env) for _ in range(rounds)]
        tools = project.root / project.package / "tools.py"
        tools.write_text(tools.read_text() + "\n# changed\n")
        started = time.perf_counter()
        changed = build(project)
        one_change = time.perf_counter() - started
        assert not changed.reused and not changed.deps_installed
        naive, naive_seconds = naive_zip(project, work)

        sizes = {
            "scaffold package (precompiled)": (ours.size_bytes, ours.unzipped_bytes),
            "scaffold package, no bytecode": (plain.size_bytes, plain.unzipped_bytes),
            "scaffold package, boto3 bundled": (bundled.size_bytes, bundled.unzipped_bytes),
            "naive pip install -t (its pyc valid)": (naive.stat().st_size, _unzipped(naive)),
        }
        sizes["naive, pyc for another Python"] = sizes["naive pip install -t (its pyc valid)"]
        runtime = runtime_stand_in(work / "var-runtime")
        variants = {
            "scaffold package (precompiled)": [extract(ours.path, work / "ours"), runtime],
            "scaffold package, no bytecode": [extract(plain.path, work / "plain"), runtime],
            "scaffold package, boto3 bundled": [extract(bundled.path, work / "bundled"), runtime],
            "naive pip install -t (its pyc valid)": [extract(naive, work / "naive"), runtime],
            "naive, pyc for another Python": [
                extract(naive, work / "naive-nopyc", drop_bytecode=True),
                runtime,
            ],
        }
        floor_label = "ours, import strands alone (the floor)"
        templates = {label: COLD_START for label in variants}
        variants[floor_label] = variants[ours_label]
        templates[floor_label] = IMPORT_STRANDS_ONLY
        for label, paths in variants.items():  # warm-up: file cache, not counted
            cold_start(paths, project.package, templates[label])
        times: dict[str, list[float]] = {label: [] for label in variants}
        labels = list(variants)
        for index in range(rounds):
            shift = index % len(labels)
            for label in labels[shift:] + labels[:shift]:
                times[label].append(cold_start(variants[label], project.package, templates[label]))

    size_ratio = ours.size_bytes / sizes[naive_label][0]
    cold = {label: c.median(v) for label, v in times.items()}
    cold_ratio = cold[ours_label] / cold[naive_label]
    cold_ratio_mismatch = cold[ours_label] / cold["naive, pyc for another Python"]
    precompile_gain = cold["scaffold package, no bytecode"] / cold[ours_label]
    floor_ratio = cold[floor_label] / cold[naive_label]
    repackage_median = c.median(repackage)
    targets = {
        f"zip size <= {SIZE_TARGET}x naive": {"value": size_ratio, "met": size_ratio <= SIZE_TARGET},
        f"cold start <= {COLD_TARGET}x naive": {"value": cold_ratio, "met": cold_ratio <= COLD_TARGET},
        f"re-package, no change <= {REPACKAGE_TARGET_S:.0f} s": {
            "value": repackage_median, "met": repackage_median <= REPACKAGE_TARGET_S,
        },
    }  # fmt: skip
    result = {
        **c.run_header("package", info, rounds),
        "zip_bytes": {label: size for label, (size, _) in sizes.items()},
        "unzipped_bytes": {label: unzipped for label, (_, unzipped) in sizes.items()},
        "cold_start_seconds": {label: c.summary(v) for label, v in times.items()},
        "cold_start_vs_naive_with_mismatched_pyc": cold_ratio_mismatch,
        "precompile_speedup": precompile_gain,
        "floor_vs_naive": floor_ratio,
        "first_build_seconds_cold_cache": first_build,
        "naive_build_seconds": naive_seconds,
        "repackage_cli_seconds": c.summary(repackage),
        "repackage_api_seconds": c.summary(repackage_api),
        "repackage_one_source_change_seconds": one_change,
        "targets": targets,
    }
    if c.emitted_as_json(
        args,
        result,
        f"Lambda zip (x86_64, Python {HOST_PYTHON}) vs naive pip install -t; cold start median of {rounds}",
    ):
        return 0
    rows = []
    for label in sizes:
        zipped, unzipped = sizes[label]
        rows.append([label, f"{zipped / 2**20:.1f}", f"{unzipped / 2**20:.1f}", f"{cold[label] * 1000:.0f}",
                     f"{cold[label] / cold[naive_label]:.2f}x"])  # fmt: skip
    c.print_table(["variant", "zip MB", "unzipped MB", "cold start ms", "x naive"], rows)
    print()
    c.print_table(
        ["build step", "seconds"],
        [
            ["scaffold package, first build (cold cache: resolve, install, precompile, zip)", first_build],
            ["naive pip install -t + zip", naive_seconds],
            ["re-package, no change: scaffold CLI, fresh process (median)", repackage_median],
            ["re-package, no change: build_artifact call (median)", c.median(repackage_api)],
            ["re-package after changing one source file (build_artifact)", one_change],
        ],
    )
    print()
    print(f"precompiled bytecode: cold start {precompile_gain:.2f}x faster than without it")
    print(f"vs the naive zip when its pyc do not match the runtime's Python: {cold_ratio_mismatch:.2f}x")
    print(
        f"floor: importing strands alone from our zip takes {cold[floor_label] * 1000:.0f} ms, "
        f"{floor_ratio:.2f}x the naive cold start: our cold start would stay above it even if the handler, "
        "the project and the first answer cost nothing\n"
    )
    c.print_targets(targets)
    return 0


def _unzipped(archive: Path) -> int:
    with zipfile.ZipFile(archive) as zf:
        return sum(info.file_size for info in zf.infolist())


if __name__ == "__main__":
    sys.exit(main())
