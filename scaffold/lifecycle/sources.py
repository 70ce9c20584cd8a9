"""What ``--template`` names, resolved to something copier can version: ``(src_path, vcs_ref)``.

- none, or ``builtin``: the cache's built-in repository at ``v<toolkit version>``; ``_src_path`` records
  ``scaffold://builtin/agent.git``;
- a copier template (directory or git URL, ``@REF`` optional): given to copier as is, which records it;
- an organisation layer (a directory or git URL with ``layer.yml``): composed with its pinned base into the
  cache at ``v<base>+layer.<layer version>``; ``_src_path`` records ``scaffold://layer/<key>.git``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from .. import __version__
from ..errors import BadInput, ScaffoldError, TemplateFailure
from ..templates import is_copier_template
from . import builtin, snapshot
from .cache import LAYER_PREFIX, layers_dir, locked
from .compose import compose
from .fetch import checkout, is_remote, split_ref
from .layers import Layer, LayerError, is_layer, load_layer

BUILTIN_NAMES = ("builtin", "built-in")


class TemplateVersionMissing(ScaffoldError):
    """The template version a project was made from cannot be found or rebuilt on this machine."""


@dataclass(frozen=True)
class Resolved:
    src_path: str  # what copier is given and records as _src_path
    vcs_ref: str | None
    kind: str  # "builtin" | "layer" | "copier"
    display: str
    trusted: bool  # scaffold-managed content: its migrations may run without --trust
    forced: Mapping[str, Any] = field(default_factory=dict)
    plain_copy: Path | None = None  # a plain checkout of exactly that version, faster for copier to render


def resolve_new(source: str | None) -> Resolved:
    """The template ``scaffold new --template SOURCE`` renders from (materialised in the cache if needed)."""
    location, ref = split_ref(source or "builtin")
    if location in BUILTIN_NAMES:  # builtin@0.1.0: an older version that is in the cache
        tag = builtin_tag(ref.removeprefix("v")) if ref else builtin.ensure_installed()
        plain = snapshot.exported(builtin.repo_path(), tag)
        return Resolved(
            builtin.BUILTIN_URL, tag, "builtin", f"built-in template {tag}", True, plain_copy=plain
        )
    if is_remote(location):
        with tempfile.TemporaryDirectory(prefix="scaffold-source-") as scratch:
            fetched = checkout(location, ref, Path(scratch) / "source")
            if is_layer(fetched):
                return materialize_layer(fetched, location)
        return Resolved(location, ref, "copier", f"{location}{'@' + ref if ref else ''}", trusted=False)
    path = Path(location).expanduser()
    if not path.is_dir():
        raise TemplateFailure(f"Template not found: {source} is not a directory (nor a gh:/git URL).")
    path = path.resolve()
    if is_layer(path):
        if ref is None:
            return materialize_layer(path, str(path))
        with tempfile.TemporaryDirectory(prefix="scaffold-source-") as scratch:
            return materialize_layer(checkout(str(path), ref, Path(scratch) / "source"), str(path))
    if not is_copier_template(path):
        raise TemplateFailure(
            f"{source} is not a copier template (no copier.yml) nor a layer (no layer.yml)."
        )
    return Resolved(str(path), ref, "copier", f"{path}{'@' + ref if ref else ''}", trusted=False)


def layer_key(name: str, source: str) -> str:
    """The composed repository's name: readable, and distinct for two layers that share a name."""
    return f"{name}-{hashlib.sha256(source.encode()).hexdigest()[:10]}"


def layer_tag(base_version: str, layer_version: str) -> str:
    """``v<base>+layer.<layer>``: copier orders by the base version, PEP 440 then by the layer's."""
    return f"v{base_version}+layer.{layer_version}"


def layer_version_of(tag: str) -> str | None:
    _, separator, local = tag.partition("+layer.")
    return local if separator else None


