"""Copier migration helper for templates that move or rename a file: the user's edits move with it.

Copier's update deletes a file the new template version no longer has, edits and all, and renders the new
path fresh. A template that moves ``OLD`` to ``NEW`` therefore declares, in ``copier.yml``::

    _migrations:
      - version: v2.0.0
        command: ["{{ _copier_python }}", "-m", "scaffold.lifecycle.migrate", "move",
                  "{{ package_name }}/tools.py", "{{ package_name }}/tools/__init__.py"]

Copier runs it after the update (its default stage), in the project directory. The helper takes the user's
``OLD`` (from the work tree, else from ``HEAD``: copier requires a clean tree, so ``HEAD`` is the user's last
state), the untouched ``OLD`` of the previous template version (rendered from ``HEAD``'s answers file) and the
new ``NEW``, and three-way merges the user's edits into ``NEW`` with ``git merge-file``; overlapping changes
get conflict markers. An unedited ``OLD`` is simply dropped. Each move is appended as a JSON line to
``$SCAFFOLD_MIGRATION_REPORT`` when set, so ``scaffold update`` can report it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .gitutil import head_blob, run_git
from .pristine import read_answers_text, render

REPORT_ENV = "SCAFFOLD_MIGRATION_REPORT"
ANSWERS_FILE = ".copier-answers.yml"


def move(project: Path, old: str, new: str) -> dict[str, object]:
    """Carry the user's edits of ``old`` into ``new``; returns what happened (also for the report)."""
    old_path, new_path = project / old, project / new
    ours = old_path.read_bytes() if old_path.is_file() else head_blob(project, old)
    outcome: dict[str, object] = {"from": old, "to": new, "edited": False, "conflict": False}
    if ours is None:
        return outcome
    answers = read_answers_text(head_blob(project, ANSWERS_FILE))
    with tempfile.TemporaryDirectory(prefix="scaffold-migrate-") as scratch:
        before = render(str(answers.get("_src_path")), answers.get("_commit"), answers, Path(scratch) / "old")
        base = (before / old).read_bytes() if (before / old).is_file() else b""
        if ours != base:
            outcome["edited"] = True
            if not new_path.is_file():
                new_path.parent.mkdir(parents=True, exist_ok=True)
                new_path.write_bytes(ours)
            else:
                mine, original = Path(scratch) / "mine", Path(scratch) / "original"
                mine.write_bytes(ours)
                original.write_bytes(base)
                labels = [f"your {old}", f"template before ({old})", f"template now ({new})"]
                merged = run_git(
                    ["merge-file", "-p", *(arg for label in labels for arg in ("-L", label)),
                     str(mine), str(original), str(new_path)],
                    check=False,
                )  # fmt: skip
                if merged.returncode < 0 or merged.returncode > 127:
                    raise SystemExit(f"git merge-file failed for {new}: {merged.stderr.decode().strip()}")
                new_path.write_bytes(merged.stdout)
                outcome["conflict"] = merged.returncode > 0
    old_path.unlink(missing_ok=True)
    return outcome


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "move":
        print("usage: python -m scaffold.lifecycle.migrate move OLD NEW", file=sys.stderr)
        return 2
    outcome = move(Path.cwd(), argv[1], argv[2])
    report = os.environ.get(REPORT_ENV)
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome) + "\n")
    state = (
        "with conflicts" if outcome["conflict"] else "with your edits" if outcome["edited"] else "unedited"
    )
    print(f"moved {argv[1]} -> {argv[2]} ({state})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
