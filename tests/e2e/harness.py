"""A generated project deployed twice per configuration: its FastAPI app under uvicorn and its Lambda handler.

``Deployment`` starts both as subprocesses of the project directory (the project on ``PYTHONPATH``, the
offline model, configuration only through ``AGENT_*`` variables on top of the template answers baked into
``settings.py``), and ``invoke(adapter, body, headers)`` sends one request through either:

* ``fastapi``: ``POST /invocations`` over a real loopback socket;
* ``lambda``: a Function URL event (``tests/events/function_url.json``) with the body as plain text;
* ``lambda-httpapi``: an HTTP API v2 event (``tests/events/apigw_http_v2.json``), body base64-encoded.

Both answers come back as one ``Reply`` (status, lower-cased headers, body). Each process writes its stderr
to its own file, which the tests read (request log lines, console spans, and what must never be there).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import jwt
from agent_scaffold_runtime.identity import Principal

from tests.support.processes import project_env, uvicorn_argv, wait_for_ping
from tests.support.servers import free_port

EVENTS = Path(__file__).parent.parent / "events"
RUNNER = Path(__file__).parent / "lambda_runner.py"
ADAPTERS = ("fastapi", "lambda", "lambda-httpapi")
SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id"
TIMEOUT_S = 60.0

JSON = {"content-type": "application/json"}
_EVENT_FILES = {"lambda": "function_url.json", "lambda-httpapi": "apigw_http_v2.json"}


def process_of(adapter: str) -> str:
    """Which of a deployment's two processes serves ``adapter``."""
    return "fastapi" if adapter == "fastapi" else "lambda"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[Any]:
        """The ``data:`` events of a Server-Sent Events body, decoded."""
        return [json.loads(line[5:]) for line in self.body.splitlines() if line.startswith("data:")]

    def exposed(self) -> str:
        """Everything the caller sees: status line aside, the headers and the body."""
        return "\n".join([*(f"{name}: {value}" for name, value in self.headers.items()), self.body])


