"""Check ``--data``/``configure`` answers against the template's questions before copier sees them.

Copier silently ignores an answer to a question it does not have (a typo such as ``auht=jwt`` is lost
without a word) and raises a bare ``TypeError`` with a traceback for ``targets=local`` on a multiselect
question. Both are caught here and turned into one clear line, or, for the bare value, into what the user
evidently meant: a one-item list (``targets=local,lambda`` is two items).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import BadInput

CONFIG_NAMES = ("copier.yml", "copier.yaml")


def questions_in(template_dir: Path) -> dict[str, Any]:
    """The questions of the copier template at ``template_dir``; ``{}`` without a readable copier.yml."""
    import yaml

    config = next((template_dir / name for name in CONFIG_NAMES if (template_dir / name).is_file()), None)
    if config is None:
        return {}
    try:
        # libyaml's safe loader when PyYAML has it: the same documents, ~20x faster on the built-in copier.yml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loaded = yaml.load(config.read_text(encoding="utf-8"), Loader=loader) or {}
    except (OSError, yaml.YAMLError):  # copier reports a broken copier.yml itself, with its own message
        return {}
    return questions_of(loaded)


def questions_of(loaded: Any) -> dict[str, Any]:
    """The question entries of a loaded ``copier.yml`` (settings start with ``_``)."""
    if not isinstance(loaded, dict):
        return {}
    return {str(key): value for key, value in loaded.items() if not str(key).startswith("_")}


def check_answers(data: Mapping[str, Any], questions: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with unknown keys refused and multiselect answers given as a bare value made into a list.

    With no questions known (a template whose copier.yml could not be read here) ``data`` passes unchanged.
    """
    if not questions:
        return dict(data)
    unknown = sorted(key for key in data if key not in questions)
    if unknown:
        raise BadInput(unknown_question_message(unknown, questions))
    return {key: _as_declared(key, value, questions[key]) for key, value in data.items()}


def unknown_question_message(unknown: list[str], questions: Mapping[str, Any]) -> str:
    answerable = sorted(key for key, question in questions.items() if not _is_constant(question))
    names = ", ".join(repr(key) for key in unknown)
    noun = "question" if len(unknown) == 1 else "questions"
    return f"The template has no {noun} {names}; its questions are: {', '.join(answerable)}."


def _is_constant(question: Any) -> bool:
    """A computed value (``when: false``) such as ``package_name``: not something to answer."""
    return isinstance(question, dict) and question.get("when") is False


def _as_declared(key: str, value: Any, question: Any) -> Any:
    if not (isinstance(question, dict) and question.get("multiselect")):
        return value
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    raise BadInput(f"{key} takes a list of values, got {value!r}. Example: --data {key}='[local,lambda]'")
