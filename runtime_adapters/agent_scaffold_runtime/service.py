"""The request pipeline every adapter shares: identity, the traced and time-bounded core, one log line.

Adapters own their transport (HTTP framing, Lambda events, status lines). Everything between a decoded
request and the reply happens here once, so the four targets cannot drift: who the caller is (verified
credentials only), the W3C trace parent, the request timeout, error mapping, and the metrics log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from .auth import Authenticator, build_authenticator
from .config_check import check_configuration
from .errors import AdapterError, from_agent_failure
from .identity import Principal
from .protocol import InvocationRequest, Limits
from .reply import AgentReply, new_session_id
from .sse import event_for
from .streaming import AgentSource, AgentStream, StreamAgent, produce_into, run_sync
from .telemetry import (
    MetricsConfig,
    TelemetryConfig,
    TraceCapture,
    configure_json_logging,
    emit_request_metrics,
    extract_trace_context,
    log_request,
    setup_telemetry,
    traced_stream,
)
from .telemetry.metrics import prepare as prepare_metrics

logger = logging.getLogger("agent_scaffold_runtime")


@dataclass(frozen=True)
class Call:
    """One accepted request: verified caller, validated body, and where its trace continues."""

    principal: Principal
    request: InvocationRequest
    session_id: str
    parent: Any
    started: float


class AgentService:
    def __init__(
        self,
        agent: AgentSource,
        *,
        target: str,
        defaults: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
        authenticator: Authenticator | None = None,
        log_level: str = "INFO",
    ) -> None:
        defaults = dict(defaults or {})
        self.agent = agent
        self.target = target
        self.limits = limits or Limits.from_env()
        self.authenticator = authenticator or build_authenticator(
            str(defaults.get("auth", "none")), None, defaults, target=target
        )
        check_configuration(defaults)  # a missing setting stops the start, naming its variable
        self.telemetry = TelemetryConfig.from_env(defaults=defaults)
        self.metrics = MetricsConfig.from_env(defaults=defaults)
        prepare_metrics(self.metrics)
        setup_telemetry(self.telemetry)
        configure_json_logging(os.environ.get("AGENT_LOG_LEVEL") or log_level)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        """Server startup: start importing the core in the background, so ``/ping`` answers at once."""
        preload = getattr(self.agent, "preload_in_background", None)
        if preload is not None:
            preload()
        yield

    # -- accepting a request -------------------------------------------------------------------------------

    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        """For synchronous targets (Lambda): a key fetch, when one is needed, blocks this thread."""
        return self.authenticator.authenticate(headers, request_context)

    async def authenticate_async(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        """For servers: an authenticator that may fetch keys awaits them, so the event loop never waits on
        the identity provider (``/ping`` and callers with cached keys go on while a fetch runs).
        ``request_context`` is what a platform in front verified (the Lambda Web Adapter's IAM caller)."""
        verify = getattr(self.authenticator, "authenticate_async", None)
        if verify is not None:
            return cast(Principal, await verify(headers))
        return self.authenticator.authenticate(headers, request_context)

    def accept(
        self, principal: Principal, request: InvocationRequest, headers: Mapping[str, str], started: float
    ) -> Call:
        return Call(
            principal=principal,
            request=request,
            session_id=request.session_id or new_session_id(),
            parent=extract_trace_context(headers),
            started=started,
        )

    def rejected(self, error: AdapterError, *, started: float, principal: Principal | None = None) -> None:
        """Log a request refused before the core ran (bad body, bad token): it still gets its line."""
        self._log(
            None, principal=principal, session_id=None, status=error.status, error=error, started=started
        )

    # -- running the core ----------------------------------------------------------------------------------

    async def reply(self, call: Call) -> AgentReply:
        """Run the core to its final reply in the calling task (JSON responses)."""
        capture = TraceCapture()
        try:
            stream = await self._open(call, capture)
            reply: AgentReply | None = None
            async with contextlib.aclosing(stream):
                async for item in stream:
                    if isinstance(item, AgentReply):
                        reply = item
            if reply is None:
                raise AdapterError("The agent stream ended without a reply.")
        except Exception as exc:
            error = self._failure(exc)
            self._log(call, status=error.status, error=error, capture=capture)
            raise error from exc
        self._log(call, reply=reply, status=200, capture=capture)
        return reply

    async def events(self, call: Call) -> AsyncIterator[Any]:
        """SSE events; returns only once the first item exists, so an early failure is an error status.

        The core's stream runs in ONE producer task feeding a bounded queue: Strands attaches tracing
        context inside its generator, and a generator resumed from another task (the response's) cannot
        detach it. A failure after the first event becomes one ``{"error": …}`` event.
        """
        capture = TraceCapture()
        try:
            stream = await self._open(call, capture)
        except Exception as exc:
            error = self._failure(exc)
            self._log(call, status=error.status, error=error, capture=capture)
            raise error from exc
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=64)
        producer = asyncio.create_task(produce_into(queue, stream))
        kind, value = await queue.get()
        if kind != "item":
            producer.cancel()
            error = self._failure(value) if kind == "error" else AdapterError("The agent stream ended early.")
            self._log(call, status=error.status, error=error, capture=capture)
            raise error
        return self._drain(call, value, queue, producer, capture)

    async def _drain(
        self,
        call: Call,
        first: Any,
        queue: asyncio.Queue[tuple[str, Any]],
        producer: asyncio.Task[None],
        capture: TraceCapture,
    ) -> AsyncIterator[Any]:
        reply: AgentReply | None = None
        error: AdapterError | None = None
        streamed_text = False
        try:
            item: Any = first
            while True:
                if isinstance(item, AgentReply):
                    reply = item
                    if not streamed_text and item.text:
                        # An answer that never streamed (a run limit's message, a cached reply) still
                        # reaches clients that show only chunks, like the command line.
                        yield event_for(item.text)
                else:
                    streamed_text = streamed_text or bool(item)
                yield event_for(item)
                kind, item = await queue.get()
                if kind == "end":
                    return
                if kind == "error":
                    error = self._failure(item)
                    yield error.body()
                    return
        finally:
            # The client went away (or we finished): never leave the agent running for nobody.
            if not producer.done():
                producer.cancel()
            status = error.status if error else (200 if reply else 499)
            self._log(call, reply=reply, status=status, error=error, capture=capture)

    def reply_sync(self, call: Call) -> AgentReply:
        """For synchronous targets (Lambda): the same pipeline on a private event loop."""
        try:
            return run_sync(lambda: self.reply(call))
        finally:
            self._flush()

    def events_sync(self, call: Call) -> list[Any]:
        async def collect() -> list[Any]:
            events = await self.events(call)
            return [event async for event in events]

        try:
            return run_sync(collect)
        finally:
            self._flush()

    async def _open(self, call: Call, capture: TraceCapture) -> AsyncGenerator[str | AgentReply, None]:
        from .run_limits import RunLimits, with_request_timeout  # imports Strands: not at cold start

        stream_agent = await self._resolve()
        request = call.request

        def start() -> AgentStream:
            return stream_agent(
                call.principal.user_id,
                request.prompt,
                session_id=call.session_id,
                context=dict(request.context),
                principal=call.principal,
                target=self.target,
            )

        traced = traced_stream(start, call.parent, capture=capture)
        bounded = with_request_timeout(traced, RunLimits.from_env().request_timeout_s)
        return cast(AsyncGenerator["str | AgentReply", None], bounded)

    async def _resolve(self) -> StreamAgent:
        """``agent.stream``, imported off the event loop the first time (it imports Strands: ~0.5 s)."""
        try:
            if getattr(self.agent, "is_loaded", True):
                return self.agent.stream
            return await asyncio.to_thread(lambda: self.agent.stream)
        except Exception as exc:
            logger.exception("Loading the agent failed")
            raise AdapterError(f"The agent could not be loaded ({type(exc).__name__}).") from exc

    def _failure(self, exc: BaseException) -> AdapterError:
        if not isinstance(exc, AdapterError):
            logger.error("Agent invocation failed", exc_info=exc)
        return from_agent_failure(exc)

    def _log(
        self,
        call: Call | None,
        *,
        status: int,
        reply: AgentReply | None = None,
        error: AdapterError | None = None,
        capture: TraceCapture | None = None,
        principal: Principal | None = None,
        session_id: str | None = None,
        started: float | None = None,
    ) -> None:
        """The request's log line and, for a request the agent ran (``call``), its metrics."""
        written = log_request(
            None,
            target=self.target,
            principal=call.principal if call else principal,
            session_id=call.session_id if call else session_id,
            reply=reply,
            status=status,
            error_code=error.code if error else None,
            started=call.started if call else (started or time.monotonic()),
            prompt=call.request.prompt if call else None,
            config=self.telemetry,
            trace_id=capture.trace_id if capture else None,
        )
        if call is not None and written is not None:
            emit_request_metrics(self.metrics, written, reply)

    def _flush(self) -> None:
        if self.telemetry.mode != "none":
            from .telemetry import flush_telemetry

            flush_telemetry()
