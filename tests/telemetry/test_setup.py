"""Configuration, and process-wide setup; setup tests run in fresh interpreters (one global provider each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from agent_scaffold_runtime.telemetry import TelemetryConfig

from tests.support.processes import run_ok

REPO = Path(__file__).resolve().parents[2]

RUN_AGENT = """
from strands import Agent
from agent_scaffold_runtime.offline_model import OfflineModel
from agent_scaffold_runtime.telemetry import trace_attributes
from agent_scaffold_runtime.identity import Principal
from tests.support.demo_core import calculator
attrs = trace_attributes(Principal("carol", "jwt"), "sess-9", "lambda")
result = Agent(model=OfflineModel(), tools=[calculator], callback_handler=None, name="demo",
               trace_attributes=attrs)("zebra-unicorn asks: calculator 6*7")
"""


def run_python(*parts: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the code ``parts`` (each dedented) in a fresh interpreter without our or OTel's variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "AGENT_"))}
    clean.update(env)
    code = "\n".join(textwrap.dedent(part) for part in parts)
    return run_ok([sys.executable, "-c", code], cwd=REPO, env=clean, timeout=120)


def last_json(stdout: str) -> Any:
    return json.loads(stdout.strip().splitlines()[-1])


def test_from_env_defaults() -> None:
    assert TelemetryConfig.from_env({}) == TelemetryConfig("none", True, False, "strands-agent")
    from_project = TelemetryConfig.from_env({}, defaults={"telemetry": "console", "service_name": "my-agent"})
    assert (from_project.mode, from_project.service_name) == ("console", "my-agent")


def test_from_env_overrides() -> None:
    env = {
        "AGENT_TELEMETRY": " OTLP ",
        "AGENT_TELEMETRY_HASH_USER_ID": "no",
        "AGENT_LOG_PROMPTS": "1",
        "AGENT_SERVICE_NAME": "svc-a",
    }
    assert TelemetryConfig.from_env(env, defaults={"telemetry": "console"}) == TelemetryConfig(
        "otlp", False, True, "svc-a"
    )
    assert TelemetryConfig.from_env({**env, "OTEL_SERVICE_NAME": "svc-otel"}).service_name == "svc-otel"


@pytest.mark.parametrize(
    "env",
    [{"AGENT_TELEMETRY": "xray"}, {"AGENT_LOG_PROMPTS": "sometimes"}, {"AGENT_TELEMETRY_HASH_USER_ID": "2"}],
)
def test_from_env_refuses_values_it_cannot_read(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(env))):
        TelemetryConfig.from_env(env)


def test_none_installs_nothing() -> None:
    out = run_python(
        """
        import json, os, sys
        from opentelemetry import trace
        from agent_scaffold_runtime.telemetry import TelemetryConfig, setup_telemetry
        before = trace.get_tracer_provider()
        setup_telemetry(TelemetryConfig.from_env())
        setup_telemetry(TelemetryConfig.from_env())
        print(json.dumps({
            "same": trace.get_tracer_provider() is before,
            "provider": type(trace.get_tracer_provider()).__name__,
            "sdk_loaded": "opentelemetry.sdk.trace" in sys.modules,
            "semconv": os.environ.get("OTEL_SEMCONV_STABILITY_OPT_IN"),
        }))
        """
    )
    assert last_json(out.stdout) == {
        "same": True,
        "provider": "ProxyTracerProvider",
        "sdk_loaded": False,
        "semconv": None,
    }
    assert out.stderr == ""


def test_console_is_idempotent_and_writes_one_json_line_per_span_to_stderr() -> None:
    out = run_python(
        """
        import json, os
        from opentelemetry import trace
        from agent_scaffold_runtime.telemetry import TelemetryConfig, setup_telemetry
        setup_telemetry(TelemetryConfig.from_env())
        first = trace.get_tracer_provider()
        setup_telemetry(TelemetryConfig.from_env())
        setup_telemetry(TelemetryConfig(mode="otlp"))  # a different config: ignored, with a warning
        """,
        RUN_AGENT,
        """
        print(json.dumps({
            "same": trace.get_tracer_provider() is first,
            "processors": len(first._active_span_processor._span_processors),
            "text": str(result).strip(),
        }))
        """,
        AGENT_TELEMETRY="console",
        AGENT_SERVICE_NAME="console-svc",
    )
    assert last_json(out.stdout) == {
        "same": True,
        "processors": 1,
        "text": "The calculator tool returned: 42",
    }
    assert len(out.stdout.strip().splitlines()) == 1  # spans never go to stdout
    spans = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    names = sorted(span["name"] for span in spans)
    assert names == sorted(
        [
            "invoke_agent demo",
            "execute_event_loop_cycle",
            "execute_event_loop_cycle",
            "chat",
            "chat",
            "execute_tool calculator",
        ]
    )
    assert {span["resource"]["attributes"]["service.name"] for span in spans} == {"console-svc"}
    assert {span["attributes"]["agent.target"] for span in spans} == {"lambda"}
    assert "zebra-unicorn" not in out.stderr and "carol" not in out.stderr  # redaction on, user hashed


def test_a_provider_already_configured_is_kept() -> None:
    """What ADOT's ``opentelemetry-instrument`` does before our code runs, simulated with an SDK provider."""
    out = run_python(
        """
        import json, os
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        adot = TracerProvider()
        adot.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(adot)
        from agent_scaffold_runtime.telemetry import TelemetryConfig, provider_configured, setup_telemetry
        assert provider_configured()
        setup_telemetry(TelemetryConfig.from_env())
        """,
        RUN_AGENT,
        """
        print(json.dumps({
            "same": trace.get_tracer_provider() is adot,
            "processors": len(adot._active_span_processor._span_processors),
            "spans": sorted({s.name for s in exporter.get_finished_spans()}),
            "semconv": os.environ.get("OTEL_SEMCONV_STABILITY_OPT_IN"),
        }))
        """,
        AGENT_TELEMETRY="console",
        OTEL_PYTHON_DISTRO="aws_distro",
        AGENT_OBSERVABILITY_ENABLED="true",
    )
    assert last_json(out.stdout) == {
        "same": True,
        "processors": 1,
        "spans": ["chat", "execute_event_loop_cycle", "execute_tool calculator", "invoke_agent demo"],
        # the GenAI semantic conventions are asked for (AgentCore's GenAI observability reads them)
        "semconv": "gen_ai_latest_experimental,gen_ai_unredacted_attributes=",
    }
    assert not [line for line in out.stderr.splitlines() if line.startswith("{")]  # no console exporter added


