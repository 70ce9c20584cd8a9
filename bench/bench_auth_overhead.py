"""Per-request latency that JWT verification (warm JWKS cache) adds through the adapters, vs ``auth=none``.

``bench/bench_jwt.py`` times ``authenticate()`` alone; this times whole requests through a project made by
``scaffold new`` (defaults, offline model), so the difference includes everything auth changes on the way
(token parsing and checks, a ``Principal`` carrying the claims). Same run, same request:

* A local OIDC issuer (an RSA-2048 key made with ``cryptography``; discovery document and JWKS served by
  ``http.server`` in a thread on 127.0.0.1) and one valid access token (``token_use: access``,
  ``client_id``, ``sub``, ``iss``, ``exp`` in 1 h, RS256, minted with PyJWT).
* Lambda, in process: two handlers from the project's ``create_handler(AgentRef("<pkg>.agent"),
  defaults=RUNTIME_DEFAULTS)``, one built (first event) under ``AGENT_AUTH=jwt``, one under
  ``AGENT_AUTH=none``; both get the same Function URL event (``POST /invocations``, prompt ``hello``,
  ``authorization: Bearer <token>``). Wall time and CPU time (``time.process_time``, all threads, and
  ``time.thread_time``) per call.
* FastAPI over loopback: two uvicorn processes of the project's ``http_app`` (one process, one worker),
  ``AGENT_AUTH=jwt`` and ``none``; a sequential ``httpx.Client`` per server (one request at a time,
  keep-alive) sends the same request with the bearer header. Server CPU from ``/proc/<pid>/stat``.

Both use ``AGENT_MEMORY=none`` (so session storage does not dilute the auth cost) and
``AGENT_LOG_LEVEL=WARNING``. After a warm-up (the jwt side fetches the JWKS on its first request), the two
configurations are measured in alternating blocks of 50 requests (ABBA order) so that drift in machine
load hits both alike. Checks that it measured the right thing: the jwt side refuses a request without a
token and one with a tampered signature (401), the issuer sees no JWKS fetch during the measurement, and
no session is written.
The p99 difference comes with a 95% interval from a paired block bootstrap (whole adjacent jwt/none
blocks are resampled, since a burst of load on the machine hits a block, not single requests), to show how
much of it is noise.

    .venv/bin/python bench/bench_auth_overhead.py [--quick] [--json] [--requests N]

Target (issue): JWT verification with a warm JWKS cache adds <= 1 ms at p99 per request, against the same
adapter with ``auth=none`` in one run. The script always exits 0; a failed part is reported as an error.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import logging
import os
import random
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import _common as c  # bench/ is on sys.path when this file is run as a script

from scaffold.dev.issuer import JWKS_PATH, LocalIssuer

TARGET_ADDED_P99_MS = 1.0
BLOCK = 50
PROMPT = "hello"  # the offline model echoes it, no tool call: the cheapest real request
EXPECTED = "You said: hello"
CLIENT_ID = "bench-client"
CONFIGS = ("jwt", "none")
BOOTSTRAP_SEED = 20261121
PART_DEADLINE_S = 900.0  # each part stops at a block boundary after this, whatever was asked


# --- a local OIDC issuer --------------------------------------------------------------------------------


class BenchIssuer:
    """``scaffold dev``'s local issuer (discovery + JWKS for one RSA key on 127.0.0.1, in a thread), with
    the bench's client id; it counts the JWKS fetches, which must not happen during the measurement."""

    def __init__(self) -> None:
        self._issuer = LocalIssuer(client_id=CLIENT_ID)
        self._issuer.start()

    @property
    def jwks_fetches(self) -> int:
        return self._issuer.served[JWKS_PATH]

    def env(self) -> dict[str, str]:
        return {"AGENT_AUTH": "jwt", **self._issuer.app_environment()}

    def access_token(self) -> str:
        return self._issuer.mint(str(uuid.uuid4()), scopes=["agent/invoke"])

    def close(self) -> None:
        self._issuer.stop()


