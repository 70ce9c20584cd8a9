"""Runaway limits: a request must end, whatever the model or a tool does.

Environment (defaults): ``AGENT_MAX_CYCLES`` (10 model calls), ``AGENT_TOOL_TIMEOUT_SECONDS`` (30, per tool
call), ``AGENT_REQUEST_TIMEOUT_SECONDS`` (120, whole request), ``AGENT_MODEL_MAX_RETRIES`` (2, throttled model
calls), ``AGENT_MODEL_RETRY_DELAY_SECONDS`` (4, first retry delay, doubling). Wiring:
``Agent(hooks=limits.hooks(), retry_strategy=limits.retry_strategy())``, and
``with_request_timeout(stream, limits.request_timeout_s)`` around the core's stream.

* **Cycles.** ``CycleLimit`` cancels the model call after the limit through ``BeforeModelCallEvent.cancel``:
  Strands ends the turn with our message as the answer (history stays valid, nothing raised) and the
  result's ``state["run_limit"]`` is ``"max_cycles"``. Strands' own ``limits={"turns": n}`` stops too, but
  leaves the tool result as the last message, so the reply would be empty.
* **Tool time.** ``ToolTimeout`` (an ``ExecuteToolStage`` middleware) gives the model an error result on
  expiry. Python cannot kill a thread, so a sync ``@tool`` function runs on a daemon thread of its own, not
  asyncio's shared executor: a hung one is abandoned, and neither ``asyncio.run``'s shutdown (Lambda,
  ``call_agent``) nor interpreter exit waits for it. An async tool is cancelled (unless it blocks the loop).
* **Request time.** ``with_request_timeout`` raises ``RequestTimeout`` (504, ``timeout``) and closes the core.
* **Retries.** Strands' ``ModelRetryStrategy`` (``strands/event_loop/_retry.py``, ``Agent(retry_strategy=)``)
  retries ``ModelThrottledException`` up to ``max_attempts`` calls in all: ``max_attempts = retries + 1``.
  For Bedrock, ``bedrock_client_config()`` turns botocore's own retries off, or each Strands attempt would
  hide up to five botocore attempts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import inspect
import os
import sys
import threading
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard, TypeVar

from strands import ModelRetryStrategy
from strands.hooks import (
    AfterModelCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    HookCallback,
    HookProvider,
    HookRegistry,
)
from strands.middleware import (
    ExecuteToolContext,
    ExecuteToolStage,
    MiddlewareNext,
    ToolResultEvent,
    TypedEvent,
)
from strands.tools.decorator import DecoratedFunctionTool
from strands.types.tools import AgentTool, ToolGenerator, ToolResult, ToolSpec, ToolUse

from .errors import AdapterError

T = TypeVar("T")
_COUNTER = "run_limits.model_calls"


class RequestTimeout(AdapterError):
    status = 504
    code = "timeout"


@dataclass(frozen=True)
class RunLimits:
    max_cycles: int = 10
    tool_timeout_s: float = 30.0
    request_timeout_s: float = 120.0
    model_max_retries: int = 2
    retry_delay_s: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunLimits:
        source = os.environ if env is None else env

        def number(name: str, default: float, *, minimum: float = 1) -> float:
            raw = (source.get(name) or "").strip()
            try:
                value = float(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}.") from None
            if value < minimum:
                raise ValueError(f"{name} must be at least {minimum:g}, not {raw}.")
            return value

        return cls(
            max_cycles=int(number("AGENT_MAX_CYCLES", cls.max_cycles)),
            tool_timeout_s=number("AGENT_TOOL_TIMEOUT_SECONDS", cls.tool_timeout_s, minimum=0.001),
            request_timeout_s=number("AGENT_REQUEST_TIMEOUT_SECONDS", cls.request_timeout_s, minimum=0.001),
            model_max_retries=int(number("AGENT_MODEL_MAX_RETRIES", cls.model_max_retries, minimum=0)),
            retry_delay_s=int(number("AGENT_MODEL_RETRY_DELAY_SECONDS", cls.retry_delay_s, minimum=0)),
        )

    def hooks(self) -> list[HookProvider | HookCallback[Any]]:
        """For ``Agent(hooks=...)``; typed as that parameter is, so the list passes straight in."""
        return [CycleLimit(self.max_cycles), ToolTimeout(self.tool_timeout_s)]

    def retry_strategy(self) -> ModelRetryStrategy:
        return ModelRetryStrategy(
            max_attempts=self.model_max_retries + 1,
            initial_delay=self.retry_delay_s,
            max_delay=max(self.retry_delay_s, 60),
        )

    def bedrock_client_config(self) -> Any:
        """A botocore ``Config`` for ``BedrockModel(boto_client_config=...)``: one attempt per Strands try."""
        from botocore.config import Config

        timeout = max(1, int(self.request_timeout_s))
        return Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=timeout)


class CycleLimit(HookProvider):
    """Stop after ``max_cycles`` model calls with our message as the answer.

    Not an exception on purpose: Strands wraps whatever a hook raises into ``EventLoopException``
    (``strands/event_loop/event_loop.py``), so an ``AdapterError`` raised here would reach the adapters as a
    generic agent error, and the partial conversation would end on a tool result.
    """

    def __init__(self, max_cycles: int) -> None:
        self.max_cycles = max_cycles

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(BeforeInvocationEvent, self._reset)
        registry.add_callback(BeforeModelCallEvent, self._check)
        registry.add_callback(AfterModelCallEvent, self._count)

    def _reset(self, event: BeforeInvocationEvent) -> None:
        # Per invocation, in its own state: an agent reused across requests starts each one at zero.
        event.invocation_state[_COUNTER] = 0

    def _count(self, event: AfterModelCallEvent) -> None:
        if event.stop_response is not None:  # a completed call; failed (retried) attempts are not cycles
            event.invocation_state[_COUNTER] = event.invocation_state.get(_COUNTER, 0) + 1

    def _check(self, event: BeforeModelCallEvent) -> None:
        if event.invocation_state.get(_COUNTER, 0) < self.max_cycles:
            return
        message = f"Stopped: the limit of {self.max_cycles} agent cycles (AGENT_MAX_CYCLES) was reached."
        event.invocation_state.setdefault("request_state", {})["run_limit"] = "max_cycles"
        event.cancel = message


class ToolTimeout(HookProvider):
    """Give every tool call at most ``seconds``; see the module docstring for how hung threads are left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._installed: weakref.WeakSet[Any] = weakref.WeakSet()

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        # At each invocation, not at AgentInitializedEvent: a provider added after the agent was built
        # (agent.hooks.add_hook) must not silently leave tools unbounded.
        registry.add_callback(BeforeInvocationEvent, self._install)

    def _install(self, event: BeforeInvocationEvent) -> None:
        if event.agent not in self._installed:
            self._installed.add(event.agent)
            event.agent.add_middleware(ExecuteToolStage, self._wrap)

    async def _wrap(
        self, context: ExecuteToolContext, next_fn: MiddlewareNext[ExecuteToolContext, TypedEvent]
    ) -> AsyncGenerator[TypedEvent, None]:
        if _is_sync_function_tool(context.tool):
            context = context.replace(tool=_OwnThreadTool(context.tool))
        name, seconds = context.tool_use.get("name", "?"), self.seconds

        def timed_out() -> ToolResultEvent:
            message = f"The tool {name!r} did not finish within {seconds:g} seconds; it was stopped."
            result: ToolResult = {
                "toolUseId": context.tool_use["toolUseId"],
                "status": "error",
                "content": [{"text": message}],
            }
            return ToolResultEvent(result, exception=TimeoutError(message))

        async for event in _until(next_fn(context), seconds, timed_out):
            yield event


