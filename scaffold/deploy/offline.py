"""``scaffold deploy --plan --offline``: a plan from the recorded state alone, for code review in CI.

No AWS call is made. Each model is compared with its record: no record is a create; a record is compared
property by property with the digests the last deploy applied (``drift``), so a changed setting, code or
environment shows as an update naming the property. What only AWS could tell is marked on each step
("? unknown without AWS"): whether a name is free, whether a recorded resource still exists and still
matches what was applied. Used with ``--offline``, and by ``deploy --plan`` when no credentials are found.
"""

from __future__ import annotations

from .context import DeployContext
from .drift import APPLIED, fingerprint
from .handlers.base import contains_unknown, handler_for
from .models import UNKNOWN, Resource
from .plan import EXTERNAL, RETIRED, VOLATILE, Action, Step, delete_step, replaced_deletes
from .state import DeployState

NAME_FREE = "whether the name is free"
STILL_THERE = "whether it still exists unchanged"
NOT_TRACKED = "its properties (recorded before scaffold tracked them)"


def plan_from_state(resources: list[Resource], state: DeployState | None, ctx: DeployContext) -> list[Step]:
    recorded = dict(state.resources) if state else {}
    ctx.outputs.update({key: dict(record) for key, record in recorded.items()})
    steps = []
    replaced: list[Step] = []
    for res in resources:
        handler = handler_for(res.kind)
        record = recorded.get(res.key)
        if record is not None and not handler.same_identity(res, record, ctx):
            replaced += replaced_deletes(res.key, record)
            record = None  # a new resource takes the key (a new code object)
        if record is None:
            ctx.outputs.pop(res.key, None)
            steps.append(Step(res.key, res.kind, res.label(ctx.outputs), Action.CREATE, "new", resource=res))
            steps[-1].unknown = [NAME_FREE]
            continue
        applied = record.get(APPLIED)
        desired = handler.desired(res, ctx)
        changes = (
            [
                name
                for name, value in desired.items()
                if contains_unknown(value) or applied.get(name) != fingerprint(value)
            ]
            if isinstance(applied, dict)
            else []
        )
        if changes:
            ctx.outputs[res.key] = {**record, **{name: UNKNOWN for name in VOLATILE}}
        action = Action.UPDATE if changes else Action.UNCHANGED
        step = Step(res.key, res.kind, res.label(ctx.outputs), action, "", changes, res)
        step.unknown = (
            [STILL_THERE] if isinstance(applied, dict) or not desired else [STILL_THERE, NOT_TRACKED]
        )
        steps.append(step)
    wanted = {res.key for res in resources}
    for key, record in reversed(list(recorded.items())):
        if key not in wanted and not record.get(RETIRED) and not record.get(EXTERNAL):
            steps.append(delete_step(key, record, "no longer part of the configuration"))
        elif record.get(RETIRED) and handler_for(str(record.get("kind"))).delete_replaced:
            steps.append(delete_step(key, record, "replaced"))
    return steps + replaced
