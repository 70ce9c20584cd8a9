"""``scaffold serve``: the real uvicorn process answers /ping; bad ports and targets fail before exec."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from scaffold.errors import ExitCode

PING_DEADLINE_S = 20


def wait_for_ping(url: str, process) -> httpx.Response:
    deadline = time.monotonic() + PING_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, stderr = process.process.communicate()
            pytest.fail(f"scaffold serve exited with {process.poll()}: {stderr}")
        try:
            return httpx.get(f"{url}/ping", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"{url}/ping did not answer within {PING_DEADLINE_S} s")


@pytest.mark.parametrize("target", ["agentcore", "fastapi"])
def test_serve_answers_ping(background_scaffold, project, unused_port, target):
    with background_scaffold(
        ["serve", "--target", target, "--port", str(unused_port)], cwd=project
    ) as process:
        response = wait_for_ping(f"http://127.0.0.1:{unused_port}", process)

        assert response.status_code == 200
    assert f"Serving demo-agent ({target}) on http://127.0.0.1:{unused_port}" in process.stderr


def test_serve_with_reload_from_a_subdirectory(background_scaffold, project, unused_port):
    args = ["serve", "--target", "fastapi", "--port", str(unused_port), "--reload"]
    with background_scaffold(args, cwd=project / "demo_agent") as process:
        response = wait_for_ping(f"http://127.0.0.1:{unused_port}", process)

        assert response.status_code == 200


def test_the_only_server_target_needs_no_target_option(background_scaffold, project_factory, unused_port):
    fastapi_only = project_factory("--target", "fastapi", "--target", "local", name="fastapi-only")

    with background_scaffold(["serve", "--port", str(unused_port)], cwd=fastapi_only) as process:
        assert wait_for_ping(f"http://127.0.0.1:{unused_port}", process).status_code == 200


def test_a_port_in_use_is_reported_before_starting(cli_in_process, project):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = cli_in_process(
            ["serve", "--target", "agentcore", "--port", str(port), "--project", str(project)]
        )

    assert result.exit_code == ExitCode.BAD_INPUT
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr


def test_an_unknown_host_is_reported_before_starting(cli_in_process, project):
    result = cli_in_process(
        ["serve", "-t", "fastapi", "--host", "no-such-host.invalid", "--project", str(project)]
    )

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Unknown host" in result.stderr


def test_target_is_required_when_the_project_has_several(cli_in_process, project):
    result = cli_in_process(["serve", "--project", str(project)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "--target agentcore|fastapi" in result.stderr


def test_unknown_target_is_a_usage_error(cli_in_process, project):
    result = cli_in_process(["serve", "--target", "lambda", "--project", str(project)])

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "'lambda' is not one of" in result.stderr