def tampered(token: str) -> str:
    """The same token with one signature byte flipped: well formed, known key id, invalid signature."""
    head, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    return ".".join([head, payload, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])


# --- samples and statistics -----------------------------------------------------------------------------


@dataclass
class Samples:
    wall_ms: list[float] = field(default_factory=list)
    block_starts: list[int] = field(default_factory=list)  # index in wall_ms where each block begins
    cpu_ms: list[float] = field(default_factory=list)  # process CPU (Lambda) per request
    thread_cpu_ms: list[float] = field(default_factory=list)  # calling thread's CPU (Lambda)
    server_cpu_s: float = 0.0  # FastAPI: server process CPU summed over the measured blocks
    errors: int = 0
    first_error: str = ""

    def error(self, text: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or text[:300]


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": c.percentile(values, 50),
        "p99_ms": c.percentile(values, 99),
        "mean_ms": sum(values) / len(values) if values else float("nan"),
    }


def blocks(samples: Samples) -> list[list[float]]:
    bounds = [*samples.block_starts, len(samples.wall_ms)]
    return [samples.wall_ms[start:end] for start, end in itertools.pairwise(bounds)]


def bootstrap_p99_diff(a: Samples, b: Samples, rounds: int) -> tuple[float, float]:
    """95% interval of p99(a) - p99(b): resample block indices with replacement and take block i of both
    (they ran next to each other), so the load bursts that make the tail stay whole (fixed seed)."""
    blocks_a, blocks_b = blocks(a), blocks(b)
    count = min(len(blocks_a), len(blocks_b))
    if count == 0:
        return float("nan"), float("nan")
    rng = random.Random(BOOTSTRAP_SEED)
    diffs = []
    for _ in range(rounds):
        picks = rng.choices(range(count), k=count)
        diffs.append(
            c.percentile([x for i in picks for x in blocks_a[i]], 99)
            - c.percentile([x for i in picks for x in blocks_b[i]], 99)
        )
    diffs.sort()
    return diffs[int(0.025 * rounds)], diffs[min(rounds - 1, int(0.975 * rounds))]


def interleaved(run_block: Callable[[str, int], None], total: int, deadline: float) -> tuple[int, bool]:
    """``total`` requests per configuration in blocks of BLOCK, ABBA order; (per config, stopped early)."""
    done = 0
    index = 0
    while done < total:
        if time.perf_counter() > deadline:
            return done, True
        size = min(BLOCK, total - done)
        for name in CONFIGS if index % 2 == 0 else CONFIGS[::-1]:
            run_block(name, size)
        done += size
        index += 1
    return done, False


def compare(samples: Mapping[str, Samples], bootstrap_rounds: int, cpu: bool) -> dict[str, Any]:
    jwt_s, none_s = samples["jwt"], samples["none"]
    wall = {name: stats(s.wall_ms) for name, s in samples.items()}
    result: dict[str, Any] = {
        "wall": wall,
        "added_wall_ms": {k: wall["jwt"][k] - wall["none"][k] for k in wall["jwt"]},
        "ratio_wall": {k: wall["jwt"][k] / wall["none"][k] for k in wall["jwt"]},
        "added_p99_wall_ms_bootstrap_95": bootstrap_p99_diff(jwt_s, none_s, bootstrap_rounds),
        "errors": {name: s.errors for name, s in samples.items()},
        "first_errors": {name: s.first_error for name, s in samples.items() if s.errors},
    }
    if cpu:
        cpu_stats = {name: stats(s.cpu_ms) for name, s in samples.items()}
        thread_stats = {name: stats(s.thread_cpu_ms) for name, s in samples.items()}
        result["process_cpu"] = cpu_stats
        result["thread_cpu"] = thread_stats
        result["added_process_cpu_ms"] = {
            k: cpu_stats["jwt"][k] - cpu_stats["none"][k] for k in cpu_stats["jwt"]
        }
        result["added_thread_cpu_ms"] = {
            k: thread_stats["jwt"][k] - thread_stats["none"][k] for k in thread_stats["jwt"]
        }
    added = result["added_wall_ms"]["p99_ms"]
    result["target"] = {
        "added_p99_ms_max": TARGET_ADDED_P99_MS,
        "added_p99_ms": added,
        "met": added <= TARGET_ADDED_P99_MS and not any(s.errors for s in samples.values()),
    }
    return result


