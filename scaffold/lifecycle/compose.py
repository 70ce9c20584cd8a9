"""Compose an organisation layer with its base template into one ordinary copier template directory.

The result is the base template with: question defaults replaced (``defaults``), questions fixed
(``forced``: the default, choices narrowed to the value, a validator refusing anything else), the layer's
own questions added and ``files/`` laid over the rendered subdirectory. ``scaffold-layer.json`` at its root
says what was composed; the answers file it renders records the layer's source (``_scaffold_layer``) so a
project can find the layer again on another machine, and the IAM guardrails the layer forces (``iam``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layers import Layer, LayerError
from .snapshot import template_files

METADATA_FILE = "scaffold-layer.json"
LAYER_ANSWER = "_scaffold_layer"
_CONFIG_NAMES = ("copier.yml", "copier.yaml")


@dataclass
class Composition:
    directory: Path
    subdirectory: str
    added: list[str] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)
    forced: dict[str, Any] = field(default_factory=dict)
    iam: dict[str, Any] = field(default_factory=dict)


def compose(layer: Layer, base: Path, destination: Path, *, source: str) -> Composition:
    """Write the composed template into ``destination`` (which must not exist)."""
    shutil.copytree(base, destination, ignore=shutil.ignore_patterns(".git"), symlinks=True)
    config_path = next((destination / n for n in _CONFIG_NAMES if (destination / n).is_file()), None)
    if config_path is None:
        raise LayerError(f"The base template {layer.base_template}@{layer.base_ref} has no copier.yml.")
    config = _load(config_path)
    subdirectory = str(config.get("_subdirectory") or "")
    for key, value in layer.defaults.items():
        question = _question(config, key, layer, "defaults")
        _check_choice(question, key, value, layer, "defaults")
        question["default"] = value
    for key, value in layer.forced.items():
        _force(_question(config, key, layer, "forced"), key, value, layer)
    for key, question in layer.questions.items():
        if key in config:
            raise LayerError(f"{layer.root}/layer.yml: questions.{key} already exists in the base template.")
        config[key] = question
    if not subdirectory:  # the metadata file must not be rendered into projects
        config["_exclude"] = [*config.get("_exclude", []), METADATA_FILE]
    _dump(config_path, config)
    result = Composition(destination, subdirectory, forced=dict(layer.forced), iam=dict(layer.iam))
    _overlay(layer, destination / subdirectory, result)
    _record_source(destination / subdirectory, layer, source)
    metadata = {
        "name": layer.name,
        "version": layer.version,
        "source": source,
        "base": {"template": layer.base_template, "ref": layer.base_ref},
        "defaults": layer.defaults,
        "forced": layer.forced,
        # only when set: a layer composed before guardrails existed composes to the same tree
        **({"iam": layer.iam} if layer.iam else {}),
    }
    (destination / METADATA_FILE).write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    return result


def read_metadata(template_dir: Path) -> dict[str, Any] | None:
    path = template_dir / METADATA_FILE
    if not path.is_file():
        return None
    loaded = json.loads(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else None


def _question(config: dict[str, Any], key: str, layer: Layer, section: str) -> dict[str, Any]:
    question = config.get(key)
    if key.startswith("_") or key not in config:
        raise LayerError(
            f"{layer.root}/layer.yml: {section}.{key}: the base template has no question {key!r}."
        )
    if not isinstance(question, dict):  # "key: value" shorthand: a question with only a default
        question = config[key] = {"default": question}
    return question


def _choice_values(question: dict[str, Any]) -> list[Any] | None:
    choices = question.get("choices")
    if isinstance(choices, dict):
        return list(choices.values())
    if isinstance(choices, list):
        return [c[1] if isinstance(c, list) and len(c) == 2 else c for c in choices]
    return None


def _check_choice(question: dict[str, Any], key: str, value: Any, layer: Layer, section: str) -> None:
    allowed = _choice_values(question)
    if allowed is None:
        return
    wanted = value if question.get("multiselect") and isinstance(value, list) else [value]
    wrong = [item for item in wanted if item not in allowed]
    if wrong:
        raise LayerError(
            f"{layer.root}/layer.yml: {section}.{key}={wrong[0]!r} is not one of "
            f"{', '.join(map(str, allowed))}."
        )


def _force(question: dict[str, Any], key: str, value: Any, layer: Layer) -> None:
    _check_choice(question, key, value, layer, "forced")
    question["default"] = value
    choices = question.get("choices")
    kept = value if isinstance(value, list) else [value]
    if isinstance(choices, dict):
        question["choices"] = {label: v for label, v in choices.items() if v in kept}
    elif isinstance(choices, list):
        question["choices"] = [c for c in choices if (c[1] if isinstance(c, list) else c) in kept]
    literal = json.dumps(value)
    compare = (
        f"({key} | list | sort) != ({literal} | sort)" if isinstance(value, list) else f"{key} != {literal}"
    )
    message = f"{key} is fixed to {literal} by the organisation layer {layer.name}."
    refusal = f"{{% if {compare} %}}{message}{{% endif %}}"
    question["validator"] = refusal + str(question.get("validator") or "")
    question["help"] = f"{question.get('help') or key} [fixed by {layer.name}]"


def _overlay(layer: Layer, target: Path, result: Composition) -> None:
    if not layer.files.is_dir():
        return
    for path in template_files(layer.files):
        relative = path.relative_to(layer.files)
        destination = target / relative
        (result.overridden if destination.exists() else result.added).append(relative.as_posix())
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination, follow_symlinks=False)


def _record_source(rendered_root: Path, layer: Layer, source: str) -> None:
    """Append ``_scaffold_layer: {...}`` to the template's answers file template, if it has the usual one."""
    answers = [p for p in rendered_root.iterdir() if "_copier_conf.answers_file" in p.name and p.is_file()]
    if len(answers) != 1:
        return
    fields: dict[str, Any] = {"name": layer.name, "source": source}
    if layer.iam:  # the forced IAM guardrails, which deploys and exports of the project apply
        fields["iam"] = layer.iam
    record = json.dumps(fields, sort_keys=True)
    text = answers[0].read_text(encoding="utf-8").rstrip("\n")
    answers[0].write_text(f"{text}\n{{% raw %}}{LAYER_ANSWER}: {record}{{% endraw %}}\n", encoding="utf-8")


def _load(path: Path) -> dict[str, Any]:
    import yaml

    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise LayerError(f"{path} is not a mapping of copier settings and questions.")
    return loaded


def _dump(path: Path, config: dict[str, Any]) -> None:
    import yaml

    header = "# Composed by agent-scaffold from an organisation layer and its base template; do not edit.\n"
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=10_000)
    path.write_text(header + body, encoding="utf-8")
