"""The playground against an agent that runs elsewhere: ``scaffold dev --url URL`` or ``--deployed TARGET``.

The page keeps speaking the wire contract to ``/invocations`` of the dev server; here each turn is passed on
through the client ``scaffold invoke`` uses (``scaffold.invoke_client`` for a URL, the deploy engine's
invoker for a deployed target), and its text chunks are streamed back to the page as they arrive. Spans of
a remote agent are not collected here, and the page says so.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..errors import ScaffoldError
from ..invoke_client import InvokeRequest, InvokeResult, invocation_url, invoke
from .config import TOKEN_VARIABLE, DevConfig

Invoker = Callable[[InvokeRequest, str | None, Callable[[str], None]], InvokeResult]


def remote_app(config: DevConfig) -> Starlette:
    invoker = _invoker(config)
    url = invocation_url(config.remote_url) if config.remote_url else "https://deployed.invalid/invocations"

    async def ping(_: Request) -> Response:
        return JSONResponse({"status": "Healthy", "remote": config.remote_url or config.deployed_target})

    async def invocations(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "The body is not JSON.", "code": "invalid_json"}, status_code=400)
        prompt = body.get("prompt") if isinstance(body, dict) else None
        if not isinstance(prompt, str) or not prompt.strip():
            return JSONResponse({"error": "prompt is required.", "code": "invalid_request"}, status_code=400)
        session_id = body.get("session_id") if isinstance(body.get("session_id"), str) else None
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or None
        call = InvokeRequest(url=url, prompt=prompt, session_id=session_id)
        return StreamingResponse(_relay(invoker, call, token), media_type="text/event-stream")

    return Starlette(routes=[Route("/ping", ping), Route("/invocations", invocations, methods=["POST"])])


async def _relay(invoker: Invoker, call: InvokeRequest, token: str | None) -> AsyncIterator[str]:
    """Run the blocking client in a thread; hand its chunks to the event loop as SSE ``data:`` lines."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def on_text(text: str) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, ("text", text))

    def run() -> None:
        try:
            result = invoker(call, token, on_text)
            loop.call_soon_threadsafe(queue.put_nowait, ("done", result.reply))
        except ScaffoldError as error:
            loop.call_soon_threadsafe(queue.put_nowait, ("error", str(error)))
        except Exception as error:  # an AWS or transport error: the page shows it, the stream still ends
            loop.call_soon_threadsafe(queue.put_nowait, ("error", f"{type(error).__name__}: {error}"))

    worker = loop.run_in_executor(None, run)
    while True:
        kind, value = await queue.get()
        if kind == "text":
            yield _event(value)
        elif kind == "done":
            yield _event({"done": True, "text": "", "reply": value})
            break
        else:
            yield _event({"error": value})
            break
    await worker


def _event(value: Any) -> str:
    return f"data: {json.dumps(value)}\n\n"


def _invoker(config: DevConfig) -> Invoker:
    if config.deployed_target:
        target, root = config.deployed_target, Path(config.project_root)

        def deployed(call: InvokeRequest, token: str | None, on_text: Callable[[str], None]) -> InvokeResult:
            from ..deploy.engine import AwsOptions, invoke_deployed
            from ..deploy.targets.base import DeployedInvoke
            from ..project import load_project

            aws = AwsOptions(
                config.aws_region, config.aws_profile, config.aws_endpoint_url, config.aws_environment
            )
            bearer = token or os.environ.get(TOKEN_VARIABLE) or None
            return invoke_deployed(load_project(root), target, aws, DeployedInvoke(call, bearer), on_text)

        return deployed

    def direct(call: InvokeRequest, token: str | None, on_text: Callable[[str], None]) -> InvokeResult:
        return invoke(call, on_text)

    return direct
