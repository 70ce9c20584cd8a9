"""Turn ``--data key=value`` and ``--target T`` options into copier's ``data`` mapping.

Lists and mappings (``[local,lambda]``, ``{a: 1}``) are parsed as YAML flow collections here, so
``--data targets='[local,lambda]'`` works for any question. Scalars stay strings on purpose: copier casts them
with the question's declared type (``int``, ``bool``, ``yaml`` ...), which is more precise than guessing here
(YAML 1.1 would turn a ``str`` answer such as ``no`` into ``False``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import BadInput

_COLLECTION_OPENERS = ("[", "{")


def parse_value(raw: str) -> Any:
    text = raw.strip()
    if not text.startswith(_COLLECTION_OPENERS):
        return raw
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "not valid YAML"
        example = "Example: --data targets='[local,lambda]'"
        raise BadInput(f"Could not parse the value {raw!r}: {problem}. {example}") from None


def parse_data(items: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for item in items:
        key, separator, raw = item.partition("=")
        key = key.strip()
        if not separator or not key:
            raise BadInput(f"--data expects key=value, got {item!r}. Example: --data model_provider=bedrock")
        data[key] = parse_value(raw)
    return data


def build_answers(project_name: str, data_items: Sequence[str], targets: Sequence[str]) -> dict[str, Any]:
    """Everything scaffold answers for the template: NAME, then ``--data``, then ``--target``."""
    data = parse_data(data_items)
    if "project_name" in data and data["project_name"] != project_name:
        raise BadInput("The project name comes from NAME; drop --data project_name=...")
    if targets:
        if "targets" in data:
            raise BadInput("Use either --target (repeatable) or --data targets=[...], not both.")
        data["targets"] = list(dict.fromkeys(targets))
    data["project_name"] = project_name
    return data
