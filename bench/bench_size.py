"""How much code a project and the repository carry: this checkout next to the last vendoring one, same run.

Before agent-scaffold 0.2.0 every generated project and every sample held a copy of the runtime library
(``runtime_adapters/``). This script measures, for this checkout and for git commit ``--before`` (default
2130ae3, the last template that vendored it), exported with ``git archive``:

* Python lines in a project generated with the defaults (``copier copy --defaults``: the same renderer for
  both; tests included), and how many of its files are Python;
* lines of every file under ``samples/`` (what ``find samples -type f | xargs cat | wc -l`` counts);
* ``duplicates`` pairs over the whole tree (the shared tool; ``--seconds`` bounds its run).

    .venv/bin/python bench/bench_size.py [--json] [--before REV]

Targets (issue 10): project Python lines <= 1,000; duplicates pairs <= 60; samples lines <= 8,000.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path

import _common as c  # bench/ is on sys.path when this file is run as a script

TARGETS = {"project_python_lines": 1000, "duplicates_pairs": 60, "samples_lines": 8000}
_PAIRS = re.compile(r"^(\d+) pairs of places", re.M)


def export(rev: str, destination: Path) -> Path:
    archive = destination.with_suffix(".tar")
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", rev], cwd=c.REPO_ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(destination, filter="data")
    archive.unlink()
    return destination


def project_lines(template: Path, destination: Path) -> dict[str, int]:
    subprocess.run(
        [c.COPIER, "copy", "--defaults", "--quiet", str(template), str(destination)],
        check=True,
        env=c.child_env(),
        stdout=subprocess.DEVNULL,
    )
    python = [p for p in destination.rglob("*.py") if "__pycache__" not in p.parts]
    return {
        "python_lines": sum(len(p.read_bytes().splitlines()) for p in python),
        "python_files": len(python),
        "files": sum(1 for p in destination.rglob("*") if p.is_file()),
    }


def samples_lines(root: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in (root / "samples").rglob("*") if p.is_file())


def duplicate_pairs(root: Path, seconds: int) -> int | None:
    tool = shutil.which("duplicates")
    if tool is None:
        return None
    done = subprocess.run(
        [tool, "--repo", str(root), "--seconds", str(seconds)], capture_output=True, text=True, check=False
    )
    match = _PAIRS.search(done.stdout)
    return int(match.group(1)) if match else 0


def measure(root: Path, work: Path, seconds: int) -> dict[str, object]:
    return {
        "project": project_lines(root / "templates" / "agent", work / "project"),
        "samples_lines": samples_lines(root),
        "duplicates_pairs": duplicate_pairs(root, seconds),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = c.parser("Project, samples and duplicate sizes: this checkout next to a vendoring one.")
    parser.add_argument("--before", default="2130ae3", help="The commit to compare with (default 2130ae3).")
    parser.add_argument("--seconds", type=int, default=300, help="Time bound of each duplicates run.")
    args = parser.parse_args(argv)
    with c.temp_dir("bench-size-") as work:
        now = measure(c.REPO_ROOT, work / "now", args.seconds)
        old_root = export(args.before, work / "before-tree")
        before = measure(old_root, work / "before", args.seconds)
    values = {
        "project_python_lines": now["project"]["python_lines"],  # type: ignore[index]
        "duplicates_pairs": now["duplicates_pairs"],
        "samples_lines": now["samples_lines"],
    }
    targets = {
        f"{name} <= {limit}": {
            "value": values[name],
            "met": values[name] is not None and values[name] <= limit,
        }
        for name, limit in TARGETS.items()
    }
    result = {"benchmark": "size", "machine": c.machine(), "before": args.before, "now": now}
    result.update(before_values=before, targets=targets)
    if args.json:
        c.emit_json(result)
        return 0
    print(f"sizes of this checkout and of {args.before} (the last template that vendored the runtime)\n")
    rows = []
    for label, key in (("now", now), (args.before, before)):
        project = key["project"]  # type: ignore[index]
        rows.append(
            [
                label,
                project["python_lines"],
                project["python_files"],
                project["files"],
                key["samples_lines"],
                key["duplicates_pairs"],
            ]
        )
    headers = ["tree", "project .py lines", ".py files", "files", "samples/ lines", "duplicates pairs"]
    c.print_table(headers, rows)
    print()
    c.print_table(
        ["target", "measured", "result"],
        [[name, target["value"], c.verdict(bool(target["met"]))] for name, target in targets.items()],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
