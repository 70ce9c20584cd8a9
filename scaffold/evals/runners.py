"""Where ``scaffold eval`` runs the cases: the project's core in this process (the runtime's ``CoreRunner``),
a running server, or a deployed target.

Every runner answers one turn with the wire-contract reply (a dict: text, usage, metrics with the tool
trajectory), so the same checks see the same data whatever the transport, and the results agree.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path
from typing import Any

from ..app_launcher import describe_failure
from ..deploy.options import AwsOptions
from ..errors import BadInput, ExitCode, ScaffoldError
from ..project import Project


class HttpRunner:
    """A running server (``scaffold serve``, or anything speaking the wire contract) at ``url``."""

    supports_faults = False

    def __init__(self, url: str, *, token: str | None = None, timeout_s: float = 300.0) -> None:
        from ..invoke_client import invocation_url

        self.url = invocation_url(url)
        self.label = self.url
        self.token = token
        self.timeout_s = timeout_s

    def ask(self, prompt: str, session_id: str) -> dict[str, Any]:
        from ..invoke_client import InvokeRequest, invoke

        request = InvokeRequest(
            url=self.url, prompt=prompt, session_id=session_id, stream=False, timeout_s=self.timeout_s
        )
        if self.token:
            return _invoke_with_token(request, self.token)
        return invoke(request, lambda _chunk: None).reply

    def faults_enabled(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


class DeployedRunner:
    """A deployed target, called the way ``scaffold invoke --target`` calls it (the deploy state). The
    target is opened once, up front, so a target never deployed or missing credentials is one clear error
    (exit 5, 8) before any case runs."""

    supports_faults = False

    def __init__(
        self,
        project: Project,
        target: str,
        aws: AwsOptions,
        token: str | None,
    ) -> None:
        from ..deploy.engine import open_target

        self.session = open_target(project, target, aws, need_state=True)
        self.token = token
        self.label = f"target {target}"

    def ask(self, prompt: str, session_id: str) -> dict[str, Any]:
        from ..deploy.targets.base import DeployedInvoke
        from ..invoke_client import InvokeRequest

        request = InvokeRequest(url="", prompt=prompt, session_id=session_id, stream=False)
        session = self.session
        assert session.state is not None
        result = session.deployer.invoke(
            session.state, session.aws, DeployedInvoke(request, self.token), lambda _chunk: None
        )
        return result.reply

    def faults_enabled(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


def _invoke_with_token(request: Any, token: str) -> dict[str, Any]:
    """A JSON invocation with a bearer token (the invoke client sends none to a plain URL)."""
    import httpx

    from ..errors import ConnectionFailed, ServerError
    from ..invoke_client import error_detail

    try:
        response = httpx.post(
            request.url,
            json=request.payload(),
            headers={**request.headers(), "Authorization": f"Bearer {token}"},
            timeout=request.timeout_s,
        )
    except httpx.HTTPError as exc:
        raise ConnectionFailed(f"The request to {request.url} failed: {exc or type(exc).__name__}") from None
    if not response.is_success:
        detail, _ = error_detail(_json_or_none(response), response.text)
        raise ServerError(f"The server at {request.url} answered {response.status_code}: {detail}")
    reply: dict[str, Any] = response.json()
    return reply


def _json_or_none(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def core_runner(project: Project) -> Any:
    from agent_scaffold_runtime.evals import CoreRunner

    return CoreRunner(import_core(project))


def import_core(project: Project) -> Any:
    """``<package>.agent`` from ``project.root``; a same-named package from elsewhere is dropped first, so
    two projects with one package name never see each other's code."""
    root = str(project.root)
    package = project.package_name
    loaded = sys.modules.get(package)
    if loaded is not None and not str(getattr(loaded, "__file__", "") or "").startswith(root + "/"):
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]
    if root in sys.path:
        sys.path.remove(root)
    sys.path.insert(0, root)  # first, so this project's package wins over any other on the path
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(f"{package}.agent")
    except ImportError as exc:
        raise BadInput(f"Cannot import the core {package}.agent from {Path(root)}: {exc}") from None
    except Exception as exc:  # a bad setting or broken project code: one line, as `scaffold serve` says it
        message, code = describe_failure(exc, project.root)
        raise (BadInput(message) if code == ExitCode.BAD_INPUT else ScaffoldError(message)) from None
    if not hasattr(module, "call_agent"):
        raise BadInput(f"{package}.agent has no call_agent(); is {root} an agent-scaffold project?")
    return module