class Deployment:
    """One configuration of the project, served by both adapters; processes start at construction."""

    def __init__(self, name: str, project: Path, package: str, root: Path, env: Mapping[str, str]) -> None:
        self.name = name
        self.project = project
        self.package = package
        self.dir = root / name
        self.dir.mkdir(parents=True)
        self.env = dict(env)
        self.session_dirs = {kind: self.dir / f"sessions-{kind}" for kind in ("fastapi", "lambda")}
        self.sent_credentials: list[str] = []
        self._files: list[IO[bytes]] = []
        self._ready = False
        self._lambda_lines: queue.Queue[str] = queue.Queue()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fastapi = self._spawn(
            "fastapi",
            uvicorn_argv(f"{package}.entrypoints.http_app:app", self.port),
        )
        self.lambda_process = self._spawn(
            "lambda",
            [sys.executable, str(RUNNER), f"{package}.entrypoints.lambda_handler"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            AWS_LAMBDA_FUNCTION_NAME=f"e2e-{name}",
        )
        threading.Thread(target=self._read_lambda, daemon=True).start()
        self.http = httpx.Client(base_url=self.url, timeout=TIMEOUT_S)

    # -- processes -----------------------------------------------------------------------------------------

    def process_env(self, kind: str, **extra: str) -> dict[str, str]:
        return project_env(
            self.project,
            AGENT_SESSION_DIR=str(self.session_dirs[kind]),
            AGENT_SESSION_PREFIX=f"sessions-{kind}/",
            **self.env,
            **extra,
        )

    def stderr_path(self, kind: str) -> Path:
        return self.dir / f"{kind}.stderr"

    def _spawn(self, kind: str, argv: list[str], **options: Any) -> subprocess.Popen[bytes]:
        extra = {k: v for k, v in options.items() if k.isupper()}
        popen = {k: v for k, v in options.items() if not k.isupper()}
        stderr = self.stderr_path(kind).open("wb")
        self._files.append(stderr)
        popen.setdefault("stdout", stderr)
        return subprocess.Popen(
            argv, cwd=self.project, env=self.process_env(kind, **extra), stderr=stderr, **popen
        )

    def _read_lambda(self) -> None:
        assert self.lambda_process.stdout is not None
        for raw in self.lambda_process.stdout:
            self._lambda_lines.put(raw.decode("utf-8"))

    def _lambda_line(self) -> dict[str, Any]:
        try:
            line = self._lambda_lines.get(timeout=TIMEOUT_S)
        except queue.Empty:
            where = self.stderr_path("lambda")
            raise RuntimeError(f"{self.name}: no answer from the Lambda runner; see {where}") from None
        result: dict[str, Any] = json.loads(line)
        return result

    def wait_ready(self) -> None:
        if self._ready:
            return
        wait_for_ping(self.url, self.fastapi, timeout=TIMEOUT_S)
        if self._lambda_line() != {"ready": True}:
            raise RuntimeError(f"{self.name}: the Lambda runner did not start")
        self._ready = True

    def close(self) -> None:
        self.http.close()
        for process in (self.fastapi, self.lambda_process):
            if process.stdin is not None:
                process.stdin.close()
            process.terminate()
        for process in (self.fastapi, self.lambda_process):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for handle in self._files:
            handle.close()

    # -- requests ------------------------------------------------------------------------------------------

    def invoke(
        self,
        adapter: str,
        body: Mapping[str, Any] | str | None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One ``POST /invocations`` through ``adapter``; ``body`` is JSON-encoded unless it is a string."""
        self.wait_ready()
        headers = {name.lower(): value for name, value in (headers or {}).items()}
        if "authorization" in headers:
            self.sent_credentials.append(headers["authorization"])
        text = body if isinstance(body, str) else json.dumps(body)
        if adapter == "fastapi":
            return self._post(text, headers)
        if adapter in _EVENT_FILES:
            return self._lambda(adapter, text, headers)
        raise ValueError(f"unknown adapter {adapter!r}")

    def _post(self, text: str, headers: Mapping[str, str]) -> Reply:
        # Values go out as UTF-8 bytes: a client may send any octets, and the server must cope.
        sent = [(name.encode(), value.encode("utf-8")) for name, value in {**JSON, **headers}.items()]
        if any(value != value.strip() for _, value in sent):
            return raw_post(self.port, "/invocations", sent, text.encode("utf-8"))  # httpx refuses these
        response = self.http.post("/invocations", content=text.encode("utf-8"), headers=sent)
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.text)

    def _lambda(self, adapter: str, text: str, headers: Mapping[str, str]) -> Reply:
        event = lambda_event(adapter, text, headers)
        assert self.lambda_process.stdin is not None
        self.lambda_process.stdin.write((json.dumps(event) + "\n").encode("utf-8"))
        self.lambda_process.stdin.flush()
        result = self._lambda_line()
        if "response" not in result:
            raise AssertionError(f"the Lambda handler raised {result}")
        response = result["response"]
        assert response["isBase64Encoded"] is False
        return Reply(
            int(response["statusCode"]),
            {str(k).lower(): str(v) for k, v in response["headers"].items()},
            response["body"],
        )

    # -- what the deployment wrote -------------------------------------------------------------------------

    def stderr(self, adapter: str) -> str:
        return self.stderr_path(process_of(adapter)).read_text(encoding="utf-8", errors="replace")

    def json_lines(self, adapter: str) -> list[dict[str, Any]]:
        """Every stderr line of ``adapter``'s process that is a JSON object (log lines and spans)."""
        found = []
        for line in self.stderr(adapter).splitlines():
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    found.append(value)
        return found

    def request_line(self, adapter: str, session_id: str, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        """The ``agent_request`` log line for ``session_id``; a streamed reply logs after its last event."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [
                line
                for line in self.json_lines(adapter)
                if line.get("event") == "agent_request" and line.get("session_id") == session_id
            ]
            if len(lines) == 1:
                return lines[0]
            if len(lines) > 1 or time.monotonic() > deadline:
                raise AssertionError(f"{len(lines)} request lines for session {session_id!r}")
            time.sleep(0.05)

    def wait_for_span(
        self, adapter: str, matches: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT_S
    ) -> dict[str, Any]:
        """The first span ``matches`` accepts, as soon as it is written; the bound only guards a hang."""
        deadline = time.monotonic() + timeout
        while True:
            found = [span for span in self.spans(adapter) if matches(span)]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching span on {adapter}'s stderr within {timeout} s")
            time.sleep(0.05)

    def spans(self, adapter: str) -> list[dict[str, Any]]:
        """Console-exporter spans (one JSON object per line) on ``adapter``'s stderr."""
        return [line for line in self.json_lines(adapter) if "context" in line and "attributes" in line]

    def session_dir(self, adapter: str) -> Path:
        return self.session_dirs[process_of(adapter)]

    def session_prefix(self, adapter: str) -> str:
        return f"sessions-{process_of(adapter)}/"


def raw_post(port: int, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Reply:
    """``POST`` over a bare socket, for header values well-behaved clients will not send (blank padding)."""
    lines = [f"POST {path} HTTP/1.1".encode(), f"host: 127.0.0.1:{port}".encode(), b"connection: close"]
    lines += [name + b": " + value for name, value in headers]
    lines.append(f"content-length: {len(body)}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, content = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = dict(line.split(":", 1) for line in header_lines)
    return Reply(
        int(status_line.split()[1]),
        {name.strip().lower(): value.strip() for name, value in parsed.items()},
        content.decode("utf-8"),
    )


def lambda_event(adapter: str, body: str, headers: Mapping[str, str]) -> dict[str, Any]:
    """A real event shape with our body and headers (names lower-cased, as Lambda delivers them)."""
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / _EVENT_FILES[adapter]).read_text()))
    base = {k: v for k, v in event["headers"].items() if k != "content-length"}
    event["headers"] = {**base, **headers}
    if adapter == "lambda-httpapi":
        event["body"] = base64.b64encode(body.encode("utf-8")).decode("ascii")
        event["isBase64Encoded"] = True
    else:
        event["body"] = body
        event["isBase64Encoded"] = False
    return event


class Fleet:
    """The deployments of one generated project, by name; closed together at the end of the session."""

    def __init__(self, project: Path, package: str, root: Path) -> None:
        self.project = project
        self.package = package
        self.root = root
        self._deployments: dict[str, Deployment] = {}
        self._lock = threading.Lock()

    def deploy(self, name: str, env: Mapping[str, str] | None = None) -> Deployment:
        """The deployment ``name``; started (not yet awaited) the first time, with ``env`` on top."""
        with self._lock:
            found = self._deployments.get(name)
            if found is None:
                found = Deployment(name, self.project, self.package, self.root, env or {})
                self._deployments[name] = found
            elif env is not None and dict(env) != found.env:
                raise ValueError(f"deployment {name!r} already runs with other settings")
            return found

    def deployments(self) -> list[Deployment]:
        with self._lock:
            return list(self._deployments.values())

    def close(self) -> None:
        for deployment in self.deployments():
            deployment.close()


# -- small facts the tests compare against ----------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def user_hash(user_id: str) -> str:
    """How logs and spans name a user (``AGENT_TELEMETRY_HASH_USER_ID`` on by default): sha256, 16 hex."""
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:16]


def secret_pieces(credential: str) -> list[str]:
    """A credential and every sizeable piece of it (JWT segments), none of which may ever be exposed."""
    pieces = [credential, *credential.replace(" ", ".").split(".")]
    return [piece for piece in pieces if len(piece) >= 12]


def leaked(credentials: Iterable[str], *texts: str) -> list[str]:
    """The pieces of ``credentials`` that appear in any of ``texts`` (empty when nothing leaked)."""
    joined = "\n".join(texts)
    return sorted({piece[:24] + "…" for c in credentials for piece in secret_pieces(c) if piece in joined})


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its content, to show a request changed nothing there."""
    if not directory.exists():
        return {}
    return {
        str(path.relative_to(directory)): path.read_bytes() for path in directory.rglob("*") if path.is_file()
    }


def session_owners(session_root: Path, session_id: str) -> list[str]:
    """The user namespaces (directories under the session root) that hold session ``session_id``."""
    if not session_root.exists():
        return []
    return sorted(p.name for p in session_root.iterdir() if (p / f"session_{session_id}").is_dir())


def namespace(sub: str) -> str:
    """Where the memory backends keep a JWT user's sessions (``Principal.namespace``, a digest of the sub)."""
    return Principal(user_id=sub, auth_method="jwt").namespace


def words(text: str) -> int:
    return len(text.split())


def pool_signing_key() -> Any:
    """The private key moto's Cognito pools sign with (``kid`` ``dummy``), as published in their JWKS.

    Tokens signed with it carry a valid pool signature, so claim-level cases against the pool prove their own
    check, and a caller can hold a scope Cognito's ``initiate_auth`` never grants.
    """
    from moto.utilities.utils import load_resource

    private_jwk = load_resource("cognitoidp/resources/jwks-private.json")
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(private_jwk))


def pool_token(base_token: str, **claims: Any) -> str:
    """``base_token``'s claims with ``claims`` changed (``None`` removes one), signed with the pool's key."""
    header = jwt.get_unverified_header(base_token)
    payload = jwt.decode(base_token, options={"verify_signature": False})
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, pool_signing_key(), algorithm=header["alg"], headers={"kid": header["kid"]})
