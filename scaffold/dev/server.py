"""The dev server: the project's own ASGI app, wrapped with the playground's routes.

``create_app`` is a uvicorn factory (``--factory``), called in the worker process each time the reloader
starts it. In order, it installs the span collector (before anything could create a tracer), starts the
local issuer and points the app at it when the project uses ``auth=jwt``, switches memory to the file
backend when production memory is remote, then imports the project's entrypoint module unchanged.

``/`` and ``/_dev/*`` are the playground's; every other request and the lifespan go to the project's app,
so ``/invocations`` and ``/ping`` behave exactly as under ``scaffold serve``. Strands is not imported here:
the project's app loads the agent core in the background after startup, as it does in production.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .config import DevConfig
from .history import session_directory, stored_messages
from .issuer import LocalIssuer
from .spans import SpanCollector, install_collector

STATIC_DIR = Path(__file__).parent / "static"
DEV_PREFIX = "/_dev/"
MAX_TRACE_WAIT_S = 10.0
_TRACE_POLL_S = 0.02
MAX_SUBJECT_CHARS = 128
MAX_NAMES = 20


class DevApp:
    """Dispatch: the playground's paths to the dev routes, everything else (and the lifespan) to the app."""

    def __init__(self, project_app: ASGIApp, dev_routes: ASGIApp) -> None:
        self.project_app = project_app
        self.dev_routes = dev_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == "/" or path.startswith(DEV_PREFIX)):
            await self.dev_routes(scope, receive, send)
        else:
            await self.project_app(scope, receive, send)


def create_app() -> DevApp:
    """The uvicorn factory; see the module docstring."""
    config = DevConfig.from_env()
    collector = SpanCollector()
    issuer: LocalIssuer | None = None
    if not config.remote:
        install_collector(collector, service_name=config.project_name, otlp_endpoint=config.otlp_endpoint)
        os.environ.setdefault("AGENT_LOG_PROMPTS", "true")  # tool input and output in the local spans
        os.environ["AGENT_MEMORY"] = config.memory
        if config.memory == "file":
            os.environ["AGENT_SESSION_DIR"] = config.session_dir
        if config.auth == "iam":
            os.environ["AGENT_AUTH"] = "none"  # a browser cannot sign SigV4 requests; the page says so
        if config.auth == "jwt":
            issuer = LocalIssuer()
            issuer.start()
            os.environ.update(issuer.app_environment())
        project_app = load_app(config.app)
    else:
        from .remote import remote_app

        project_app = remote_app(config)
    return DevApp(project_app, dev_routes(config, collector, issuer))


def load_app(reference: str) -> Any:
    """``package.module:attribute``, imported as uvicorn would."""
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def dev_routes(config: DevConfig, collector: SpanCollector, issuer: LocalIssuer | None) -> Starlette:
    boot_id = uuid.uuid4().hex
    started = time.time()

    async def page(_: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def info(_: Request) -> Response:
        return JSONResponse(
            {
                "boot_id": boot_id,
                "started": started,
                "project": config.project_name,
                "target": config.target,
                "auth": "jwt" if issuer else ("remote" if config.remote else "none"),
                "production_auth": config.auth,
                "issuer": issuer.url if issuer else None,
                "allowed_scopes": config.allowed_scopes,
                "required_groups": config.required_groups,
                "memory": {
                    "dev": config.memory,
                    "production": config.production_memory,
                    "session_dir": config.session_dir if config.memory == "file" else None,
                },
                "traces": not config.remote,
                "remote": config.remote_url or config.deployed_target,
            },
            headers={"Cache-Control": "no-store"},
        )

    async def session_traces(request: Request) -> Response:
        session_id = request.query_params.get("session", "")
        if not session_id:
            return _error(400, "invalid_request", "Name the session: /_dev/traces?session=ID.")
        return JSONResponse({"session_id": session_id, "trace_ids": collector.traces_for_session(session_id)})

    async def traces(request: Request) -> Response:
        trace_id = request.path_params["trace_id"].lower()
        if len(trace_id) != 32 or any(c not in "0123456789abcdef" for c in trace_id):
            return _error(400, "invalid_request", "A trace id is 32 hex digits.")
        wait = min(_float(request.query_params.get("wait")), MAX_TRACE_WAIT_S)
        deadline = time.monotonic() + wait
        while not collector.settled(trace_id) and time.monotonic() < deadline:
            await asyncio.sleep(_TRACE_POLL_S)
        return JSONResponse({"trace_id": trace_id, "spans": collector.trace(trace_id)})

    async def history(request: Request) -> Response:
        if config.remote or config.memory != "file":
            return JSONResponse({"backend": config.memory, "messages": [], "stored": False})
        from agent_scaffold_runtime.identity import ANONYMOUS, Principal

        user = request.query_params.get("user", "").strip()
        principal = Principal(user_id=user, auth_method="jwt") if issuer and user else ANONYMOUS
        try:
            directory = session_directory(
                Path(config.project_root, config.session_dir), principal.namespace, request.path_params["sid"]
            )
        except ValueError as error:
            return _error(400, "invalid_request", str(error))
        messages = await asyncio.to_thread(stored_messages, directory)
        return JSONResponse(
            {"backend": "file", "directory": str(directory), "messages": messages, "stored": True}
        )

    async def token(request: Request) -> Response:
        if issuer is None:
            return _error(404, "not_found", "The project does not use auth=jwt; there is no local issuer.")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "invalid_json", "The body is not JSON.")
        if not isinstance(body, dict):
            return _error(400, "invalid_request", "The body must be a JSON object.")
        subject = body.get("sub")
        scopes, groups = body.get("scopes", []), body.get("groups", [])
        if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_CHARS:
            return _error(
                400, "invalid_request", f"sub must be a non-empty string of at most {MAX_SUBJECT_CHARS}."
            )
        if not _names(scopes) or not _names(groups):
            return _error(
                400, "invalid_request", f"scopes and groups must be lists of at most {MAX_NAMES} names."
            )
        access_token = issuer.mint(subject.strip(), scopes, groups)
        return JSONResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/_dev/info", info),
            Route("/_dev/traces", session_traces),
            Route("/_dev/traces/{trace_id}", traces),
            Route("/_dev/sessions/{sid}/history", history),
            Route("/_dev/oidc/token", token, methods=["POST"]),
            Mount("/_dev/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )


async def _not_found(_: Request, __: Exception) -> Response:
    return _error(404, "not_found", "No such playground route.")


async def _not_allowed(_: Request, __: Exception) -> Response:
    return _error(405, "method_not_allowed", "Method not allowed on this playground route.")


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


def _float(raw: str | None) -> float:
    try:
        return max(0.0, float(raw or 0))
    except ValueError:
        return 0.0


def _names(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= MAX_NAMES
        and all(
            isinstance(item, str) and 0 < len(item) <= MAX_SUBJECT_CHARS and " " not in item for item in value
        )
    )
