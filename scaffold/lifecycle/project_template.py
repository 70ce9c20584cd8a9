"""The template an existing project was generated from: is its version here, and which one is newer?

A project records ``_src_path`` and ``_commit`` (the template version). Copier needs that exact version again
for every update - it renders it as the base of its three-way merge - so before running copier scaffold
makes sure it exists on this machine, rebuilding it where it can:

- built-in: this toolkit's own version is re-added from the package; any other must be in the cache;
- layer: the composed version is rebuilt from the layer source recorded in the answers file (a git-hosted
  layer at its ``v<version>`` tag, or a local layer directory that still has that version);
- any other template: copier fetches it from ``_src_path``; a local path must still exist.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..project import Project
from . import builtin, snapshot
from .cache import BUILTIN_PREFIX, LAYER_PREFIX, layers_dir
from .compose import LAYER_ANSWER, METADATA_FILE
from .fetch import checkout, is_remote, release_tags, tag_for_version
from .gitutil import run_git
from .layers import is_layer, load_layer
from .sources import TemplateVersionMissing, builtin_tag, layer_version_of, materialize_layer


@dataclass(frozen=True)
class ProjectTemplate:
    src_path: str
    commit: str
    kind: str  # "builtin" | "layer" | "copier"
    layer_source: str | None = None
    layer_name: str | None = None
    forced: dict[str, Any] = field(default_factory=dict)
    trusted: bool = False

    @property
    def display(self) -> str:
        if self.kind == "builtin":
            return f"built-in template {self.commit}"
        if self.kind == "layer":
            return f"layer {self.layer_name} ({self.layer_source}) {self.commit}"
        return f"{self.src_path} {self.commit}"


def project_template(project: Project) -> ProjectTemplate:
    """Where ``project``'s template lives, with the recorded version made available (or a precise error)."""
    src = project.answers.get("_src_path")
    commit = project.answers.get("_commit")
    if not isinstance(src, str) or not isinstance(commit, str) or not commit:
        raise BadInput(
            f"{project.root}/.copier-answers.yml records no versioned template (_src_path and _commit), "
            "so copier cannot merge changes into it; create a project with scaffold new and move your code."
        )
    if src.startswith(BUILTIN_PREFIX):
        builtin_tag(commit.removeprefix("v"))
        return ProjectTemplate(src, commit, "builtin", trusted=True)
    if src.startswith(LAYER_PREFIX):
        return _layer_template(project, src, commit)
    if not is_remote(src) and not Path(src).expanduser().exists():
        raise TemplateVersionMissing(
            f"The project's template {src} (from .copier-answers.yml) does not exist on this machine; set "
            "_src_path there to where that template's git repository is here, commit, and run this again."
        )
    return ProjectTemplate(src, commit, "copier")


def _layer_template(project: Project, src: str, commit: str) -> ProjectTemplate:
    record = project.answers.get(LAYER_ANSWER)
    source = record.get("source") if isinstance(record, dict) else None
    name = record.get("name") if isinstance(record, dict) else None
    repo = layers_dir() / src.removeprefix(LAYER_PREFIX)
    if commit not in snapshot.tag_trees(repo):
        if not isinstance(source, str):
            raise TemplateVersionMissing(
                f"The composed layer template {src} {commit} is not in this machine's cache and the answers "
                f"file records no {LAYER_ANSWER} source to rebuild it from."
            )
        _rebuild_layer(source, commit, src)
    metadata = _metadata(repo, commit)
    return ProjectTemplate(
        src,
        commit,
        "layer",
        layer_source=source if isinstance(source, str) else None,
        layer_name=str(name or metadata.get("name") or "layer"),
        forced=dict(metadata.get("forced") or {}),
        trusted=str((metadata.get("base") or {}).get("template")) in ("builtin", "built-in"),
    )


def _rebuild_layer(source: str, commit: str, src: str) -> None:
    version = layer_version_of(commit)
    unavailable = f"the layer version {version} ({commit}) that this project was generated from"
    if version is None:
        raise TemplateVersionMissing(f"{src} {commit} is not a scaffold layer version; cannot rebuild it.")
    path = Path(source)
    if not is_remote(source) and path.is_dir() and is_layer(path) and load_layer(path).version == version:
        materialize_layer(path, source)
        return
    tag = tag_for_version(source, version) if is_remote(source) or path.is_dir() else None
    if tag is None:
        raise TemplateVersionMissing(
            f"Cannot rebuild {unavailable}: {source} has no tag v{version} and is not a layer directory at "
            f"that version. Put that version back there (or tag it v{version}) and run this again, or copy "
            f"{layers_dir()} from the machine that generated the project."
        )
    with tempfile.TemporaryDirectory(prefix="scaffold-layer-") as scratch:
        materialize_layer(checkout(source, tag, Path(scratch) / "layer"), source)


def _metadata(repo: Path, commit: str) -> dict[str, Any]:
    import json

    shown = run_git(["show", f"{commit}:{METADATA_FILE}"], env={"GIT_DIR": str(repo)}, check=False)
    if shown.returncode != 0:
        return {}
    loaded = json.loads(shown.stdout.decode())
    return loaded if isinstance(loaded, dict) else {}


def newest_ref(template: ProjectTemplate, to: str | None) -> str | None:
    """The ref to update to: ``--to`` (a version or tag), else the newest release this machine can reach."""
    if template.kind == "builtin":
        return builtin_tag(to.removeprefix("v")) if to else builtin.ensure_installed()
    if template.kind == "layer":
        return _newest_layer(template, to)
    if to:
        return to
    tags = (
        release_tags(template.src_path)
        if is_remote(template.src_path) or Path(template.src_path).is_dir()
        else []
    )
    return tags[-1][1] if tags else None


def _newest_layer(template: ProjectTemplate, to: str | None) -> str:
    source = template.layer_source
    if source is None:
        raise TemplateVersionMissing(
            f"The answers file records no {LAYER_ANSWER} source; cannot find newer versions."
        )
    path = Path(source)
    local_layer = not is_remote(source) and path.is_dir() and is_layer(path)
    if to is None and local_layer:
        resolved = materialize_layer(path, source)  # a local layer directory: its current content
    else:
        ref = to if to else (release_tags(source)[-1][1] if release_tags(source) else None)
        if to and tag_for_version(source, to.removeprefix("v")):
            ref = tag_for_version(source, to.removeprefix("v"))
        with tempfile.TemporaryDirectory(prefix="scaffold-layer-") as scratch:
            resolved = materialize_layer(checkout(source, ref, Path(scratch) / "layer"), source)
    assert resolved.vcs_ref is not None
    return resolved.vcs_ref


def forced_at(template: ProjectTemplate, ref: str) -> dict[str, Any]:
    """The forced answers of the layer version ``ref`` (an update applies the new ones)."""
    if template.kind != "layer":
        return {}
    repo = layers_dir() / template.src_path.removeprefix(LAYER_PREFIX)
    return dict(_metadata(repo, ref).get("forced") or {})
