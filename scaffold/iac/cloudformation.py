"""``scaffold package --format cloudformation``: one CloudFormation template per target, for teams that
deploy through their own pipelines.

``export`` writes ``<out_dir>/<project>-<target>.template.json`` and, next to it,
``<project>-<target>.parameters.json`` with the parameter values known at export time (the artifact's S3
key, the image tag) in the ``[{"ParameterKey": ..., "ParameterValue": ...}]`` form that
``aws cloudformation create-stack --parameters file://...`` reads; the pipeline adds the rest (bucket,
VPC, ...). Each target has its own builder module, looked up in ``BUILDERS``. With an ``environment``
(``scaffold package --env``), its IAM guardrails (under the organisation layer's) go on every role of
the template (``role_guardrails``); the layer's forced ones apply with or without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..environments.settings import Environment
from ..errors import BadInput, TargetNotEnabled
from ..project import Project
from . import agentcore_template, fastapi_template, lambda_template
from .artifact import Artifact
from .cfn import Template
from .role_guardrails import apply_guardrails

Builder = Callable[..., Template]  # (project, artifact, *, environment=None)

BUILDERS: Mapping[str, Builder] = {
    "agentcore": agentcore_template.build,
    "lambda": lambda_template.build,
    "fastapi": fastapi_template.build,
}


def build_template(
    project: Project, target: str, artifact: Artifact, *, environment: Environment | None = None
) -> Template:
    """The template for ``target`` (not written anywhere); ``export``, the fastapi deployer and the tests
    use it. ``environment`` gives its log retention and alarms (``environments.toml``); every role in it
    carries the effective IAM guardrails."""
    builder = BUILDERS.get(target)
    if builder is None:
        known = ", ".join(sorted(BUILDERS))
        raise BadInput(
            f"There is no CloudFormation export for the {target!r} target; choose one of: {known}."
        )
    if not project.has_target(target):
        raise TargetNotEnabled(f"The project was not generated with the {target!r} target.")
    template = builder(project, artifact, environment=environment)
    apply_guardrails(template, project, target, environment)
    return template


def export(
    project: Project,
    target: str,
    out_dir: Path,
    artifact: Artifact,
    *,
    environment: Environment | None = None,
) -> list[Path]:
    """Write the template (and its known parameter values) for ``target``; returns the files written."""
    template = build_template(project, target, artifact, environment=environment)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{project.project_name}-{target}"
    written = [_write(out_dir / f"{stem}.template.json", template.body())]
    if template.parameter_values:
        values = [
            {"ParameterKey": key, "ParameterValue": value} for key, value in template.parameter_values.items()
        ]
        written.append(_write(out_dir / f"{stem}.parameters.json", values))
    return written


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