def test_adot_variables_without_a_provider_fall_back_with_a_warning() -> None:
    out = run_python(
        """
        import logging
        logging.basicConfig(level=logging.WARNING)
        from opentelemetry import trace
        from agent_scaffold_runtime.telemetry import TelemetryConfig, setup_telemetry
        setup_telemetry(TelemetryConfig.from_env())
        print(type(trace.get_tracer_provider()).__module__)
        """,
        AGENT_TELEMETRY="console",
        OTEL_PYTHON_DISTRO="aws_distro",
    )
    assert out.stdout.strip() == "opentelemetry.sdk.trace"
    assert "opentelemetry-instrument" in out.stderr


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_otlp_exports_to_the_standard_endpoint(collector: tuple[str, list[tuple[str, bytes]]]) -> None:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    endpoint, received = collector
    out = run_python(
        """
        from agent_scaffold_runtime.telemetry import TelemetryConfig, flush_telemetry, setup_telemetry
        setup_telemetry(TelemetryConfig.from_env())
        """,
        RUN_AGENT,
        """
        print(flush_telemetry())
        """,
        AGENT_TELEMETRY="otlp",
        AGENT_SERVICE_NAME="otlp-svc",
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
    )
    assert out.stdout.strip() == "True"
    names: list[str] = []
    services: set[str] = set()
    for path, body in received:
        assert path == "/v1/traces"
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            for attribute in resource_spans.resource.attributes:
                if attribute.key == "service.name":
                    services.add(attribute.value.string_value)
            names.extend(span.name for scope in resource_spans.scope_spans for span in scope.spans)
    assert services == {"otlp-svc"}
    assert sorted(set(names)) == [
        "chat",
        "execute_event_loop_cycle",
        "execute_tool calculator",
        "invoke_agent demo",
    ]
