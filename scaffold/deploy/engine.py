"""Deploy and destroy one target of a project: lock, read state, build, plan, (confirm), execute, record.

The commands are thin wrappers over ``deploy``/``destroy`` here, and tests and the benchmark call these
directly with their own ``AwsOptions`` and artifact builder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..environments.guardrails import effective_guardrails
from ..environments.settings import Environment, load_environment
from ..errors import BadInput, TargetNotEnabled
from ..packaging.artifact import Artifact
from ..project import Project
from . import artifacts
from .aws import AwsContext, aws_errors
from .config import TargetSettings, answer, load_settings
from .errors import NoCredentials, NotDeployed
from .executor import execute
from .lock import DeployLock
from .naming import UNKNOWN_ACCOUNT, Names
from .offline import plan_from_state
from .options import AwsOptions
from .plan import Action, Plan, plan_deploy, plan_destroy
from .policies import Scope
from .progress import Progress
from .state import DeployState, check_matches, load_state, new_state, now
from .targets import deployer_for
from .targets.base import DeployedInvoke, Target, TargetDeployer

if TYPE_CHECKING:
    from ..invoke_client import InvokeResult

Confirm = Callable[[Plan], bool]


@dataclass
class Outcome:
    plan: Plan
    applied: bool
    outputs: dict[str, str] = field(default_factory=dict)
    duration_s: float = 0.0
    notice: str = ""  # one line worth telling (an offline plan made because no credentials were found)

    def to_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "plan": self.plan.to_json(),
            "outputs": self.outputs,
            "duration_s": round(self.duration_s, 3),
        }


def open_target(
    project: Project,
    target: str,
    options: AwsOptions,
    *,
    need_state: bool,
    overrides: Mapping[str, Any] | None = None,
) -> Target:
    opened = _read_project(project, target, options, need_state=need_state, overrides=overrides)
    aws = AwsContext(
        region=_region(project, options, opened), profile=options.profile, endpoint_url=options.endpoint_url
    )
    if opened.state is not None:
        check_matches(opened.state, region=aws.region, account_id=aws.account_id)
    check_account(opened.environment, aws.account_id)
    names = Names(
        project.project_name,
        project.package_name,
        target,
        aws.account_id,
        aws.region,
        opened.environment.name,
    )
    scope = Scope(aws.partition, aws.region, aws.account_id)
    return Target(
        project, target, opened.settings, names, scope, opened.deployer, opened.state, aws, opened.environment
    )


@dataclass(frozen=True)
class _Opened:
    """Everything about a target that needs no AWS: its deployer, environment, settings and state."""

    deployer: TargetDeployer
    environment: Environment
    settings: TargetSettings
    state: DeployState | None


def _read_project(
    project: Project,
    target: str,
    options: AwsOptions,
    *,
    need_state: bool,
    overrides: Mapping[str, Any] | None,
) -> _Opened:
    deployer = deployer_for(target)
    if not project.has_target(target):
        enabled = ", ".join(project.targets) or "none"
        raise TargetNotEnabled(
            f"{project.project_name} was not generated with the '{target}' target (its targets: {enabled})."
        )
    environment = load_environment(project.root, options.environment)
    effective_guardrails(project, environment)  # an environment contradicting its layer stops here
    settings = load_settings(project, target, deployer.defaults, overrides, environment=environment)
    deployer.check(project, settings)
    state = load_state(project.root, target, environment.name)
    if state is None and need_state:
        where = "" if environment.is_default else f" --env {environment.name}"
        raise NotDeployed(
            f"{project.project_name} has no recorded {target} deployment"
            f"{' in ' + environment.name if where else ''}; run: scaffold deploy --target {target}{where}"
        )
    return _Opened(deployer, environment, settings, state)


def _region(project: Project, options: AwsOptions, opened: _Opened) -> str:
    """``--region``, else the environment's, else the recorded state's, else the project's answer; an
    environment that names its region refuses a different ``--region``."""
    declared = opened.environment.settings.region
    if declared and options.region and options.region != declared:
        raise BadInput(
            f"Environment {opened.environment.name} is in {declared} ({opened.environment.source.name}); "
            f"--region {options.region} contradicts it."
        )
    state_region = opened.state.region if opened.state else None
    region = options.region or declared or state_region or answer(project, "aws_region") or None
    if not region:
        raise BadInput("No AWS region: pass --region or answer aws_region in the project.")
    return str(region)


def check_account(environment: Environment, account_id: str) -> None:
    """The environment's account guard: credentials of another account never deploy into it."""
    expected = environment.settings.account_id
    if expected and account_id != expected:
        raise NoCredentials(
            f"Environment {environment.name} is account {expected} ({environment.source.name}), but these "
            f"credentials are for {account_id}; use that account's profile (--profile)."
        )