# --- part 1: the Lambda adapter in process --------------------------------------------------------------


def function_url_event(token: str) -> dict[str, Any]:
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/invocations",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "accept": "application/json",
            "host": "abcdefghij.lambda-url.us-east-1.on.aws",
            "user-agent": "bench",
            "x-forwarded-proto": "https",
            "authorization": f"Bearer {token}",
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghij",
            "domainName": "abcdefghij.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefghij",
            "http": {
                "method": "POST",
                "path": "/invocations",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "bench",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": json.dumps({"prompt": PROMPT}),
        "isBase64Encoded": False,
    }


@contextlib.contextmanager
def environ(values: Mapping[str, str | None]) -> Iterator[None]:
    """``values`` set (``None``: unset) while the block runs; ``os.environ`` is restored whole afterwards."""
    with mock.patch.dict(os.environ):
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield


@contextlib.contextmanager
def quiet_request_log() -> Iterator[None]:
    """The two refused check requests would print WARNING log lines on stderr; they are expected."""
    package_logger = logging.getLogger("agent_scaffold_runtime")
    level = package_logger.level
    package_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        package_logger.setLevel(level)


def lambda_ok(response: Any) -> str | None:
    """None for a 200 with the offline model's answer, else a short description."""
    if not isinstance(response, dict) or response.get("statusCode") != 200:
        return f"{response!r}"[:300]
    if EXPECTED not in str(response.get("body")):
        return f"unexpected body {str(response.get('body'))[:200]!r}"
    return None


def lambda_part(
    project: c.GeneratedProject, issuer: BenchIssuer, total: int, warmup: int, bootstrap_rounds: int
) -> dict[str, Any]:
    """The whole part runs under ``common`` env: the memory backend is chosen per request, not per handler.

    ``AGENT_SESSION_DIR`` points into the temporary project, so that a session written by mistake would
    neither land in the working directory nor go unnoticed (``sessions_written`` must stay false).
    """
    session_dir = project.root / "bench-sessions-must-stay-empty"
    common: dict[str, str | None] = {
        "AGENT_MEMORY": "none",
        "AGENT_SESSION_DIR": str(session_dir),
        "AGENT_LOG_LEVEL": "WARNING",
        "AGENT_AUTH": None,
        "AGENT_MODEL_PROVIDER": None,
        "AGENT_MODEL_ID": None,
    }
    with environ(common):
        result = _lambda_part(project, issuer, total, warmup, bootstrap_rounds)
    result["checks"]["sessions_written"] = session_dir.exists()
    return result


