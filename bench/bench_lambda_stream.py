"""Streaming Lambda: time to the first chunk over the streaming path vs the buffered handler's full answer.

One project generated with ``lambda_streaming=true``, the offline model paced like a remote model
(``AGENT_OFFLINE_CHUNK_DELAY_MS``, 50 ms a chunk). Both paths run warm, in processes of their own:

- streaming: the project's ``lambda_stream_app`` under uvicorn, as ``run.sh`` starts it behind the Lambda
  Web Adapter; an HTTP client asks for SSE and stops the clock at the first text chunk;
- buffered: the project's ``lambda_handler`` (the function without the adapter) given a Function URL event
  asking for SSE; it returns when the whole answer is in its one body.

The Web Adapter's own hop (Lambda to the adapter to loopback) and the network are not part of either: the
comparison is what a caller waits for before seeing anything.

    .venv/bin/python bench/bench_lambda_stream.py [--quick] [--json]
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from collections.abc import Sequence

import _common as c  # bench/ is on sys.path when this file is run as a script

DELAY_MS = "50"
PROMPT = "Tell me about streaming answers from a Lambda function in a dozen words or so"

BUFFERED = """
import json, sys, time
from {package}.entrypoints.lambda_handler import handler
event = {{"version": "2.0", "rawPath": "/invocations", "headers": {{"accept": "text/event-stream"}},
         "requestContext": {{"http": {{"method": "POST", "path": "/invocations"}}}},
         "body": json.dumps({{"prompt": {prompt!r}, "stream": True}}), "isBase64Encoded": False}}
handler(event, None)  # warm-up
times = []
for _ in range({rounds}):
    t = time.perf_counter()
    response = handler(event, None)
    times.append(time.perf_counter() - t)
    assert response["statusCode"] == 200, response
print(json.dumps(times))
"""


def first_chunk_seconds(port: int) -> float:
    connection = http.client.HTTPConnection(c.HOST, port, timeout=60)
    try:
        started = time.perf_counter()
        body = json.dumps({"prompt": PROMPT, "stream": True})
        connection.request("POST", "/invocations", body=body, headers={"content-type": "application/json"})
        response = connection.getresponse()
        while line := response.readline():
            if line.startswith(b"data:") and isinstance(json.loads(line[5:]), str):
                elapsed = time.perf_counter() - started
                response.read()  # drain the rest, so the server finishes the turn before the next one
                return elapsed
        raise RuntimeError("the stream ended without a text chunk")
    finally:
        connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = c.parser("Streaming Lambda: first chunk vs the buffered full answer.").parse_args(argv)
    rounds = 5 if args.quick else 15
    info = c.machine()
    with c.temp_dir("bench-stream-") as parent:
        subprocess.run(
            [c.SCAFFOLD, "new", "stream-agent", "--defaults", "--output", str(parent),
             "--data", "lambda_streaming=true", "--data", "lambda_snapstart=false"],
            check=True, stdout=subprocess.DEVNULL, env=c.child_env(), timeout=120,
        )  # fmt: skip
        project = c.GeneratedProject(root=parent / "stream-agent", package="stream_agent")
        env = project.env({"AGENT_OFFLINE_CHUNK_DELAY_MS": DELAY_MS, "AGENT_SESSION_DIR": str(parent / "s")})
        port = c.free_port()
        app = f"{project.package}.entrypoints.lambda_stream_app:app"
        with c.running_server(c.uvicorn_argv(app, port), cwd=project.root, env=env, port=port):
            first_chunk_seconds(port)  # warm-up
            streamed = [first_chunk_seconds(port) for _ in range(rounds)]
        script = BUFFERED.format(package=project.package, prompt=PROMPT, rounds=rounds)
        done = subprocess.run(
            [c.PYTHON, "-c", script], cwd=project.root, env=env, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        buffered = json.loads(done.stdout.strip().splitlines()[-1])

    ratio = c.median(streamed) / c.median(buffered)
    result = {
        **c.run_header("lambda_stream", info, rounds),
        "chunk_delay_ms": int(DELAY_MS),
        "streaming_first_chunk_seconds": c.summary(streamed),
        "buffered_full_answer_seconds": c.summary(buffered),
        "first_chunk_vs_buffered": ratio,
    }
    if c.emitted_as_json(
        args,
        result,
        f"Streaming Lambda app vs buffered handler, offline model at {DELAY_MS} ms a chunk; {rounds} rounds",
    ):
        return 0
    c.print_table(
        ["path", "median ms", "p95 ms"],
        [
            ["streaming: first chunk (SSE over HTTP)", f"{c.median(streamed) * 1000:.0f}",
             f"{c.percentile(streamed, 95) * 1000:.0f}"],
            ["buffered: the whole answer (handler)", f"{c.median(buffered) * 1000:.0f}",
             f"{c.percentile(buffered, 95) * 1000:.0f}"],
        ],
    )  # fmt: skip
    print(f"\nA caller sees the first words after {ratio:.2f}x the time the buffered answer takes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
