"""GitHub Actions workflows for a project, rendered from the template's own workflow sources.

The workflow text lives once, in the agent template (``includes/ci/github/*.yml.jinja``): the template's
``ci=github`` answer includes those files, and this module renders the same files with the project's
answers, so ``copier copy`` and ``scaffold ci github`` write identical workflows. A file that already
exists with other content is the user's: it is kept unless ``force`` says otherwise.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..errors import BadInput
from ..templates import builtin_template

WORKFLOWS_DIR = Path(".github") / "workflows"
WORKFLOW_SOURCES = {  # written file name -> source in the template's includes
    "scaffold-test.yml": "includes/ci/github/scaffold-test.yml.jinja",
    "scaffold-deliver.yml": "includes/ci/github/scaffold-deliver.yml.jinja",
}
# The pipeline deploys to staging and promotes to prod: environments.toml declares both (a file of the
# project's root, written beside the workflows unless the project has its own).
ENVIRONMENTS_FILE = "environments.toml"
ENVIRONMENTS_SOURCE = "includes/ci/environments.toml.jinja"
CI_TARGETS = ("agentcore", "lambda")  # deployable with the least-privilege role of oidc_template
DEFAULT_SCAFFOLD_INSTALL = f"python -m pip install agent-scaffold=={__version__}"

WRITTEN, UNCHANGED, KEPT = "written", "unchanged", "kept"


@dataclass(frozen=True)
class WorkflowSettings:
    """What the workflows need to know: names, versions and the one target CI deploys."""

    project_name: str
    python_version: str
    aws_region: str
    ci_target: str
    scaffold_install: str

    def context(self) -> dict[str, Any]:
        """The template's variables: every field, by its name."""
        return asdict(self)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    outcome: str  # WRITTEN, UNCHANGED or KEPT


def settings_from_answers(
    answers: Mapping[str, Any], *, target: str | None = None, scaffold_install: str | None = None
) -> WorkflowSettings:
    """Options win over the project's ci answers, which win over defaults; bad values are refused here."""
    targets = answers.get("targets") or []
    if isinstance(targets, str):
        targets = [targets]
    chosen = target or answers.get("ci_target") or next((t for t in targets if t in CI_TARGETS), None)
    if chosen not in CI_TARGETS:
        raise BadInput(
            f"CI deploys one of {', '.join(CI_TARGETS)}; this project has {', '.join(targets) or 'none'}. "
            "Add one with `scaffold target add lambda` or pass --target."
        )
    if chosen not in targets:
        raise BadInput(f"--target {chosen}: the project was not generated with that target.")
    install = scaffold_install or answers.get("scaffold_install") or DEFAULT_SCAFFOLD_INSTALL
    if not str(install).strip():
        raise BadInput("--scaffold-install must be a command that installs agent-scaffold.")
    return WorkflowSettings(
        project_name=str(answers["project_name"]),
        python_version=str(answers.get("python_version") or "3.12"),
        aws_region=str(answers.get("aws_region") or "us-east-1"),
        ci_target=str(chosen),
        scaffold_install=str(install),
    )


def render_workflows(settings: WorkflowSettings, template_root: Path | None = None) -> dict[str, str]:
    """File name -> workflow text, rendered with the jinja syntax copier uses for the template."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_root or builtin_template())),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    return {
        name: environment.get_template(source).render(settings.context())
        for name, source in WORKFLOW_SOURCES.items()
    }


def render_environments(settings: WorkflowSettings, template_root: Path | None = None) -> str:
    """The environments.toml the pipeline's ``--env staging`` and ``promote --to prod`` need."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_root or builtin_template())),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    return environment.get_template(ENVIRONMENTS_SOURCE).render(settings.context())


def write_workflows(project_root: Path, workflows: Mapping[str, str], *, force: bool) -> list[WrittenFile]:
    """Write each workflow unless a different file is already there (kept, unless ``force``)."""
    directory = project_root / WORKFLOWS_DIR
    return [write_unless_edited(directory / name, text, force=force) for name, text in workflows.items()]


def write_unless_edited(path: Path, text: str, *, force: bool) -> WrittenFile:
    """A file that exists with other content is the user's: kept unless ``force``."""
    if path.exists() and not path.is_file():
        raise BadInput(f"{path} exists and is not a file; move it away first.")
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == text:
        return WrittenFile(path, UNCHANGED)
    if current is not None and not force:
        return WrittenFile(path, KEPT)
    _write_atomically(path, text)
    return WrittenFile(path, WRITTEN)


def _write_atomically(path: Path, text: str) -> None:
    """A crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
