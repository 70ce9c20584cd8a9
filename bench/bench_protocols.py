"""Per-turn overhead of each protocol adapter over a direct ``stream_agent`` call, and WebSocket vs SSE time
to first chunk, in one run on one generated project (offline model).

* The project: ``copier copy`` of the template with ``protocols=[mcp,a2a,agui]`` (every target), run with
  ``AGENT_MEMORY=none`` (no session files diluting the protocol cost) and ``AGENT_LOG_LEVEL=WARNING``.
* Baseline: the project's own ``stream_agent("bench", PROMPT)`` drained in this process on a running event
  loop (the clients' loop), same prompt, same model.
* Each protocol: its server is the project's entrypoint under uvicorn (one process, one worker, 127.0.0.1),
  and each turn is one prompt through that protocol's real client, from request to final answer:
  HTTP JSON and SSE (``httpx``, keep-alive), WebSocket (one asyncio ``websockets`` connection, a turn per
  prompt), MCP (``tools/call ask_agent`` as the official client sends it to a stateless server, one POST),
  A2A (the ``a2a-sdk`` client, ``message/send``), AG-UI (``POST /invocations`` with a ``RunAgentInput``,
  SSE read to ``RUN_FINISHED``).
  Overhead = median turn - median direct turn; the ratio is median turn / median direct turn.
* Time to first chunk: from sending the prompt to the first text chunk, WebSocket (an open connection)
  vs SSE (a keep-alive ``httpx`` connection), measured in alternating blocks (ABAB) so drift hits both.

Every answer is checked against the direct call's text; a mismatch stops the run.

    .venv/bin/python bench/bench_protocols.py [--quick] [--json] [--turns N]

Target (issue 14): WebSocket first chunk <= SSE first chunk (median, same run).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import _common as c  # bench/ is on sys.path when this file is run as a script

PROMPT = "hello"  # the offline model echoes it, no tool call: the cheapest real turn
EXPECTED = "You said: hello"
APPS = {
    "http": "entrypoints.agentcore_app:app",
    "mcp": "entrypoints.mcp_server:app",
    "a2a": "entrypoints.a2a_server:app",
    "agui": "entrypoints.agui_app:app",
}
ENV = {"AGENT_MEMORY": "none", "AGENT_LOG_LEVEL": "WARNING"}


@contextlib.contextmanager
def project() -> Iterator[c.GeneratedProject]:
    import copier

    with c.temp_dir("bench-protocols-") as parent:
        root = parent / c.PROJECT_NAME
        copier.run_copy(
            str(c.TEMPLATE_DIR),
            root,
            data={"project_name": c.PROJECT_NAME, "protocols": ["mcp", "a2a", "agui"]},
            defaults=True,
            quiet=True,
        )
        yield c.GeneratedProject(root=root, package=c.PACKAGE_NAME)


@contextlib.contextmanager
def servers(generated: c.GeneratedProject) -> Iterator[dict[str, str]]:
    with contextlib.ExitStack() as stack:
        urls: dict[str, str] = {}
        for name, app in APPS.items():
            port = c.free_port()
            argv = c.uvicorn_argv(f"{generated.package}.{app}", port)
            stack.enter_context(c.running_server(argv, cwd=generated.root, env=generated.env(ENV), port=port))
            urls[name] = f"http://{c.HOST}:{port}"
        yield urls


# --- one turn per protocol: each returns the answer text ---------------------------------------------------


def direct_turn(stream_agent: Callable[..., Any], loop: asyncio.AbstractEventLoop) -> str:
    async def drain() -> str:
        text = ""
        async for item in stream_agent("bench", PROMPT):
            if not isinstance(item, str):
                text = item.text
        return text

    return loop.run_until_complete(drain())


class Clients:
    """Open connections reused across turns, as a real client would keep them."""

    def __init__(self, urls: dict[str, str]) -> None:
        import httpx
        from websockets.asyncio.client import connect

        self.urls = urls
        self.http = httpx.Client(timeout=60)
        self.loop = asyncio.new_event_loop()
        self.ws = self.loop.run_until_complete(connect("ws" + urls["http"].removeprefix("http") + "/ws"))
        self.a2a_client: Any = None
        self._a2a_http: Any = None

    def close(self) -> None:
        self.loop.run_until_complete(self.ws.close())
        self.http.close()
        if self._a2a_http is not None:
            self.loop.run_until_complete(self._a2a_http.aclose())
        self.loop.close()

    def http_json(self) -> str:
        response = self.http.post(f"{self.urls['http']}/invocations", json={"prompt": PROMPT})
        return str(response.json()["text"])

    def sse(self, first_chunk: list[float] | None = None) -> str:
        started = time.perf_counter()
        chunks: list[str] = []
        body = {"prompt": PROMPT, "stream": True}
        with self.http.stream("POST", f"{self.urls['http']}/invocations", json=body) as response:
            for line in response.iter_lines():
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    if isinstance(event, str):
                        if not chunks and first_chunk is not None:
                            first_chunk.append(time.perf_counter() - started)
                        chunks.append(event)
        return "".join(chunks)

    def websocket(self, first_chunk: list[float] | None = None) -> str:
        async def turn() -> str:
            started = time.perf_counter()
            await self.ws.send(json.dumps({"prompt": PROMPT}))
            chunks: list[str] = []
            while True:
                event = json.loads(await self.ws.recv())
                if not isinstance(event, str):
                    return "".join(chunks)
                if not chunks and first_chunk is not None:
                    first_chunk.append(time.perf_counter() - started)
                chunks.append(event)

        return self.loop.run_until_complete(turn())

    def mcp(self) -> str:
        """``tools/call`` as the official client sends it on a stateless server (the tests use the client)."""
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call"}
        body["params"] = {"name": "ask_agent", "arguments": {"prompt": PROMPT}}
        headers = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"}
        response = self.http.post(f"{self.urls['mcp']}/mcp", json=body, headers=headers)
        return "".join(block.get("text", "") for block in response.json()["result"]["content"])

    def a2a(self) -> str:
        import httpx
        from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
        from a2a.types import Message, Part, Role, TextPart

        async def call() -> str:
            if self.a2a_client is None:
                self._a2a_http = httpx.AsyncClient(timeout=60)
                card = await A2ACardResolver(self._a2a_http, self.urls["a2a"]).get_agent_card()
                card.url = f"{self.urls['a2a']}/"
                config = ClientConfig(httpx_client=self._a2a_http, streaming=False)
                self.a2a_client = ClientFactory(config).create(card)
            message = Message(
                role=Role.user, parts=[Part(root=TextPart(text=PROMPT))], message_id=str(uuid.uuid4())
            )
            task: Any = None
            async for event in self.a2a_client.send_message(message):
                if isinstance(event, tuple):
                    task = event[0]
            return "".join(
                p.root.text for a in task.artifacts for p in a.parts if isinstance(p.root, TextPart)
            )

        return self.loop.run_until_complete(call())

    def agui(self) -> str:
        from tests.support.agui import run_input

        run = run_input(PROMPT)
        text = ""
        with self.http.stream("POST", f"{self.urls['agui']}/invocations", json=run) as response:
            for line in response.iter_lines():
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event["type"] == "TEXT_MESSAGE_CONTENT":
                        text += event["delta"]
        return text


def timed(turn: Callable[[], str]) -> float:
    started = time.perf_counter()
    answer = turn()
    elapsed = time.perf_counter() - started
    if answer != EXPECTED:
        raise AssertionError(f"wrong answer {answer!r}; expected {EXPECTED!r}")
    return elapsed


def main() -> int:
    args_parser = c.parser(__doc__.splitlines()[0])
    args_parser.add_argument(
        "--turns", type=int, default=0, help="turns per protocol (default 200, quick 30)"
    )
    args = args_parser.parse_args()
    turns = args.turns or (30 if args.quick else 200)
    with project() as generated:
        sys.path.insert(0, str(generated.root))
        import os

        os.environ.update(ENV)
        os.environ.pop("AGENT_MODEL_PROVIDER", None)
        agent = __import__(f"{generated.package}.agent", fromlist=["stream_agent"])
        with servers(generated) as urls:
            clients = Clients(urls)
            try:
                kinds: dict[str, Callable[[], str]] = {
                    "direct stream_agent": lambda: direct_turn(agent.stream_agent, clients.loop),
                    "HTTP JSON": clients.http_json,
                    "SSE": clients.sse,
                    "WebSocket": clients.websocket,
                    "MCP": clients.mcp,
                    "A2A": clients.a2a,
                    "AG-UI": clients.agui,
                }
                for turn in kinds.values():  # warm-up: imports, first connections, caches
                    for _ in range(5):
                        timed(turn)
                samples: dict[str, list[float]] = {name: [] for name in kinds}
                for _ in range(turns):  # round-robin: machine drift hits every protocol alike
                    for name, turn in kinds.items():
                        samples[name].append(timed(turn))
                ttfc: dict[str, list[float]] = {"WebSocket": [], "SSE": []}
                for block in range(max(4, turns // 10)):  # ABAB blocks of 10
                    order = ("WebSocket", "SSE") if block % 2 == 0 else ("SSE", "WebSocket")
                    for name in order:
                        for _ in range(10):
                            answer = (clients.websocket if name == "WebSocket" else clients.sse)(ttfc[name])
                            assert answer == EXPECTED, answer
            finally:
                clients.close()
    base = c.median(samples["direct stream_agent"])
    rows = []
    result: dict[str, Any] = {"machine": c.machine(), "turns": turns, "per_turn": {}, "first_chunk": {}}
    for name, values in samples.items():
        median = c.median(values)
        p95 = c.percentile(values, 95)
        rows.append(
            [
                name,
                f"{median * 1000:.2f}",
                f"{p95 * 1000:.2f}",
                f"{(median - base) * 1000:+.2f}",
                f"{median / base:.2f}x",
            ]
        )
        result["per_turn"][name] = {
            "median_s": median,
            "p95_s": p95,
            "overhead_s": median - base,
            "ratio": median / base,
        }
    ws_first, sse_first = c.median(ttfc["WebSocket"]), c.median(ttfc["SSE"])
    result["first_chunk"] = {
        "websocket_median_s": ws_first,
        "sse_median_s": sse_first,
        "ratio": ws_first / sse_first,
    }
    met = ws_first <= sse_first
    result["target_met"] = met
    if args.json:
        c.emit_json(result)
        return 0
    print(f"{turns} turns per protocol, prompt {PROMPT!r}, offline model, one uvicorn process per server")
    c.print_table(["per turn", "median ms", "p95 ms", "overhead vs direct", "ratio"], rows)
    print()
    c.print_table(
        ["first chunk", "median ms", "samples"],
        [
            ["WebSocket", f"{ws_first * 1000:.2f}", len(ttfc["WebSocket"])],
            ["SSE", f"{sse_first * 1000:.2f}", len(ttfc["SSE"])],
        ],
    )
    print(f"\nWebSocket first chunk <= SSE first chunk: {c.verdict(met)} (ratio {ws_first / sse_first:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
