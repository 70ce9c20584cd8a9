"""Record the versioned template source in a project rendered from a plain export of that version.

``scaffold new`` renders the built-in template (or a composed layer) from a plain checkout of its tag,
which copier renders several times faster than a git source it would clone first. Copier then records the
checkout's path as ``_src_path`` and no ``_commit``; this puts back exactly the two lines copier writes when
it renders from the git source itself (its ``to_nice_yaml``: ``yaml.dump`` with sorted keys), so the
answers file is the same either way (a test compares them).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TemplateFailure

ANSWERS_FILE = ".copier-answers.yml"


def record_source(project: Path, src_path: str, commit: str) -> None:
    import yaml

    path = project / ANSWERS_FILE
    recorded = yaml.dump({"_commit": commit, "_src_path": src_path}, indent=4, allow_unicode=True)
    kept: list[str] = []
    replaced = skipping = False
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if skipping and line[:1] in (" ", "\t"):
            continue  # a long value yaml folded onto the next lines
        skipping = line.startswith(("_commit:", "_src_path:"))
        if line.startswith("_src_path:"):
            kept.append(recorded)
            replaced = True
        elif not skipping:
            kept.append(line)
    if not replaced:
        raise TemplateFailure(f"The template's {ANSWERS_FILE} has no _src_path; it cannot be updated later.")
    path.write_text("".join(kept), encoding="utf-8")
