"""Run copier's update on a project - for new answers at the same template version, or a newer version.

Copier renders the recorded version with the recorded answers (the base), renders the requested version
with the requested answers, and merges the difference into the project with git; overlapping edits become
inline conflict markers. Around that scaffold adds what copier leaves to the user:

- it refuses a tree with uncommitted changes in one sentence (copier's own message is a traceback away);
- if copier fails half-way, the project is put back exactly as committed (it was verified clean first);
- a file the new render no longer has but the user had edited is restored and reported as kept, where
  copier would delete it (edits included);
- conflicts are listed file by file, and ``dry_run`` does all of it on a scratch copy.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AnswerRejected, BadInput, Interrupted, ScaffoldError, TemplateFailure
from . import gitutil
from .cache import scaffold_urls
from .migrate import ANSWERS_FILE, REPORT_ENV
from .pristine import read_answers_text, render
from .scratch import scratch_copy
from .vendored_runtime import VendoredRuntime, settle

Progress = Callable[[str], None]
_MARKERS = (b"<<<<<<< ", b">>>>>>> ")


class NotVersioned(BadInput):
    pass


class DirtyTree(BadInput):
    pass


class UntrustedTemplate(BadInput):
    pass


@dataclass
class Outcome:
    from_version: str
    to_version: str
    modified: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited files the new render no longer has
    moved: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    dry_run: bool = False
    vendored_runtime: VendoredRuntime | None = None  # a pre-library project's runtime_adapters/ copy

    @property
    def changed(self) -> bool:
        return bool(
            self.modified or self.added or self.removed or self.kept or self.moved or self.vendored_runtime
        )

    def to_json(self) -> dict[str, Any]:
        """Every field (``update --json``), so a field added here cannot be left out of the report."""
        return asdict(self)


def preflight(root: Path) -> None:
    """The project must be committed in git, with nothing uncommitted under it."""
    if gitutil.toplevel(root) is None:
        raise NotVersioned(
            f"{root} is not in a git repository, and copier merges template changes through git; run "
            "`git init && git add -A && git commit -m 'Initial commit'` there first."
        )
    if not gitutil.has_commits(root):
        raise NotVersioned(f"{root} has no commit yet; commit the project (git add -A && git commit) first.")
    dirty = gitutil.status(root).all
    if dirty:
        example = ", ".join(dirty[:3]) + (", ..." if len(dirty) > 3 else "")
        raise DirtyTree(
            f"The project has uncommitted changes ({example}) and copier only merges into a clean tree, so "
            "that nothing of yours can be lost: commit or stash them (git stash -u), then run this again."
        )


def apply(
    root: Path,
    *,
    data: Mapping[str, Any],
    vcs_ref: str | None,
    unsafe: bool,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Update the project at ``root`` to ``vcs_ref`` with ``data`` changed."""
    say = progress or (lambda _message: None)
    if dry_run:
        if gitutil.toplevel(root) is None:
            raise NotVersioned(f"{root} is not in a git repository; run git init and commit it first.")
        with tempfile.TemporaryDirectory(prefix="scaffold-dry-run-") as scratch:
            copy = scratch_copy(root, Path(scratch) / root.name)
            try:
                outcome = _update(copy, data, vcs_ref, unsafe, say)
            except BaseException as exc:
                raise _translate(exc) from None
            outcome.dry_run = True
            return outcome
    preflight(root)
    try:
        return _update(root, data, vcs_ref, unsafe, say)
    except BaseException as exc:
        gitutil.reset_project(root)  # it was clean: back to exactly what was committed
        raise _translate(exc) from None


