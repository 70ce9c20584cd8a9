"""The per-kind handler contract, and the table the planner and executor look handlers up in.

A handler reads a resource from AWS (``observe``, read calls only), says which fields differ from the model
(``diff``), and makes the calls that converge it (``create``/``update``/``delete``). Every method returns the
record to store: the identifiers AWS gave us, never an absolute path or a secret.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..context import DeployContext
from ..models import UNKNOWN, Resource
from ..state import Record

R = TypeVar("R", bound=Resource)
T = TypeVar("T")


@dataclass
class Observed:
    """A resource as AWS reports it now."""

    record: Record  # what to store if we keep it (identity and outputs)
    actual: dict[str, Any] = field(default_factory=dict)  # its configuration, in the model's terms
    owned: bool = True  # tagged (or recorded) as created by this project and target
    detail: str = ""  # a status worth showing (READY, Active)
    found: str = "found from an interrupted deploy"  # why it is adopted when not recorded yet


class Handler(Generic[R]):
    kind: str = ""
    #: When a new resource replaces a recorded one (``same_identity`` is False), keep tracking the old one
    #: so destroy still removes it (a log group named after a runtime that was recreated), instead of
    #: forgetting it (a code object: its bucket prefix is emptied on destroy anyway).
    retire_replaced: bool = False
    #: ... and delete it at the end of the deploy that replaced it (and of any later one, if that failed):
    #: an old IAM role left behind by a new name prefix, which nothing uses any more.
    delete_replaced: bool = False
    identity_key: str = "name"  # the record field that tells one such resource from another

    def observe(self, res: R, record: Record | None, ctx: DeployContext) -> Observed | None:
        raise NotImplementedError

    def same_identity(self, res: R, record: Record, ctx: DeployContext) -> bool:
        """Whether ``record`` names the resource ``res`` describes (a new code object is a new resource)."""
        return True

    def predict(self, res: R, ctx: DeployContext) -> Record | None:
        """Outputs known before the resource exists (an IAM role's ARN follows from its name), so what refers
        to them is not planned as changed when the resource is only being (re)created."""
        return None

    def desired(self, res: R, ctx: DeployContext) -> dict[str, Any]:
        """The model's configuration, refs resolved, in the same terms as ``Observed.actual``."""
        return {}

    def diff(self, res: R, observed: Observed, ctx: DeployContext) -> list[str]:
        return changed_fields(self.desired(res, ctx), observed.actual)

    def create(self, res: R, ctx: DeployContext) -> Record:
        raise NotImplementedError

    def update(self, res: R, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        raise NotImplementedError

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        """Delete what ``record`` names; False when it was already gone."""
        raise NotImplementedError

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        """Status from the record alone (no model): does it still exist, and in what state."""
        raise NotImplementedError


def recorded_or_named(
    record: Record | None, get: Callable[[str], T | None], find: Callable[[], T | None]
) -> tuple[T | None, bool]:
    """The resource by the id the state recorded, else by its name (one a deploy created and was stopped
    before recording); and whether it was the recorded one, which makes it this project's without a tag
    check. For the kinds AWS identifies by a generated id, not by the name the model gives them."""
    found = get(record["id"]) if record and record.get("id") else None
    if found is not None:
        return found, True
    return find(), False


HANDLERS: dict[str, Handler[Any]] = {}


def register(kind: str) -> Callable[[type[Handler[Any]]], type[Handler[Any]]]:
    def add(cls: type[Handler[Any]]) -> type[Handler[Any]]:
        cls.kind = kind
        HANDLERS[kind] = cls()
        return cls

    return add


def handler_for(kind: str) -> Handler[Any]:
    from . import (  # noqa: F401 - registers
        agentcore,
        alarms,
        cloudformation,
        container_image,
        http_api,
        iam,
        lambda_function,
        lambda_url,
        logs,
        memory,
        s3,
    )

    return HANDLERS[kind]


def changed_fields(desired: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Names of the desired fields AWS reports differently. A desired ``None`` means absent or empty."""
    changed = []
    for name, want in desired.items():
        have = actual.get(name)
        if contains_unknown(want):
            changed.append(name)
        elif want in (None, {}, []) and have in (None, {}, []):
            continue
        elif normal(want) != normal(have):
            changed.append(name)
    return changed


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def normal(value: Any) -> Any:
    """``value`` as compared: tuples are lists, empty entries of mappings are left out."""
    if isinstance(value, tuple):
        return [normal(v) for v in value]
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if v not in (None, {}, [])}
    return value


def tags_to_dict(tags: Any) -> dict[str, str]:
    """IAM/S3 list-of-pairs tags, or a plain mapping, as a dict."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t.get("Key")): str(t.get("Value")) for t in tags or [] if isinstance(t, dict)}


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
