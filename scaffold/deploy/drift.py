"""What a deploy applied, remembered per property, so ``status`` can name every property changed outside
scaffold and an offline plan can name every property a deploy would change.

Each record keeps ``applied``: for every property its handler manages (``Handler.desired``), a digest of
the value the deploy converged it to. Digests, not values: the state file never holds more than the names
AWS gave us, and a digest is enough to say *that* (and which) property differs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .handlers.base import contains_unknown, normal

APPLIED = "applied"


def fingerprint(value: Any) -> str:
    """A digest of ``value`` as the handlers compare it: empty values are one value, key order is none."""
    value = normal(value)
    if value in ({}, []):
        value = None
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def applied(desired: Mapping[str, Any]) -> dict[str, str]:
    """The ``applied`` entry for a resource converged to ``desired`` (values not known yet are left out)."""
    return {name: fingerprint(value) for name, value in desired.items() if not contains_unknown(value)}


def drifted(recorded: Mapping[str, str] | None, actual: Mapping[str, Any]) -> list[str]:
    """The recorded properties AWS now reports differently (only those AWS reported are compared)."""
    if not recorded:
        return []
    return [
        name for name, digest in recorded.items() if name in actual and fingerprint(actual[name]) != digest
    ]