def _update(root: Path, data: Mapping[str, Any], ref: str | None, unsafe: bool, say: Progress) -> Outcome:
    import copier

    before = read_answers_text(gitutil.head_blob(root, ANSWERS_FILE))
    with tempfile.TemporaryDirectory(prefix="scaffold-update-") as scratch:
        report = Path(scratch) / "moves.jsonl"
        current = before.get("_commit")
        renders = f"{current} with the old and the new answers" if ref == current else f"{current} and {ref}"
        say(f"Rendering {renders}, then merging the difference into {root.name}")
        with scaffold_urls({REPORT_ENV: str(report)}):
            copier.run_update(
                str(root),
                data=dict(data),
                vcs_ref=ref,
                defaults=True,
                overwrite=True,
                skip_answered=True,
                quiet=True,
                conflict="inline",
                unsafe=unsafe,
            )
        moved = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    after = read_answers_text((root / ANSWERS_FILE).read_bytes())
    status = gitutil.status(root)
    outcome = Outcome(str(before.get("_commit")), str(after.get("_commit")), moved=moved)
    moved_from = {str(entry["from"]) for entry in moved}
    gone = [path for path in status.deleted if path not in moved_from]
    outcome.kept = _keep_edited(root, before, gone, say) if gone else []
    outcome.removed = [path for path in gone if path not in outcome.kept]
    outcome.vendored_runtime = settle(root, outcome.removed, outcome.kept)
    outcome.modified = [path for path in status.modified if path not in outcome.kept]
    outcome.added = status.added
    conflicted = set(status.unmerged) | {str(e["to"]) for e in moved if e.get("conflict")}
    conflicted |= {path for path in (*status.modified, *status.added) if _has_markers(root / path)}
    outcome.conflicts = sorted(conflicted)
    return outcome


def _keep_edited(root: Path, before: Mapping[str, Any], gone: list[str], say: Progress) -> list[str]:
    """Restore the files among ``gone`` that differ from the untouched render of the previous state."""
    say("Checking whether files the template drops were edited")
    with tempfile.TemporaryDirectory(prefix="scaffold-pristine-") as scratch:
        untouched = render(str(before.get("_src_path")), before.get("_commit"), before, Path(scratch) / "p")
        edited = [
            path
            for path in gone
            if not (untouched / path).is_file()
            or gitutil.head_blob(root, path) != (untouched / path).read_bytes()
        ]
    gitutil.restore_from_index(root, edited)
    return edited


def _has_markers(path: Path) -> bool:
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    return all(any(line.startswith(marker) for line in lines) for marker in _MARKERS)


def _translate(exc: BaseException) -> BaseException:
    """Copier's exceptions as one-line scaffold errors; the project has been reset when this is called."""
    unchanged = "nothing was changed"
    if isinstance(exc, ScaffoldError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted(f"Cancelled; {unchanged}.")
    from copier import errors as copier_errors
    from plumbum.commands.processes import ProcessExecutionError

    if isinstance(exc, copier_errors.UnsafeTemplateError):
        features = str(exc).split(":", 1)[-1].split("\n", 1)[0].strip(" .")
        return UntrustedTemplate(
            f"The template runs code on your machine during the update ({features}); read its copier.yml, "
            f"then run again with --trust if you trust it ({unchanged})."
        )
    if isinstance(exc, copier_errors.TaskError):
        return TemplateFailure(f"A template migration or task failed: {exc} ({unchanged}).")
    if isinstance(exc, copier_errors.CopierError):
        return TemplateFailure(f"{exc} ({unchanged})")
    if isinstance(exc, ProcessExecutionError):
        lines = [line for line in str(exc.stderr).splitlines() if line.strip()]
        return TemplateFailure(f"git failed during the update: {lines[-1] if lines else exc} ({unchanged}).")
    if isinstance(exc, ValueError) and str(exc).startswith("Unknown revision"):
        revision = str(exc).split(":", 1)[-1].strip()
        return BadInput(f"The template has no version {revision} (a tag, branch or commit); {unchanged}.")
    if isinstance(exc, ValueError):  # an answer the template's questionnaire refused
        return AnswerRejected(f"{exc} ({unchanged}; answer with KEY=VALUE)")
    return exc