def _lambda_part(
    project: c.GeneratedProject, issuer: BenchIssuer, total: int, warmup: int, bootstrap_rounds: int
) -> dict[str, Any]:
    sys.path.insert(0, str(project.root))  # the project's package (the runtime library is installed)
    import importlib

    lambda_adapter = importlib.import_module("agent_scaffold_runtime.lambda_adapter")
    loader = importlib.import_module("agent_scaffold_runtime.loader")
    settings = importlib.import_module(f"{project.package}.settings")

    token = issuer.access_token()
    event = function_url_event(token)
    handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
    checks: dict[str, Any] = {}
    # The auth env is read when a handler builds its authenticator, on its first event. auth=none goes first
    # and pays the core (Strands) import, so the jwt handler's first request shows the cold key cache alone:
    # discovery + JWKS over loopback and one verification (PyJWT is already imported: it minted the token).
    for name in ("none", "jwt"):
        with environ(issuer.env() if name == "jwt" else {"AGENT_AUTH": "none"}):
            handler = lambda_adapter.create_handler(
                loader.AgentRef(f"{project.package}.agent"), defaults=settings.RUNTIME_DEFAULTS
            )
            started = time.perf_counter()
            problem = lambda_ok(handler(event, None))
            checks[f"{name}_first_request_ms"] = (time.perf_counter() - started) * 1000
            if problem:
                raise RuntimeError(f"lambda {name}: first request failed: {problem}")
        handlers[name] = handler
    checks["runtime_adapters"] = str(getattr(lambda_adapter, "__file__", "?"))

    # The jwt handler really verifies: no token and a tampered signature are refused.
    without = {**event, "headers": {k: v for k, v in event["headers"].items() if k != "authorization"}}
    forged = {**event, "headers": {**event["headers"], "authorization": f"Bearer {tampered(token)}"}}
    with quiet_request_log():
        checks["jwt_without_token_status"] = handlers["jwt"](without, None).get("statusCode")
        checks["jwt_tampered_signature_status"] = handlers["jwt"](forged, None).get("statusCode")
        checks["none_without_token_status"] = handlers["none"](without, None).get("statusCode")

    samples = {name: Samples() for name in CONFIGS}
    for name in CONFIGS:
        for _ in range(warmup):
            handlers[name](event, None)

    def run_block(name: str, size: int) -> None:
        handler, out = handlers[name], samples[name]
        out.block_starts.append(len(out.wall_ms))
        for _ in range(size):
            cpu0, thread0, t0 = time.process_time_ns(), time.thread_time_ns(), time.perf_counter_ns()
            response = handler(event, None)
            t1, thread1, cpu1 = time.perf_counter_ns(), time.thread_time_ns(), time.process_time_ns()
            out.wall_ms.append((t1 - t0) / 1e6)
            out.cpu_ms.append((cpu1 - cpu0) / 1e6)
            out.thread_cpu_ms.append((thread1 - thread0) / 1e6)
            problem = lambda_ok(response)
            if problem:
                out.error(problem)

    fetches_before = issuer.jwks_fetches
    done, stopped = interleaved(run_block, total, time.perf_counter() + PART_DEADLINE_S)
    checks["jwks_fetches_during_measurement"] = issuer.jwks_fetches - fetches_before
    result = compare(samples, bootstrap_rounds, cpu=True)
    result.update(requests_per_config=done, stopped_at_deadline=stopped, checks=checks)
    return result


# --- part 2: the FastAPI adapter over loopback ----------------------------------------------------------


