"""What dev uses instead of production pieces: S3 memory becomes local files, spans also go to OTLP,
and a deployed target that cannot be reached is an error on the page, not a hang."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from .conftest import CALCULATOR_PROMPT, generate, running_dev

EXPORT_TIMEOUT_S = 60


@pytest.fixture
def otlp_collector() -> Iterator[tuple[str, list[ExportTraceServiceRequest], threading.Event]]:
    """An OTLP/HTTP endpoint on loopback that decodes and keeps every export it receives."""
    received: list[ExportTraceServiceRequest] = []
    arrived = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.append(request)
            arrived.set()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received, arrived
    finally:
        server.shutdown()
        server.server_close()


def span_names(requests: list[ExportTraceServiceRequest]) -> set[str]:
    return {
        span.name
        for request in requests
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    }


def test_s3_memory_becomes_local_files_and_the_page_says_so(tmp_path: Path, open_playground):
    project = generate(
        tmp_path,
        "--target",
        "agentcore",
        "--data",
        "memory=s3",
        "--data",
        "session_bucket=prod-sessions",
        name="s3-agent",
    )
    with running_dev(project, "--no-reload") as server:
        playground = open_playground(server.url)
        playground.ask("remember the word quince", turn=1)
        playground.page.click("#show-history")
        playground.page.locator("#history li").first.wait_for()

        summary = playground.page.locator("#memory-summary").inner_text()
        history = playground.page.locator("#history").inner_text()
        memory = server.info()["memory"]
        assert playground.errors == []
    assert (
        summary
        == "Dev keeps sessions in local files (.scaffold/sessions), not in s3 as the deployed project does."
    )
    assert "quince" in history
    assert memory == {"dev": "file", "production": "s3", "session_dir": ".scaffold/sessions"}
    assert "dev keeps them in local files under .scaffold/sessions instead" in server.output[0]
    assert any((project / ".scaffold" / "sessions").rglob("message_*.json"))


def test_spans_are_also_exported_to_an_otlp_endpoint(tmp_path: Path, otlp_collector):
    url, received, arrived = otlp_collector
    project = generate(tmp_path, "--target", "agentcore", name="otlp-agent")
    with running_dev(project, "--no-reload", "--otlp", url, OTEL_BSP_SCHEDULE_DELAY="100") as server:
        reply = httpx.post(f"{server.url}/invocations", json={"prompt": CALCULATOR_PROMPT}, timeout=60)
        assert reply.status_code == 200
        deadline = time.monotonic() + EXPORT_TIMEOUT_S
        while "execute_tool calculator" not in span_names(received) and time.monotonic() < deadline:
            arrived.wait(timeout=1)
            arrived.clear()

    assert {"execute_tool calculator", "chat", "execute_event_loop_cycle"} <= span_names(received)


def test_a_deployed_target_that_is_not_deployed_is_an_error_event(tmp_path: Path):
    project = generate(tmp_path, "--target", "agentcore", name="undeployed-agent")
    with running_dev(project, "--deployed", "agentcore", AWS_DEFAULT_REGION="us-east-1") as server:
        response = httpx.post(f"{server.url}/invocations", json={"prompt": "hello"}, timeout=60)
        info = server.info()

    assert response.status_code == 200
    assert response.text.startswith('data: {"error": ')
    assert "has no recorded agentcore deployment; run: scaffold deploy --target agentcore" in response.text
    assert info["traces"] is False
    assert info["remote"] == "agentcore"


def test_open_shows_the_page_in_the_browser_once_the_server_answers(tmp_path: Path):
    """``--open`` goes through the standard ``webbrowser`` module, which runs ``$BROWSER`` when set."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{opened}"\n')
    browser.chmod(0o755)
    project = generate(tmp_path, "--target", "agentcore", name="open-agent")
    with running_dev(project, "--no-reload", "--open", BROWSER=f"{browser} %s") as server:
        deadline = time.monotonic() + EXPORT_TIMEOUT_S
        while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        page = httpx.get(server.url + "/", timeout=5)

    assert opened.read_text() == server.url + "/"
    assert page.status_code == 200 and "scaffold dev" in page.text


def test_an_iam_project_is_served_without_authentication_and_the_page_says_so(
    tmp_path: Path, open_playground
):
    project = generate(tmp_path, "--target", "agentcore", "--data", "auth=iam", name="iam-agent")
    with running_dev(project, "--no-reload") as server:
        playground = open_playground(server.url)
        turn = playground.ask(CALCULATOR_PROMPT, turn=1)

        assert turn.locator(".reply").inner_text() == "The calculator tool returned: 42"
        assert "IAM auth when deployed" in playground.page.locator("#identity-summary").inner_text()
        assert playground.errors == []
    assert "Auth: the project uses IAM when deployed" in server.output[0]
