"""``scaffold dev`` pieces without a browser: the command's checks, the span collector, the local issuer."""

from __future__ import annotations

import socket

import jwt
from agent_scaffold_runtime.auth.config import JwtConfig
from agent_scaffold_runtime.auth.jwt_verifier import JwtVerifier
from click.testing import CliRunner
from opentelemetry.sdk.trace import TracerProvider

from scaffold.cli import cli
from scaffold.dev.config import DevConfig, dev_memory, names
from scaffold.dev.issuer import DEV_CLIENT_ID, LocalIssuer
from scaffold.dev.spans import SpanCollector, traces_endpoint
from scaffold.errors import ExitCode

from .conftest import generate


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_url_and_deployed_cannot_be_combined():
    result = run("dev", "--url", "http://127.0.0.1:1", "--deployed", "agentcore")

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "either --url or --deployed" in result.output


def test_a_url_the_client_cannot_use_is_refused_before_starting():
    result = run("dev", "--url", "ftp://agent.example.com")

    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Invalid URL 'ftp://agent.example.com'" in result.output


def test_a_bad_otlp_url_and_a_busy_port_are_one_line_errors(tmp_path):
    project = generate(tmp_path, "--target", "agentcore", name="units-agent")
    bad_otlp = run("dev", "--otlp", "collector:4318", "--project", str(project))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        busy_port = run("dev", "--port", str(port), "--project", str(project))

    assert bad_otlp.exit_code == ExitCode.BAD_INPUT
    assert "--otlp must be an http(s) URL" in bad_otlp.output
    assert busy_port.exit_code == ExitCode.BAD_INPUT
    assert f"Port {port} on 127.0.0.1 is in use" in busy_port.output


def test_dev_refuses_a_target_the_project_does_not_have(tmp_path):
    project = generate(tmp_path, "--target", "agentcore", name="one-target")

    result = run("dev", "--target", "fastapi", "--project", str(project))

    assert result.exit_code != 0
    assert "was not generated with the 'fastapi' target" in result.output


def test_remote_memory_backends_become_local_files_under_dev():
    assert dev_memory("s3") == "file"
    assert dev_memory("agentcore") == "file"
    assert dev_memory("none") == "none"
    assert names("profile, admin ,") == ["profile", "admin"]
    config = DevConfig(project_name="p", target="agentcore", memory="file", production_memory="s3")
    assert DevConfig.from_env(config.to_env()) == config


def test_the_collector_keeps_spans_by_trace_and_forgets_the_oldest_trace():
    collector = SpanCollector(max_traces=2)
    provider = TracerProvider()
    provider.add_span_processor(collector)
    tracer = provider.get_tracer("test")
    trace_ids = []
    for name in ("first", "second", "third"):
        with tracer.start_as_current_span(f"invoke_agent {name}") as span:
            with tracer.start_as_current_span("execute_tool calculator"):
                pass
            trace_ids.append(format(span.get_span_context().trace_id, "032x"))

    assert collector.trace(trace_ids[0]) == []
    spans = collector.trace(trace_ids[2])
    assert [span["name"] for span in spans] == ["invoke_agent third", "execute_tool calculator"]
    assert spans[1]["parent_id"] == spans[0]["span_id"]
    assert collector.settled(trace_ids[2])
    assert traces_endpoint("http://collector:4318/") == "http://collector:4318/v1/traces"


def test_issued_tokens_pass_the_runtime_verifier_with_their_scopes_and_groups():
    issuer = LocalIssuer()
    issuer.start()
    try:
        env = issuer.app_environment()
        verifier = JwtVerifier(JwtConfig.from_settings({**env, "AGENT_JWT_ALLOWED_SCOPES": "profile"}))
        principal = verifier.verify(issuer.mint("carol", scopes=["profile", "admin"], groups=["staff"]))
        claims = jwt.decode(issuer.mint("carol"), options={"verify_signature": False})
    finally:
        issuer.stop()

    assert principal.user_id == "carol"
    assert principal.auth_method == "jwt"
    assert principal.scopes == {"profile", "admin"}
    assert principal.groups == {"staff"}
    assert claims["client_id"] == DEV_CLIENT_ID
    assert claims["iss"] == issuer.url


def test_a_span_abandoned_by_a_cancelled_turn_is_shown_open_and_does_not_hold_the_trace_back():
    collector = SpanCollector()
    provider = TracerProvider()
    provider.add_span_processor(collector)
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("invoke_agent cut short") as agent:
        cycle = tracer.start_span("execute_event_loop_cycle")  # never ended, as a cancelled cycle
        trace_id = format(agent.get_span_context().trace_id, "032x")
        running = tracer.start_span("execute_tool stall", context=_context_of(cycle))
    assert not collector.settled(trace_id)  # the tool is still running
    running.end()

    spans = {span["name"]: span for span in collector.trace(trace_id)}

    assert collector.settled(trace_id)
    assert spans["execute_event_loop_cycle"]["open"] is True
    assert "open" not in spans["execute_tool stall"]


def _context_of(span):
    from opentelemetry import trace

    return trace.set_span_in_context(span)


def test_the_environment_wins_over_the_answers_as_it_does_for_the_app(tmp_path, monkeypatch):
    from scaffold.commands.dev import _config
    from scaffold.project import load_project

    project = load_project(generate(tmp_path, "--target", "agentcore", name="env-agent"))
    monkeypatch.setenv("AGENT_MEMORY", "agentcore")
    monkeypatch.setenv("AGENT_SESSION_DIR", "/tmp/dev-sessions")
    monkeypatch.setenv("AGENT_JWT_ALLOWED_SCOPES", "profile,admin")

    config = _config(project, None, None, None, None)

    assert (config.memory, config.production_memory) == ("file", "agentcore")
    assert config.session_dir == "/tmp/dev-sessions"
    assert config.allowed_scopes == ["profile", "admin"]
    assert config.app == "env_agent.entrypoints.agentcore_app:app"