def fastapi_part(
    project: c.GeneratedProject, issuer: BenchIssuer, total: int, warmup: int, bootstrap_rounds: int
) -> dict[str, Any]:
    import httpx

    token = issuer.access_token()
    body = json.dumps({"prompt": PROMPT}).encode()
    headers = {
        "content-type": "application/json",
        "accept": "application/json",
        "authorization": f"Bearer {token}",
    }
    app = f"{project.package}.entrypoints.http_app:app"
    common = {"AGENT_MEMORY": "none", "AGENT_LOG_LEVEL": "WARNING"}
    samples = {name: Samples() for name in CONFIGS}
    checks: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        servers: dict[str, tuple[int, httpx.Client]] = {}
        for name in CONFIGS:
            port = c.free_port()
            env = project.env({**common, **(issuer.env() if name == "jwt" else {"AGENT_AUTH": "none"})})
            server, _ = stack.enter_context(
                c.running_server(c.uvicorn_argv(app, port), cwd=project.root, env=env, port=port)
            )
            client = stack.enter_context(httpx.Client(base_url=f"http://{c.HOST}:{port}", timeout=30.0))
            servers[name] = (server.pid, client)

        def post(name: str, extra: Mapping[str, str] | None = None) -> httpx.Response:
            return servers[name][1].post("/invocations", content=body, headers={**headers, **(extra or {})})

        for name in CONFIGS:
            started = time.perf_counter()
            response = post(name)
            checks[f"{name}_first_request_ms"] = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or EXPECTED not in response.text:
                raise RuntimeError(
                    f"fastapi {name}: first request {response.status_code} {response.text[:200]}"
                )
        no_token = {k: v for k, v in headers.items() if k != "authorization"}
        checks["jwt_without_token_status"] = (
            servers["jwt"][1].post("/invocations", content=body, headers=no_token).status_code
        )
        forged = {"authorization": f"Bearer {tampered(token)}"}
        checks["jwt_tampered_signature_status"] = post("jwt", forged).status_code
        checks["none_without_token_status"] = (
            servers["none"][1].post("/invocations", content=body, headers=no_token).status_code
        )
        for name in CONFIGS:
            for _ in range(warmup):
                post(name)

        def run_block(name: str, size: int) -> None:
            pid, client = servers[name]
            out = samples[name]
            out.block_starts.append(len(out.wall_ms))
            cpu_before = c.process_cpu_seconds(pid)
            for _ in range(size):
                t0 = time.perf_counter_ns()
                try:
                    response = client.post("/invocations", content=body, headers=headers)
                    ok = response.status_code == 200 and EXPECTED in response.text
                    problem = None if ok else f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = repr(exc)
                out.wall_ms.append((time.perf_counter_ns() - t0) / 1e6)
                if problem:
                    out.error(problem)
            out.server_cpu_s += c.process_cpu_seconds(pid) - cpu_before

        fetches_before = issuer.jwks_fetches
        done, stopped = interleaved(run_block, total, time.perf_counter() + PART_DEADLINE_S)
        checks["jwks_fetches_during_measurement"] = issuer.jwks_fetches - fetches_before
    checks["sessions_written"] = (project.root / ".scaffold").exists()  # the servers' cwd is the project
    result = compare(samples, bootstrap_rounds, cpu=False)
    result["server_cpu_ms_per_request"] = {
        name: s.server_cpu_s * 1000 / max(1, len(s.wall_ms)) for name, s in samples.items()
    }
    result.update(requests_per_config=done, stopped_at_deadline=stopped, checks=checks)
    return result


# --- output ---------------------------------------------------------------------------------------------


def _ms(value: float, sign: bool = False) -> str:
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def print_lambda(part: dict[str, Any]) -> None:
    wall, cpu, thread = part["wall"], part["process_cpu"], part["thread_cpu"]
    rows: list[list[object]] = []
    for name in CONFIGS:
        rows.append(
            [
                f"auth={name}",
                *(_ms(wall[name][k]) for k in ("p50_ms", "p99_ms", "mean_ms")),
                *(_ms(cpu[name][k]) for k in ("p50_ms", "p99_ms", "mean_ms")),
                _ms(thread[name]["mean_ms"]),
                part["errors"][name],
            ]
        )
    added, added_cpu = part["added_wall_ms"], part["added_process_cpu_ms"]
    rows.append(
        [
            "jwt - none",
            *(_ms(added[k], True) for k in ("p50_ms", "p99_ms", "mean_ms")),
            *(_ms(added_cpu[k], True) for k in ("p50_ms", "p99_ms", "mean_ms")),
            _ms(part["added_thread_cpu_ms"]["mean_ms"], True),
            "",
        ]
    )
    ratio = part["ratio_wall"]
    rows.append(
        ["jwt / none", *(f"{ratio[k]:.2f}x" for k in ("p50_ms", "p99_ms", "mean_ms")), "", "", "", "", ""]
    )
    c.print_table(
        [
            "Lambda, in process",
            "wall p50 ms",
            "wall p99 ms",
            "wall mean ms",
            "CPU p50 ms",
            "CPU p99 ms",
            "CPU mean ms",
            "thread CPU mean ms",
            "errors",
        ],
        rows,
    )


