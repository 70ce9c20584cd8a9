"""Typed values from environment variables, read one way by every feature's settings (and a project's
own): text, booleans and positive whole numbers. An empty or blank variable counts as unset. A value that
cannot be read is a ``ValueError`` naming the variable, so a typo in a deployment's settings stops the
process with a clear line instead of being taken as the default.

``source`` is the environment (any mapping) or a function of the variable's name: ``answered`` makes the
one every feature's ``from_env`` uses, the environment first and then the project's answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})

Source = Mapping[str, str] | Callable[[str], "str | None"]


def answered(env: Mapping[str, str] | None, answers: Mapping[str, Any] | None) -> Callable[[str], str | None]:
    """A ``Source``: the variable from ``env`` (``os.environ`` when ``None``) when it is set and not blank,
    else the project's answer of that name without ``AGENT_``, lowercased (``AGENT_GUARDRAIL_ID`` ->
    ``guardrail_id``). A deployment's settings win over the answers the project was generated with."""
    environment = os.environ if env is None else env
    fallback = answers or {}

    def read(name: str) -> str | None:
        value = (environment.get(name) or "").strip()
        if value:
            return value
        answer = fallback.get(name.removeprefix("AGENT_").lower())
        return None if answer is None else str(answer)

    return read


def text(source: Source, name: str, default: str = "") -> str:
    """``name`` with surrounding white space removed; unset or blank: ``default``."""
    return _read(source, name) or default


def flag(source: Source, name: str, *, default: bool) -> bool:
    """``name`` as a boolean (``1/true/yes/on``, ``0/false/no/off``, any case); unset or blank: default."""
    value = _read(source, name).lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"{name} must be true or false; got {value!r}.")


def positive_int(source: Source, name: str, *, default: int) -> int:
    """``name`` as a whole number of at least 1; unset or blank: ``default``."""
    value = _read(source, name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number; got {value!r}.") from None
    if number <= 0:
        raise ValueError(f"{name} must be positive; got {number}.")
    return number


def _read(source: Source, name: str) -> str:
    raw = source(name) if callable(source) else source.get(name)
    return (raw or "").strip()