async def with_request_timeout(stream: AsyncIterator[T], seconds: float) -> AsyncIterator[T]:
    """Yield ``stream``'s items; raise ``RequestTimeout`` once ``seconds`` have passed since the first step
    (the consumer's time between items counts). Only the wait for an item is cancelled; the stream is closed.
    """

    def timed_out() -> T:
        raise RequestTimeout(f"The request did not finish within {seconds:g} seconds.")

    async for item in _until(stream, seconds, timed_out):
        yield item


async def _until(stream: AsyncIterator[T], seconds: float, timed_out: Callable[[], T]) -> AsyncIterator[T]:
    """``stream``'s items until the deadline, then ``timed_out()`` as the last item (or its exception)."""
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        while True:
            try:
                item = await _next_before(stream, deadline)
            except StopAsyncIteration:
                return
            except asyncio.TimeoutError:
                yield timed_out()
                return
            yield item
    finally:
        if (aclose := getattr(stream, "aclose", None)) is not None:
            await aclose()


async def _next_before(iterator: AsyncIterator[T], deadline: float) -> T:
    """The next item or ``asyncio.TimeoutError``. 3.11+ waits in the caller's task, so context variables set
    in the stream (OpenTelemetry spans) hold across items; 3.10 uses ``wait_for`` (a helper task)."""
    if deadline <= asyncio.get_running_loop().time():
        raise asyncio.TimeoutError
    if sys.version_info >= (3, 11):
        async with asyncio.timeout_at(deadline):
            return await iterator.__anext__()
    remaining = deadline - asyncio.get_running_loop().time()
    return await asyncio.wait_for(iterator.__anext__(), remaining)  # pragma: no cover - Python 3.10


def _is_sync_function_tool(tool: Any) -> TypeGuard[DecoratedFunctionTool[Any, Any]]:
    if not isinstance(tool, DecoratedFunctionTool):
        return False
    func = getattr(tool, "__wrapped__", None)
    return func is not None and not (inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func))


class _OwnThreadTool(AgentTool):
    """Runs a sync tool's own ``stream`` (Strands validates, injects and wraps as usual) on a private loop in
    a daemon thread whose executor runs the function inline: one thread per call, abandoned if it hangs."""

    def __init__(self, inner: AgentTool) -> None:
        super().__init__()
        self._inner = inner

    @property
    def tool_name(self) -> str:
        return self._inner.tool_name

    @property
    def tool_spec(self) -> ToolSpec:
        return self._inner.tool_spec

    @property
    def tool_type(self) -> str:
        return self._inner.tool_type

    async def stream(
        self, tool_use: ToolUse, invocation_state: dict[str, Any], **kwargs: Any
    ) -> ToolGenerator:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def post(kind: str, value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the request's loop closed: nobody is waiting any more
                loop.call_soon_threadsafe(queue.put_nowait, (kind, value))

        async def relay() -> None:
            async for event in self._inner.stream(tool_use, invocation_state, **kwargs):
                post("event", event)

        def run() -> None:
            private = asyncio.new_event_loop()
            try:
                private.set_default_executor(_InlineExecutor())
                private.run_until_complete(relay())
                post("done", None)
            except BaseException as exc:
                post("error", exc)
            finally:
                private.close()

        threading.Thread(target=contextvars.copy_context().run, args=(run,), daemon=True).start()
        while (message := await queue.get())[0] == "event":
            yield message[1]
        if message[0] == "error":
            raise message[1]


class _InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs submitted work at once in the submitting thread (the tool's own daemon thread); starts no threads.
    A ``ThreadPoolExecutor`` only because ``loop.set_default_executor`` accepts nothing else."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future