def materialize_layer(layer_root: Path, source: str) -> Resolved:
    """Compose the layer at ``layer_root`` with its pinned base and tag the result in the layers cache."""
    layer = load_layer(layer_root)
    with tempfile.TemporaryDirectory(prefix="scaffold-compose-") as scratch:
        base_dir, base_version, trusted = fetch_base(layer, Path(scratch))
        composed = compose(layer, base_dir, Path(scratch) / "composed", source=source)
        key = layer_key(layer.name, source)
        repo = layers_dir() / f"{key}.git"
        tag = layer_tag(base_version, layer.version)
        with locked(layers_dir()):
            snapshot.ensure_bare_repo(repo)
            tree = snapshot.write_tree(repo, composed.directory)
            existing = snapshot.tag_trees(repo).get(tag)
            if existing is None:
                snapshot.add_tag(repo, tag, snapshot.commit(repo, tree, f"{layer.name} {layer.version}"))
            elif existing != tree:
                raise LayerError(
                    f"Layer {layer.name} {layer.version} changed since it was first used on this machine; "
                    f"bump version in {layer.root}/layer.yml so projects can update from the old one."
                )
    display = f"the organisation layer {layer.name} {layer.version} (on {describe_base(layer)})"
    plain = snapshot.exported(repo, tag)
    return Resolved(f"{LAYER_PREFIX}{key}.git", tag, "layer", display, trusted, layer.forced, plain)


def describe_base(layer: Layer) -> str:
    if layer.base_template in BUILTIN_NAMES:
        return f"the built-in template {builtin.tag_for(layer.base_ref)}"
    return f"{layer.base_template}@{layer.base_ref}"


def fetch_base(layer: Layer, scratch: Path) -> tuple[Path, str, bool]:
    """The base template's files at the pinned ref: (directory, its version, trusted)."""
    ref = layer.base_ref
    try:
        version = str(Version(ref))
    except InvalidVersion:
        raise LayerError(
            f"{layer.root}/layer.yml: base.ref must pin a version tag such as 0.1.0 or v1.2.0; got {ref!r}."
        ) from None
    if layer.base_template in BUILTIN_NAMES:
        tag = builtin_tag(ref)
        return snapshot.export(builtin.repo_path(), tag, scratch / "base"), version, True
    base = layer.base_template
    if not is_remote(base):
        path = Path(base).expanduser()
        base = str(path if path.is_absolute() else (layer.root / path).resolve())
    fetched = checkout(base, ref, scratch / "base")
    if not is_copier_template(fetched):
        raise LayerError(f"{layer.root}/layer.yml: base {base}@{ref} is not a copier template.")
    return fetched, version, False


def builtin_tag(version: str) -> str:
    """The cache tag of built-in template ``version`` exactly; this toolkit's own is added when missing."""
    tag = builtin.tag_for(version)
    if not builtin.has_version(tag) and tag == builtin.tag_for(__version__):
        builtin.ensure_installed()
    if builtin.has_version(tag):
        return tag
    raise missing_builtin(tag)


def missing_builtin(tag: str) -> TemplateVersionMissing:
    have = ", ".join(builtin.versions()) or "none"
    return TemplateVersionMissing(
        f"The built-in template {tag} is not in this machine's template cache ({builtin.repo_path()}; it "
        f"has: {have}). Add it with `scaffold template import PATH`, PATH being agent-scaffold {tag[1:]} "
        "(a checkout, its installed package directory or its .whl file), or copy that directory from the "
        "machine that generated the project."
    )


def check_forced(forced: Mapping[str, Any], data: Mapping[str, Any], owner: str) -> None:
    """Refuse answers that contradict a layer's forced ones, before copier says it less clearly."""
    for key, value in data.items():
        if key in forced and _normalized(value) != _normalized(forced[key]):
            raise BadInput(
                f"{key} is fixed to {forced[key]!r} by {owner}; it cannot be changed, drop {key}=..."
            )


def _normalized(value: Any) -> Any:
    return sorted(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
