"""Change a project's answers (targets, auth, memory, ...) through copier's update at the *same* version.

Copier renders the recorded template version twice - with the old answers and with the new ones - and merges
only that difference into the project, so exactly the files the answer controls appear, change or go, and
the user's edits elsewhere stay byte for byte. This module checks the request first: known questions only,
no answer a layer forces, no identity change, and no removing a target that still has cloud resources.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..answer_check import check_answers, questions_of
from ..errors import BadInput
from ..project import Project
from .builtin import repo_path
from .cache import BUILTIN_PREFIX, LAYER_PREFIX, layers_dir
from .deployed import Deployment, deployment
from .engine import Outcome, Progress, apply
from .fetch import checkout, is_remote
from .gitutil import run_git
from .project_template import ProjectTemplate, project_template
from .questionnaire import Asker, missing_answers, refuse_missing
from .sources import check_forced

FIXED_KEYS = ("project_name", "package_name")


class StillDeployed(BadInput):
    pass


def template_questions(template: ProjectTemplate) -> dict[str, Any]:
    """The questions of the project's template version, read from its ``copier.yml`` at ``_commit``."""
    import yaml

    if template.src_path.startswith(BUILTIN_PREFIX):
        text = _show(["--git-dir", str(repo_path())], template.commit)
    elif template.src_path.startswith(LAYER_PREFIX):
        repo = layers_dir() / template.src_path.removeprefix(LAYER_PREFIX)
        text = _show(["--git-dir", str(repo)], template.commit)
    elif is_remote(template.src_path):
        with tempfile.TemporaryDirectory(prefix="scaffold-questions-") as scratch:
            fetched = checkout(template.src_path, template.commit, Path(scratch) / "t")
            config = next(
                (fetched / n for n in ("copier.yml", "copier.yaml") if (fetched / n).is_file()), None
            )
            text = config.read_text(encoding="utf-8") if config else ""
    else:
        text = _show(["-C", str(Path(template.src_path).expanduser())], template.commit)
    return questions_of(yaml.safe_load(text) or {})


def _show(repo_args: list[str], commit: str) -> str:
    for name in ("copier.yml", "copier.yaml"):
        shown = run_git([*repo_args, "show", f"{commit}:{name}"], check=False)
        if shown.returncode == 0:
            return shown.stdout.decode()
    return ""


def requested_answers(project: Project, data: Mapping[str, Any], ask: Asker | None = None) -> dict[str, Any]:
    """``data`` checked against the project's template and in the types its questions declare; with
    ``ask`` (a terminal), completed with the answers the change still needs, asked one by one."""
    template = project_template(project)
    checked = check_request(project, template, data)
    if ask is None:
        return checked
    questions = template_questions(template)
    for _round in range(len(questions)):  # an answer can make further questions relevant
        missing = missing_answers(project.root, checked, template.commit)
        if not missing:
            break
        for item in missing:
            question = questions.get(item.question)
            help_text = question.get("help", "") if isinstance(question, dict) else ""
            checked[item.question] = ask(item, str(help_text))
    return checked


def check_request(project: Project, template: ProjectTemplate, data: Mapping[str, Any]) -> dict[str, Any]:
    fixed = [key for key in data if key in FIXED_KEYS and data[key] != project.answers.get(key)]
    if fixed:
        raise BadInput(
            f"{fixed[0]} cannot be changed in place (it names the package and its files); create a new "
            "project with scaffold new and move your code."
        )
    if template.forced:
        check_forced(template.forced, data, f"the organisation layer {template.layer_name}")
    return check_answers(data, template_questions(template))


def blocking_deployments(project: Project, removed: list[str]) -> list[Deployment]:
    return [d for d in (deployment(project.root, target) for target in removed) if d.deployed]


def refuse_deployed(blocking: list[Deployment]) -> None:
    first = blocking[0]
    state = f".scaffold/state/{first.state_file.name}"
    if first.problem:
        what = f"may still be deployed ({state} cannot be read: {first.problem})"
    else:
        what = f"is still deployed ({state} records {first.resources_text})"
    raise StillDeployed(
        f"{first.target} {what}; run "
        f"`scaffold destroy --target {first.target}` first, or pass --force to remove it from the project "
        "anyway (its cloud resources then stay and must be deleted by hand)."
    )


def change_answers(
    project: Project,
    data: Mapping[str, Any],
    *,
    force: bool = False,
    trust: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    warn: Progress | None = None,
) -> Outcome:
    """Apply ``data`` to ``project`` at its current template version (see the module docstring).

    Every answer the change still needs is named in one error (``questionnaire.missing_answers``).
    """
    template = project_template(project)
    data = check_request(project, template, data)
    if "targets" in data:
        removed = [t for t in project.targets if t not in list(data["targets"] or [])]
        blocking = blocking_deployments(project, removed)
        if blocking and not force:
            refuse_deployed(blocking)
        for item in blocking:
            if warn:
                warn(
                    f"Warning: {item.target} is {item.label} and stays deployed: removing the target deletes "
                    f"no cloud resources, and {item.state_file} is kept. Delete them yourself when done."
                )
    missing = missing_answers(project.root, data, template.commit)
    if missing:
        raise refuse_missing(missing, data)
    return apply(
        project.root,
        data={**data},
        vcs_ref=template.commit,
        unsafe=template.trusted or trust,
        dry_run=dry_run,
        progress=progress,
    )
