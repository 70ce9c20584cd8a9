"""Organisation layers: a directory with ``layer.yml`` and ``files/`` that customises a base template.

Copier has no layering of its own, so scaffold composes a layer with the base template it pins into an
ordinary copier template (``compose.py``). ``layer.yml``::

    name: acme-agents              # lowercase letters, digits, hyphens
    version: 1.0.0                 # PEP 440; a git-hosted layer tags each release v<version>
    base:
      template: builtin            # or a copier template's git URL / local git repository
      ref: 0.1.0                   # the base version it was validated with (a tag)
    defaults:                      # new defaults: still asked, still changeable
      model_provider: bedrock
    forced:                        # fixed answers: never asked, refused by --data and configure
      auth: jwt
    questions: {}                  # extra copier questions for the layer's own files (optional)
    iam:                           # IAM guardrails every deploy and export of its projects must apply
      permissions_boundary: arn:aws:iam::123456789012:policy/AgentBoundary
      role_path: /agents/
      role_name_prefix: acme-
      required_tags: {CostCenter: ai-42}

``files/`` is laid over the base template's ``_subdirectory``: a file with the same path replaces the base's,
any other is added. Layers cannot add copier settings (``_tasks``, ``_migrations``, ...), so a composed
template runs no code its base does not. ``iam`` (any of its four keys) is recorded in every project's
answers file, and ``scaffold.environments.guardrails`` holds each environment of the project to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from ..errors import BadInput

LAYER_FILE = "layer.yml"
FILES_DIR = "files"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_KEYS = {"name", "version", "description", "base", "defaults", "forced", "questions", "iam"}


class LayerError(BadInput):
    """``layer.yml`` is missing, malformed or contradicts its base template."""


@dataclass(frozen=True)
class Layer:
    root: Path
    name: str
    version: str
    base_template: str  # "builtin", a git URL or a local git repository
    base_ref: str
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)
    forced: dict[str, Any] = field(default_factory=dict)
    questions: dict[str, Any] = field(default_factory=dict)
    iam: dict[str, Any] = field(default_factory=dict)  # forced IAM guardrails: only the keys it sets

    @property
    def files(self) -> Path:
        return self.root / FILES_DIR


def is_layer(path: Path) -> bool:
    return (path / LAYER_FILE).is_file()


def load_layer(root: Path) -> Layer:
    """Read and check ``root/layer.yml``; every problem is one ``LayerError`` line naming the file."""
    import yaml

    path = root / LAYER_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "problem", None) or type(exc).__name__
        raise LayerError(f"Could not read {path}: {reason}.") from None
    if not isinstance(raw, dict):
        raise LayerError(f"{path} must be a mapping with name, version and base.")
    unknown = sorted(set(map(str, raw)) - _KEYS)
    if unknown:
        raise LayerError(f"{path}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}.")
    name = _required_str(raw, "name", path)
    if not _NAME.match(name):
        raise LayerError(f"{path}: name must be lowercase letters, digits and single hyphens; got {name!r}.")
    version = _required_str(raw, "version", path)
    try:
        Version(version)
    except InvalidVersion:
        raise LayerError(
            f"{path}: version must be a PEP 440 version such as 1.0.0; got {version!r}."
        ) from None
    base = raw.get("base")
    if not isinstance(base, dict):
        raise LayerError(f"{path}: base must be a mapping, e.g. base: {{template: builtin, ref: '0.1.0'}}.")
    defaults, forced, questions = (_mapping(raw, key, path) for key in ("defaults", "forced", "questions"))
    both = sorted(set(defaults) & set(forced))
    if both:
        raise LayerError(f"{path}: {', '.join(both)} cannot be both a default and forced; keep one.")
    settings = sorted(key for key in questions if str(key).startswith("_"))
    if settings:
        raise LayerError(f"{path}: questions cannot set copier settings ({', '.join(settings)}).")
    return Layer(
        root=root.resolve(),
        name=name,
        version=version,
        base_template=_required_str(base, "template", path, prefix="base."),
        base_ref=_required_str(base, "ref", path, prefix="base."),
        description=str(raw.get("description") or ""),
        defaults=defaults,
        forced=forced,
        questions=questions,
        iam=_iam(raw, path),
    )


def _iam(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """The forced guardrails, checked as ``environments.toml`` checks them; only the keys given."""
    from ..environments.guardrails import parse_guardrails

    if raw.get("iam") is None:
        return {}
    try:
        guardrails = parse_guardrails(raw["iam"], str(path))
    except BadInput as exc:
        raise LayerError(exc.message) from None
    return guardrails.model_dump(exclude_unset=True)


def _required_str(raw: dict[str, Any], key: str, path: Path, prefix: str = "") -> str:
    value = raw.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # version: 1.0 and ref: 0.1 are numbers to YAML
    if not isinstance(value, str) or not value.strip():
        raise LayerError(f"{path}: {prefix}{key} is required (a string).")
    return value.strip()


def _mapping(raw: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise LayerError(f"{path}: {key} must be a mapping of question: value.")
    return {str(k): v for k, v in value.items()}
