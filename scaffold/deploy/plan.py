"""The planner: desired models against recorded state and against what AWS reports, into ordered steps.

For each model, in order: observe it (read calls only), then decide. Missing in AWS: create (or recreate, when
the state says we made it: it was deleted out of band). Present but not ours and not recorded: stop, never
adopt a stranger. Present and ours: update the fields AWS reports differently, else nothing (an interrupted
create is adopted). Recorded resources the models no longer contain are deleted, last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from .context import DeployContext
from .errors import ResourceConflict
from .handlers.base import Observed, handler_for
from .models import UNKNOWN, Resource
from .state import DeployState, Record


class Action(str, Enum):
    CREATE = "create"
    RECREATE = "recreate"
    UPDATE = "update"
    DELETE = "delete"
    ADOPT = "adopt"  # found from an interrupted run: recorded, no call
    UNCHANGED = "unchanged"


MUTATING = frozenset({Action.CREATE, Action.RECREATE, Action.UPDATE, Action.DELETE})
_SYMBOL = {
    Action.CREATE: "+",
    Action.RECREATE: "+",
    Action.UPDATE: "~",
    Action.DELETE: "-",
    Action.ADOPT: "=",
    Action.UNCHANGED: " ",
}
#: Record fields that change whenever their resource is updated (a new version): refs to them are unknown.
VOLATILE = ("version",)
RETIRED = "retired"  # a record kept only so destroy removes it (see Handler.retire_replaced)
EXTERNAL = "external"  # a record of something used but not made by scaffold (a given image): never deleted


@dataclass
class Step:
    key: str
    kind: str
    name: str
    action: Action
    reason: str = ""
    changes: list[str] = field(default_factory=list)
    resource: Resource | None = None
    observed: Observed | None = None
    record: Record | None = None  # for deletes: what to delete
    unknown: list[str] = field(default_factory=list)  # offline plans: what only AWS could tell

    @property
    def mutating(self) -> bool:
        return self.action in MUTATING

    def describe(self) -> str:
        detail = (
            f" ({', '.join(self.changes)})" if self.changes else (f" ({self.reason})" if self.reason else "")
        )
        unknown = f"  ? unknown without AWS: {', '.join(self.unknown)}" if self.unknown else ""
        return f"{_SYMBOL[self.action]} {self.action.value:<9} {self.kind:<20} {self.name}{detail}{unknown}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "name": self.name,
            "action": self.action.value,
            "reason": self.reason,
            "changes": self.changes,
            "unknown": self.unknown,
        }


class Deployment(Protocol):
    """Which deployment a plan or a status report speaks of."""

    project: str
    target: str
    environment: str
    region: str
    account_id: str


def deployment_json(report: Deployment) -> dict[str, Any]:
    """The keys a plan's and a status report's ``--json`` start with, in this order."""
    return {
        "project": report.project,
        "target": report.target,
        "environment": report.environment,
        "region": report.region,
        "account_id": report.account_id,
    }


@dataclass
class Plan:
    project: str
    target: str
    region: str
    account_id: str
    steps: list[Step]
    artifact: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  # what the reader must know about this deployment
    offline: bool = False  # planned from the recorded state alone, without calling AWS
    environment: str = "dev"

    @property
    def changes(self) -> list[Step]:
        return [step for step in self.steps if step.mutating]

    def counts(self) -> dict[str, int]:
        counts = {action.value: 0 for action in Action}
        for step in self.steps:
            counts[step.action.value] += 1
        return counts

    def summary(self, *, done: bool = False) -> str:
        counts = self.counts()
        created = counts["create"] + counts["recreate"]
        verbs = ("created", "updated", "deleted") if done else ("to create", "to update", "to delete")
        return (
            f"{created} {verbs[0]}, {counts['update']} {verbs[1]}, {counts['delete']} {verbs[2]}, "
            f"{counts['unchanged'] + counts['adopt']} unchanged"
        )

    def render(self, verb: str = "deploy") -> str:
        how = " (offline: from the recorded state; ? marks what only AWS can tell)" if self.offline else ""
        lines = [
            f"Plan to {verb} {self.project} ({self.target}, environment {self.environment}) "
            f"in {self.region}, "
            f"account {self.account_id}{how}:"
        ]
        lines += [f"  {step.describe()}" for step in self.steps]
        lines += [f"Note: {note}" for note in self.notes]
        if self.artifact and self.artifact.get("sha256"):
            lines.append(f"Artifact: sha256:{self.artifact['sha256']}")
        lines.append(self.summary() + ".")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            **deployment_json(self),
            "artifact": self.artifact,
            "offline": self.offline,
            "steps": [step.to_json() for step in self.steps],
            "counts": self.counts(),
            "notes": self.notes,
        }


def plan_deploy(resources: list[Resource], state: DeployState, ctx: DeployContext) -> list[Step]:
    steps = []
    replaced: list[Step] = []
    for res in resources:
        handler = handler_for(res.kind)
        record = state.resources.get(res.key)
        if record is not None and not handler.same_identity(res, record, ctx):
            replaced += replaced_deletes(res.key, record)
            record = None  # a new resource takes the key (the executor keeps tracking the old one if needed)
        observed = handler.observe(res, record, ctx)
        if observed is None:
            predicted = handler.predict(res, ctx)
            if predicted is not None:
                ctx.outputs[res.key] = predicted
            action = Action.RECREATE if record else Action.CREATE
            reason = "missing in AWS: deleted outside scaffold" if record else "new"
            label = res.label(ctx.outputs)
            steps.append(Step(res.key, res.kind, label, action, reason, resource=res))
            continue
        if not observed.owned and record is None:
            raise ResourceConflict(
                f"A {res.kind} named {res.display_name} already exists and was not created by scaffold for "
                f"{ctx.names.project} ({ctx.names.target}); rename or remove it, then deploy again."
            )
        ctx.outputs[res.key] = observed.record
        changes = handler.diff(res, observed, ctx)
        if changes:
            ctx.outputs[res.key] = {**observed.record, **{name: UNKNOWN for name in VOLATILE}}
            action, reason = Action.UPDATE, ""
        elif record is None:
            action, reason = Action.ADOPT, observed.found
        else:
            action, reason = Action.UNCHANGED, ""
        steps.append(Step(res.key, res.kind, res.label(ctx.outputs), action, reason, changes, res, observed))
    wanted = {res.key for res in resources}
    for key, record in reversed(list(state.resources.items())):
        if key not in wanted and not record.get(RETIRED) and not record.get(EXTERNAL):
            steps.append(delete_step(key, record, "no longer part of the configuration"))
        elif record.get(RETIRED) and handler_for(str(record.get("kind"))).delete_replaced:
            steps.append(delete_step(key, record, "replaced"))
    return steps + replaced


def replaced_deletes(key: str, record: Record) -> list[Step]:
    """The delete of a recorded resource a new one replaces, for kinds deleted once replaced (under the
    key the executor retires it to, so deleting it forgets that record)."""
    handler = handler_for(str(record.get("kind")))
    if not handler.delete_replaced:
        return []
    retired = f"{key}@{record.get(handler.identity_key)}"
    return [delete_step(retired, record, "replaced")]


def plan_destroy(resources: list[Resource], state: DeployState, ctx: DeployContext) -> list[Step]:
    """Everything recorded, plus what the models find by name and tag (leftovers of an interrupted run);
    never what scaffold only used (``EXTERNAL``)."""
    found: list[Step] = []
    for res in resources:
        record = state.resources.get(res.key)
        observed = handler_for(res.kind).observe(res, record, ctx)
        if observed is None:
            continue
        ctx.outputs[res.key] = observed.record
        if observed.owned or record is not None:
            found.append(
                delete_step(res.key, {"kind": res.kind, **observed.record}, "", res.label(ctx.outputs))
            )
    modelled = {res.key for res in resources}
    orphans = [
        delete_step(key, record, "recorded")
        for key, record in reversed(list(state.resources.items()))
        if key not in modelled and not record.get(EXTERNAL)
    ]
    return orphans + list(reversed(found))


def delete_step(key: str, record: Record, reason: str, name: str | None = None) -> Step:
    shown = name or str(record.get("name") or record.get("key") or record.get("sid") or key)
    return Step(key, str(record.get("kind", "?")), shown, Action.DELETE, reason, record=record)
