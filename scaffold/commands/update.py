"""``scaffold update`` and ``scaffold check-update``: bring a newer template version into a project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import BadInput, ScaffoldError
from ..project import Project, locate_project
from ._common import project_option

UPDATE_EPILOG = """\b
Examples:
  scaffold check-update                 # is there a newer template version, and what would it change?
  scaffold update --dry-run             # the same, as the update would report it
  scaffold update                       # to the newest version (built-in: this toolkit's)
  scaffold update --to v2.1.0           # to a given version (a layer's: its version or tag)

\b
Copier renders the project's recorded template version and the new one with your answers and merges
the difference into your files (a three-way merge): your edits stay; where both changed the same
lines the file gets inline conflict markers, and every such file is listed. A file the new version
drops but you edited is kept. The project must be committed in git with no uncommitted changes;
a project inside a larger repository (a monorepo) works the same."""


def _target_version(project: Project, to: str | None) -> tuple[Any, str]:
    from ..lifecycle.project_template import newest_ref, project_template

    template = project_template(project)
    ref = newest_ref(template, to)
    if ref is None:
        raise BadInput(f"{template.src_path} has no release tags (v1.2.3); name a ref with --to REF.")
    _refuse_downgrade(template.commit, ref)
    return template, ref


def _apply_version(project: Project, template: Any, ref: str, *, trust: bool, dry_run: bool) -> Any:
    """Update ``project`` to the template at ``ref`` (with ``dry_run``, only say what would change);
    progress lines go to stderr, so ``--json`` output stays one document."""
    from ..lifecycle.engine import apply
    from ..lifecycle.project_template import forced_at

    return apply(
        project.root,
        data=forced_at(template, ref),
        vcs_ref=ref,
        unsafe=template.trusted or trust,
        dry_run=dry_run,
        progress=lambda line: click.echo(line, err=True),
    )


def _refuse_downgrade(current: str, wanted: str) -> None:
    from packaging.version import InvalidVersion, Version

    try:
        older = Version(wanted) < Version(current)
    except InvalidVersion:
        return
    if older:
        raise BadInput(
            f"{wanted} is older than the project's template version {current}; copier cannot downgrade."
        )


@click.command("update", epilog=UPDATE_EPILOG, short_help="Update the project to a newer template version.")
@click.option("--to", "to", metavar="REF", help="Template version (tag) to update to.  [default: the newest]")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--trust", is_flag=True, help="Allow a non-built-in template to run its migrations/tasks.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@project_option
def update(to: str | None, dry_run: bool, trust: bool, as_json: bool, project_dir: Path | None) -> None:
    """Merge a newer template version into the project (copier update), keeping your edits."""
    from ..lifecycle.report import describe, raise_for_conflicts

    project = locate_project(project_dir)
    template, ref = _target_version(project, to)
    if ref == template.commit:
        message = {"from_version": ref, "to_version": ref, "up_to_date": True}
        click.echo(
            json.dumps(message) if as_json else f"{project.project_name} is up to date ({template.display})."
        )
        return
    outcome = _apply_version(project, template, ref, trust=trust, dry_run=dry_run)
    versions = f"{project.project_name} from {outcome.from_version} to {outcome.to_version}"
    text = describe(outcome, f"Updated {versions}", f"update {versions}")
    click.echo(json.dumps(outcome.to_json(), indent=2) if as_json else text)
    raise_for_conflicts(outcome)


CHECK_EPILOG = """\b
Examples:
  scaffold check-update
  scaffold check-update --json    # {"current", "newest", "update_available", "changes": {...}}

\b
An update that exists is not an error: see update_available in --json."""


@click.command("check-update", epilog=CHECK_EPILOG, short_help="Is a newer template version available?")
@click.option(
    "--trust", is_flag=True, help="Allow a non-built-in template to run its migrations in the dry run."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@project_option
def check_update(trust: bool, as_json: bool, project_dir: Path | None) -> None:
    """Say whether a newer template version exists and what updating to it would change (a dry run)."""
    from ..lifecycle.engine import UntrustedTemplate
    from ..lifecycle.report import outcome_lines

    project = locate_project(project_dir)
    template, ref = _target_version(project, None)
    available = ref != template.commit
    result: dict[str, Any] = {"current": template.commit, "newest": ref, "update_available": available}
    outcome = None
    if available:
        try:
            outcome = _apply_version(project, template, ref, trust=trust, dry_run=True)
            result["changes"] = outcome.to_json()
        except ScaffoldError as exc:  # the version exists; only the preview failed (e.g. it needs --trust)
            result["preview_error"] = exc.message
            trust = trust or isinstance(exc, UntrustedTemplate)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    elif not available:
        click.echo(f"{project.project_name} is up to date ({template.display}).")
    else:
        click.echo(f"A newer template version is available: {template.commit} -> {ref}.")
        if outcome is not None:
            click.echo("Updating would change:\n" + "\n".join(outcome_lines(outcome)))
        else:
            click.echo(f"What it changes could not be previewed: {result['preview_error']}")
        flags = " --trust" if trust else ""
        click.echo(f"Apply it with: scaffold update --to {ref}{flags}  (or --dry-run first)")