def plan_offline(
    project: Project,
    target: str,
    options: AwsOptions,
    *,
    progress: Progress | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Outcome:
    """The plan from the recorded state alone (``offline.plan_offline``): no AWS call at all."""
    started = time.monotonic()
    progress = progress or Progress()
    opened = _read_project(project, target, options, need_state=False, overrides=overrides)
    deployer, settings, state = opened.deployer, opened.settings, opened.state
    region = _region(project, options, opened)
    account = state.account_id if state else opened.environment.settings.account_id or UNKNOWN_ACCOUNT
    names = Names(
        project.project_name, project.package_name, target, account, region, opened.environment.name
    )
    partition = (
        "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    )
    scope = Scope(partition, region, account)
    # Its AWS context is never asked for a client: nothing here calls AWS.
    session = Target(
        project,
        target,
        settings,
        names,
        scope,
        deployer,
        state,
        AwsContext(region=region),
        opened.environment,
    )
    artifact = _build(session, progress)
    steps = plan_from_state(deployer.resources(session, artifact), state, session.context(progress))
    plan = Plan(
        project.project_name,
        target,
        region,
        account,
        steps,
        artifact.summary() if artifact else None,
        offline=True,
        environment=opened.environment.name,
    )
    return Outcome(plan, applied=False, duration_s=time.monotonic() - started)


def deploy(
    project: Project,
    target: str,
    options: AwsOptions,
    *,
    plan_only: bool = False,
    offline: bool = False,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    overrides: Mapping[str, Any] | None = None,
    artifact: Artifact | None = None,
    promoted_from: str | None = None,
) -> Outcome:
    """``overrides``: settings given on the command line (``--image``), over pyproject.toml's. A plan is made
    offline (from the recorded state alone) when asked, or when no AWS credentials are found. ``artifact``:
    deploy this one instead of building (a promotion, which names its source environment)."""
    started = time.monotonic()
    progress = progress or Progress()
    if plan_only and (
        offline or not AwsContext(region="us-east-1", profile=options.profile).has_credentials()
    ):
        outcome = plan_offline(project, target, options, progress=progress, overrides=overrides)
        if not offline:
            outcome.notice = "No AWS credentials found: planning offline, from the recorded state only."
        return outcome
    lock: AbstractContextManager[Any] = (
        nullcontext() if plan_only else DeployLock(project.root, target, options.environment)
    )
    with lock:
        session = open_target(project, target, options, need_state=False, overrides=overrides)
        state = session.state or new_state(
            project.root,
            project.project_name,
            target,
            session.aws.region,
            session.aws.account_id,
            session.environment.name,
        )
        if artifact is None:
            artifact = _build(session, progress)
        resources = session.deployer.resources(session, artifact)
        ctx = session.context(progress)
        with aws_errors(f"read the current {target} deployment"):
            steps = plan_deploy(resources, state, ctx)
        plan = Plan(
            project.project_name,
            target,
            session.aws.region,
            session.aws.account_id,
            steps,
            artifact.summary() if artifact else None,
            notes=session.deployer.notes(session) if hasattr(session.deployer, "notes") else [],
            environment=session.environment.name,
        )
        if plan_only or (
            plan.changes
            and any(s.action is Action.DELETE for s in plan.changes)
            and not _confirmed(plan, confirm)
        ):
            return Outcome(plan, applied=False, duration_s=time.monotonic() - started)
        where = f"{project.project_name} ({target}, {session.environment.name}) in {session.aws.region}"
        progress.line(f"Deploying {where}: {plan.summary()}." if plan.changes else f"No changes for {where}.")
        source = _recorded_source(project, promoted_from, session)
        domain = session.environment.settings.domain or None  # where callers reach it (fastapi shows it)
        state.mark("in_progress", started_at=now(), artifact=plan.artifact, domain=domain, **source)
        execute(steps, state, ctx)
        state.mark("complete", finished_at=now())
        return Outcome(
            plan, applied=True, outputs=session.deployer.outputs(state), duration_s=time.monotonic() - started
        )


def destroy(
    project: Project,
    target: str,
    options: AwsOptions,
    *,
    plan_only: bool = False,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
) -> Outcome:
    started = time.monotonic()
    progress = progress or Progress()
    lock: AbstractContextManager[Any] = (
        nullcontext() if plan_only else DeployLock(project.root, target, options.environment)
    )
    with lock:
        session = open_target(project, target, options, need_state=True)
        state = session.state
        assert state is not None
        ctx = session.context(progress)
        resources = session.deployer.resources(session, None)
        with aws_errors(f"read the current {target} deployment"):
            steps = plan_destroy(resources, state, ctx)
        plan = Plan(
            project.project_name, target, state.region, state.account_id, steps, environment=state.environment
        )
        if plan_only or not _confirmed(plan, confirm):
            return Outcome(plan, applied=False, duration_s=time.monotonic() - started)
        state.mark("destroying", started_at=now())
        execute(steps, state, ctx)
        state.delete_file()
        return Outcome(plan, applied=True, duration_s=time.monotonic() - started)


def invoke_deployed(
    project: Project, target: str, options: AwsOptions, call: DeployedInvoke, on_text: Callable[[str], None]
) -> InvokeResult:
    session = open_target(project, target, options, need_state=True)
    assert session.state is not None
    return session.deployer.invoke(session.state, session.aws, call, on_text)


def deployed_outputs(project: Project, target: str, options: AwsOptions) -> dict[str, str]:
    """What the last deploy of ``target`` recorded (ids, ARNs), without calling AWS."""
    session = open_target(project, target, options, need_state=True)
    assert session.state is not None
    return session.deployer.outputs(session.state)


def log_source(project: Project, target: str, options: AwsOptions) -> tuple[AwsContext, str]:
    """The AWS context and log group of a deployed target."""
    session = open_target(project, target, options, need_state=True)
    assert session.state is not None
    group = session.deployer.log_group(session.state)
    if not group:
        raise NotDeployed(f"No log group is recorded for {target}; run: scaffold deploy --target {target}")
    return session.aws, group


def _recorded_source(project: Project, promoted_from: str | None, session: Target) -> dict[str, Any]:
    """What a deploy records of the code it ships: the project's source digest (``promote`` compares it),
    and for a promotion the environment it came from (whose digest it keeps: the same code)."""
    from .promote import source_digest, source_state

    if promoted_from is None:
        return {"source_sha256": source_digest(project), "promoted_from": None}
    source = source_state(project, session.name, promoted_from)
    return {"source_sha256": source.deployment.get("source_sha256"), "promoted_from": promoted_from}


def _build(session: Target, progress: Progress) -> Artifact | None:
    options = session.deployer.artifact_options(session)
    if options is None:
        return None
    started = time.monotonic()
    progress.line(f"Building the {session.name} artifact ({options.arch}) …")
    built = artifacts.build(
        session.project,
        session.name,
        arch=options.arch,
        python_version=options.python_version,
        progress=progress,
    )
    progress.line(
        f"  built {built.size_bytes / 1e6:.1f} MB, sha256 {built.sha256[:12]} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return built


def _confirmed(plan: Plan, confirm: Confirm | None) -> bool:
    if not plan.changes:
        return True
    if confirm is None:
        raise BadInput("This plan deletes resources; pass --yes to apply it without a prompt.")
    return confirm(plan)
