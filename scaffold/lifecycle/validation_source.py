"""What ``template validate`` and ``template compose`` render from: a plain directory where possible.

Validation renders the template as it is - the built-in template straight from the package, a layer composed
into a scratch directory - so it needs no cache tags and no git history and checks exactly what would ship.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TemplateFailure
from ..templates import builtin_template, is_copier_template
from .compose import compose
from .fetch import checkout, is_remote, split_ref
from .layers import is_layer, load_layer
from .sources import BUILTIN_NAMES, describe_base, fetch_base


@dataclass(frozen=True)
class ValidationSource:
    src_path: str
    vcs_ref: str | None
    display: str
    questions: dict[str, Any]
    forced: dict[str, Any] = field(default_factory=dict)
    is_layer: bool = False
    layer_name: str = ""
    forced_iam: dict[str, Any] = field(default_factory=dict)  # the IAM guardrails a layer forces


def validation_source(source: str, scratch: Path) -> ValidationSource:
    """Resolve ``source`` (builtin, a template or a layer; path or git URL[@REF]) using ``scratch``."""
    scratch.mkdir(parents=True, exist_ok=True)
    if source in BUILTIN_NAMES:
        directory = builtin_template()
        return ValidationSource(str(directory), None, "the built-in template", questions_of(directory))
    location, ref = split_ref(source)
    if is_remote(location):
        fetched = checkout(location, ref, scratch / "fetched")
        if is_layer(fetched):
            return _layer(fetched, location, scratch)
        return ValidationSource(location, ref, source, questions_of(fetched))
    path = Path(location).expanduser().resolve()
    if not path.is_dir():
        raise TemplateFailure(f"Template not found: {source} is not a directory (nor a git URL).")
    if is_layer(path):
        root = checkout(str(path), ref, scratch / "fetched") if ref else path
        return _layer(root, str(path), scratch)
    if not is_copier_template(path):
        raise TemplateFailure(f"{source} is neither a copier template (copier.yml) nor a layer (layer.yml).")
    return ValidationSource(str(path), ref, source, questions_of(path))


def _layer(root: Path, identity: str, scratch: Path) -> ValidationSource:
    layer = load_layer(root)
    base, _version, _trusted = fetch_base(layer, scratch)
    composed = compose(layer, base, scratch / "composed", source=identity)
    display = f"the organisation layer {layer.name} {layer.version} (on {describe_base(layer)})"
    return ValidationSource(
        str(composed.directory),
        None,
        display,
        questions_of(composed.directory),
        dict(layer.forced),
        True,
        layer.name,
        dict(layer.iam),
    )


def questions_of(directory: Path) -> dict[str, Any]:
    import yaml

    config = next((directory / n for n in ("copier.yml", "copier.yaml") if (directory / n).is_file()), None)
    loaded = yaml.safe_load(config.read_text(encoding="utf-8")) if config else {}
    if not isinstance(loaded, dict):
        return {}
    return {str(key): value for key, value in loaded.items() if not str(key).startswith("_")}
