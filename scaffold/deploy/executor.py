"""The executor: makes the calls each step needs, in order, and records every step as soon as it completes.

A failed call stops the run with the state written up to the last completed step (and the deployment marked
``failed`` with the error), so the next run plans from there: finished steps come out unchanged, the failed
one is retried. A step with nothing to do makes no call at all.
"""

from __future__ import annotations

from .aws import aws_errors
from .context import DeployContext
from .drift import APPLIED, applied
from .handlers.base import handler_for
from .plan import RETIRED, Action, Step
from .state import DeployState, Record, now


def execute(steps: list[Step], state: DeployState, ctx: DeployContext) -> None:
    changes = [step for step in steps if step.mutating]
    done = 0
    try:
        for step in steps:
            if not step.mutating:
                if step.observed is not None:
                    state.resources[step.key] = {
                        "kind": step.kind,
                        **step.observed.record,
                        **_applied(step, ctx),
                    }
                continue
            done += 1
            ctx.progress.line(f"  [{done}/{len(changes)}] {step.action.value} {step.kind} {step.name}")
            with aws_errors(f"{step.action.value} {step.kind} {step.name}"):
                record = _run(step, ctx)
            if record is None:
                state.forget(step.key)
            else:
                ctx.outputs[step.key] = record
                _retire_replaced(state, step, record)
                state.record(step.key, {"kind": step.kind, **record, **_applied(step, ctx)})
    except Exception as exc:
        state.mark("failed", error=str(exc), failed_at=now())
        raise
    state.save()


def _applied(step: Step, ctx: DeployContext) -> Record:
    """What the step converged the resource to, per managed property (``drift``): status compares it."""
    if step.resource is None:
        return {}
    digests = applied(handler_for(step.kind).desired(step.resource, ctx))
    return {APPLIED: digests} if digests else {}


def _retire_replaced(state: DeployState, step: Step, record: Record) -> None:
    """Keep tracking a resource the new one replaces under this key, so that destroy still removes it."""
    old, handler = state.resources.get(step.key), handler_for(step.kind)
    identity = handler.identity_key
    if old and handler.retire_replaced and old.get(identity) != record.get(identity):
        state.resources[f"{step.key}@{old.get(identity)}"] = {**old, RETIRED: True}


def _run(step: Step, ctx: DeployContext) -> Record | None:
    handler = handler_for(step.kind)
    if step.action is Action.DELETE:
        assert step.record is not None
        handler.delete(step.record, ctx)
        return None
    assert step.resource is not None
    if step.action is Action.UPDATE:
        assert step.observed is not None
        return handler.update(step.resource, step.observed, step.changes, ctx)
    return handler.create(step.resource, ctx)