def print_fastapi(part: dict[str, Any]) -> None:
    wall, server_cpu = part["wall"], part["server_cpu_ms_per_request"]
    rows: list[list[object]] = [
        [
            f"auth={name}",
            *(_ms(wall[name][k]) for k in ("p50_ms", "p99_ms", "mean_ms")),
            _ms(server_cpu[name]),
            part["errors"][name],
        ]
        for name in CONFIGS
    ]
    added = part["added_wall_ms"]
    rows.append(
        [
            "jwt - none",
            *(_ms(added[k], True) for k in ("p50_ms", "p99_ms", "mean_ms")),
            _ms(server_cpu["jwt"] - server_cpu["none"], True),
            "",
        ]
    )
    ratio = part["ratio_wall"]
    rows.append(["jwt / none", *(f"{ratio[k]:.2f}x" for k in ("p50_ms", "p99_ms", "mean_ms")), "", ""])
    c.print_table(["FastAPI, loopback", "p50 ms", "p99 ms", "mean ms", "server CPU ms/req", "errors"], rows)


def print_report(result: dict[str, Any]) -> None:
    print(
        f"{result['requests']} requests per configuration (+{result['warmup']} warm-up), interleaved in "
        f"blocks of {BLOCK} (ABBA); prompt {PROMPT!r}, offline model, AGENT_MEMORY=none"
    )
    print(f"machine: {result['machine']}\n")
    targets = []
    for key, title, printer in (
        ("lambda", "Lambda adapter, in process", print_lambda),
        ("fastapi", "FastAPI adapter, uvicorn over loopback, sequential httpx client", print_fastapi),
    ):
        part = result.get(key)
        print(f"## {title}")
        if part is None or "error" in part:
            print(f"ERROR: {(part or {}).get('error', 'not run')}\n")
            continue
        printer(part)
        low, high = part["added_p99_wall_ms_bootstrap_95"]
        print(
            f"p99 added {part['added_wall_ms']['p99_ms']:+.3f} ms "
            f"(block bootstrap 95% interval {low:+.3f} .. {high:+.3f} ms); checks: {part['checks']}"
        )
        if part["stopped_at_deadline"]:
            print(f"stopped at the {PART_DEADLINE_S:.0f} s deadline after {part['requests_per_config']}")
        print()
        targets.append(
            [
                f"{key}: jwt adds <= {TARGET_ADDED_P99_MS:g} ms at p99",
                f"{part['target']['added_p99_ms']:+.3f} ms",
                c.verdict(bool(part["target"]["met"])),
            ]
        )
    if targets:
        c.print_table(["target", "measured", "result"], targets)


def main(argv: Sequence[str] | None = None) -> int:
    parser = c.parser(__doc__.splitlines()[0] if __doc__ else "JWT overhead per request")
    parser.add_argument("--requests", type=int, default=None, help="requests per configuration and part")
    args = parser.parse_args(argv)
    total = max(BLOCK, args.requests or (300 if args.quick else 2000))
    warmup = 30 if args.quick else 100
    bootstrap_rounds = 200 if args.quick else 1000
    result: dict[str, Any] = {
        "benchmark": "auth_overhead",
        "machine": c.machine(),
        "requests": total,
        "warmup": warmup,
        "block": BLOCK,
        "prompt": PROMPT,
    }
    issuer = None
    try:
        issuer = BenchIssuer()
        with c.generated_project() as project:
            for key, part in (("lambda", lambda_part), ("fastapi", fastapi_part)):
                try:
                    result[key] = part(project, issuer, total, warmup, bootstrap_rounds)
                except Exception as exc:  # report and go on: the script always exits 0
                    result[key] = {
                        "error": f"{type(exc).__name__}: {exc}",
                        "traceback": traceback.format_exc(),
                    }
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if issuer is not None:
            issuer.close()
    if args.json:
        c.emit_json(result)
    else:
        if "error" in result:
            print(f"ERROR: {result['error']}")
        print_report(result)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # never a non-zero exit: the numbers (or the failure) are in the output
        print(f"ERROR: {type(exc).__name__}: {exc}")
    sys.exit(0)
