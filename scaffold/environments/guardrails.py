"""The IAM guardrails a deploy or an export applies: the environment's, under an organisation layer's.

A locked-down account refuses roles without its permissions boundary, outside its role path, without its
name prefix or its tags. An environment sets them (``[environments.NAME.iam]`` in ``environments.toml``);
an organisation layer can force them (``iam:`` in ``layer.yml``), and a project generated from that layer
records them in its answers file (``_scaffold_layer: {..., "iam": {...}}``, re-rendered by every update).

When the project records forced guardrails, they win: a forced key the environment leaves out is taken
from the layer, a forced key the environment sets differently (or a forced tag it drops) is refused with
one line naming the key and the layer, before any AWS call or file is written. Keys the layer leaves
out stay the environment's. Deployers and the CloudFormation export both call ``effective_guardrails``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import BadInput
from .settings import Environment, IamGuardrails

if TYPE_CHECKING:
    from ..project import Project

LAYER_ANSWER = "_scaffold_layer"  # the answers-file record of the layer (scaffold.lifecycle.compose)
FORCED_KEY = "iam"  # the forced guardrails inside that record
MAX_ROLE_NAME = 64  # IAM's limit
_DIGEST = 8


class GuardrailConflict(BadInput):
    """An environment contradicts the IAM guardrails an organisation layer forces (exit code 2)."""


def parse_guardrails(raw: Any, where: str) -> IamGuardrails:
    """``raw`` (a mapping with the four keys, any of them) as checked guardrails; ``where`` names it in the
    one-line error (``acme-layer/layer.yml: iam.role_path: must start and end with /``)."""
    if not isinstance(raw, Mapping):
        raise BadInput(
            f"{where}: iam must be a mapping of permissions_boundary, role_path, role_name_prefix, "
            "required_tags."
        )
    try:
        return IamGuardrails.model_validate(dict(raw))
    except ValidationError as exc:
        error = exc.errors()[0]
        location = ".".join(str(part) for part in ("iam", *error["loc"]))
        reason = "unknown key" if error["type"] == "extra_forbidden" else str(error["msg"])
        raise BadInput(f"{where}: {location}: {reason.removeprefix('Value error, ')}.") from None


def forced_guardrails(project: Project) -> tuple[str, IamGuardrails] | None:
    """The layer's name and the guardrails it forces, as the project's answers file records them."""
    record = project.answers.get(LAYER_ANSWER)
    if not isinstance(record, Mapping) or FORCED_KEY not in record:
        return None
    layer = str(record.get("name") or "layer")
    where = f"{project.root}/.copier-answers.yml ({LAYER_ANSWER} of {layer})"
    return layer, parse_guardrails(record[FORCED_KEY], where)


def effective_guardrails(project: Project, environment: Environment | None) -> IamGuardrails:
    """The environment's guardrails, with every key the project's organisation layer forces put in; an
    environment that contradicts a forced key is refused (``GuardrailConflict``)."""
    own = environment.settings.iam if environment is not None else IamGuardrails()
    forced = forced_guardrails(project)
    if forced is None:
        return own
    layer, rails = forced
    set_here = own.model_fields_set
    merged: dict[str, Any] = own.model_dump()
    for key in rails.model_fields_set - {"required_tags"}:
        wanted, given = getattr(rails, key), getattr(own, key)
        if key in set_here and given != wanted:
            _refuse(environment, key, f"is {given!r}, but the organisation layer {layer} forces {wanted!r}")
        merged[key] = wanted
    if "required_tags" in rails.model_fields_set:
        if "required_tags" in set_here:  # the environment lists its tags: the forced ones must be there
            for tag, value in rails.required_tags.items():
                given_tag = own.required_tags.get(tag)
                if given_tag != value:
                    problem = "is missing" if given_tag is None else f"is {given_tag!r}"
                    _refuse(environment, f"required_tags.{tag}", f"{problem}, but the organisation layer "
                            f"{layer} requires {tag} = {value!r}")  # fmt: skip
        merged["required_tags"] = {**own.required_tags, **rails.required_tags}
    return IamGuardrails.model_validate(merged)


def check_project(project: Project) -> None:
    """Every environment the project declares, held to its layer's forced guardrails: ``template validate``
    runs this on each generated project, so a layer whose own files contradict it fails there."""
    from .settings import load_all, load_environment

    for name in load_all(project.root) or {}:
        effective_guardrails(project, load_environment(project.root, name))


def _refuse(environment: Environment | None, key: str, problem: str) -> None:
    assert environment is not None  # only a declared environment sets keys
    raise GuardrailConflict(
        f"{environment.source}: environments.{environment.name}.iam.{key} {problem}; set it to the forced "
        "value, or leave it out to take the layer's."
    )


def role_name(base: str, guardrails: IamGuardrails) -> str:
    """``base`` with the guardrails' prefix put before it, within IAM's 64 characters."""
    return fit_name(f"{guardrails.role_name_prefix}{base}", MAX_ROLE_NAME)


def fit_name(name: str, limit: int) -> str:
    """``name`` if it fits in ``limit`` characters; else its start and a digest of the whole, so two long
    names that share a start stay different."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:_DIGEST]
    return f"{name[: limit - _DIGEST - 1]}-{digest}"


def is_default(guardrails: IamGuardrails) -> bool:
    """Nothing asked of roles: they are made exactly as without guardrails."""
    return guardrails == IamGuardrails()


def role_tags(tags: Mapping[str, str], guardrails: IamGuardrails) -> dict[str, str]:
    """The role's own tags with the required ones added (a required tag never overrides scaffold's own)."""
    return {**guardrails.required_tags, **tags}
