"""The ApplyGuardrail path end to end: a real boto3 ``bedrock-runtime`` client (real signing, serialisation
and parsing) talks over a loopback socket to a small Starlette app that speaks the ApplyGuardrail REST shape.

moto has no ``apply_guardrail``, hence the fake service. It implements ``POST
/guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply`` per the AWS API reference: a denied topic
("investment advice") on input is ``BLOCKED`` with the configured message, an email anywhere is
``ANONYMIZED`` as ``{EMAIL}`` (Bedrock's own placeholder style), anything else is ``NONE``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from agent_scaffold_runtime.guardrails import (
    ApplyGuardrailClient,
    GuardrailConfig,
    GuardrailUnavailable,
    build_guardrail,
    guard_stream,
)
from agent_scaffold_runtime.guardrails.apply_api import outcome_from_response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strands import Agent, tool

from tests.support.servers import serving

from .support import RecordingModel, core_stream, drain

GUARDRAIL_ID = "gr-test"
BLOCKED_MESSAGE = "Sorry, the model cannot answer this question."
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
USAGE = {
    "topicPolicyUnits": 1,
    "contentPolicyUnits": 1,
    "wordPolicyUnits": 1,
    "sensitiveInformationPolicyUnits": 1,
    "sensitiveInformationPolicyFreeUnits": 0,
    "contextualGroundingPolicyUnits": 0,
}


class FakeGuardrailService:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.app = Starlette(
            routes=[Route("/guardrail/{identifier}/version/{version}/apply", self.apply, methods=["POST"])]
        )

    async def apply(self, request: Request) -> JSONResponse:
        body = await request.json()
        identifier, version = request.path_params["identifier"], request.path_params["version"]
        self.requests.append(
            {"identifier": identifier, "version": version, "body": body, "headers": request.headers}
        )
        if identifier != GUARDRAIL_ID:
            return JSONResponse(
                {"message": f"Guardrail {identifier} was not found."},
                status_code=404,
                headers={"x-amzn-errortype": "ResourceNotFoundException"},
            )
        text = "".join(block["text"]["text"] for block in body["content"])
        if body["source"] == "INPUT" and "investment advice" in text.lower():
            topic = {"name": "Investment advice", "type": "DENY", "action": "BLOCKED", "detected": True}
            return self.reply("GUARDRAIL_INTERVENED", BLOCKED_MESSAGE, [{"topicPolicy": {"topics": [topic]}}])
        emails = EMAIL.findall(text)
        if emails:
            entities = [
                {"match": e, "type": "EMAIL", "action": "ANONYMIZED", "detected": True} for e in emails
            ]
            assessment = {"sensitiveInformationPolicy": {"piiEntities": entities, "regexes": []}}
            return self.reply("GUARDRAIL_INTERVENED", EMAIL.sub("{EMAIL}", text), [assessment])
        return self.reply("NONE", None, [{}])

    @staticmethod
    def reply(action: str, output: str | None, assessments: list[Any]) -> JSONResponse:
        body: dict[str, Any] = {
            "usage": USAGE,
            "action": action,
            "outputs": [{"text": output}] if output is not None else [],
            "assessments": assessments,
        }
        if action != "NONE":
            body["actionReason"] = "Guardrail intervened."
        return JSONResponse(body)


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[FakeGuardrailService, str]]:
    fake = FakeGuardrailService()
    with serving(fake.app) as url:
        yield fake, url


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def client_for(url: str, guardrail_id: str = GUARDRAIL_ID) -> ApplyGuardrailClient:
    boto = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=url)
    return ApplyGuardrailClient(guardrail_id, "1", client=boto)


def test_blocked_input_comes_back_as_the_guardrails_message(
    service: tuple[FakeGuardrailService, str],
) -> None:
    fake, url = service
    fake.requests.clear()
    outcome = client_for(url).check_input("I need investment advice: which stock?")
    assert (outcome.action, outcome.text, outcome.reasons) == (
        "blocked",
        BLOCKED_MESSAGE,
        ("topic:Investment advice",),
    )
    [request] = fake.requests
    assert (request["identifier"], request["version"]) == (GUARDRAIL_ID, "1")
    assert request["body"] == {
        "source": "INPUT",
        "content": [{"text": {"text": "I need investment advice: which stock?"}}],
    }
    assert request["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 ")  # boto3 signed it for real


def test_anonymized_output_is_masked(service: tuple[FakeGuardrailService, str]) -> None:
    outcome = client_for(service[1]).check_output("Write to alice@example.com today")
    assert (outcome.action, outcome.text, outcome.reasons) == (
        "masked",
        "Write to {EMAIL} today",
        ("pii:EMAIL",),
    )
    assert service[0].requests[-1]["body"]["source"] == "OUTPUT"


def test_no_intervention_keeps_the_text(service: tuple[FakeGuardrailService, str]) -> None:
    outcome = client_for(service[1]).check_input("What is the capital of France?")
    assert (outcome.action, outcome.text, outcome.reasons) == ("none", "What is the capital of France?", ())


def test_blank_text_is_not_sent(service: tuple[FakeGuardrailService, str]) -> None:
    fake, url = service
    fake.requests.clear()
    assert client_for(url).check_output("  ").action == "none"
    assert fake.requests == []


def test_an_aws_error_fails_closed(service: tuple[FakeGuardrailService, str]) -> None:
    with pytest.raises(GuardrailUnavailable) as caught:
        client_for(service[1], guardrail_id="gr-missing").check_input("hello")
    assert (caught.value.status, caught.value.code) == (503, "guardrail_unavailable")
    assert "ResourceNotFoundException" in caught.value.message


@tool
def lookup(name: str) -> str:
    """Look up a contact by name."""
    return "bob@example.org"


def test_non_bedrock_model_is_guarded_through_the_api(service: tuple[FakeGuardrailService, str]) -> None:
    fake, url = service
    env = {
        "AGENT_GUARDRAILS": "bedrock",
        "AGENT_GUARDRAIL_ID": GUARDRAIL_ID,
        "AGENT_GUARDRAIL_VERSION": "1",
        "AGENT_AWS_ENDPOINT_URL": url,  # the only test hook: the client itself is built by build_guardrail
        "AWS_REGION": "us-east-1",
    }
    config = GuardrailConfig.from_env(env)
    guardrail = build_guardrail(config, "anthropic")
    assert isinstance(guardrail, ApplyGuardrailClient)

    model = RecordingModel(script=[{"tool": "lookup", "input": {"name": "bob"}}])
    agent = Agent(model=model, tools=[lookup], callback_handler=None)

    def run(prompt: str) -> Any:
        return guard_stream(guardrail, prompt, lambda p: core_stream(agent, p), mode=config.stream_mode)

    fake.requests.clear()
    chunks, reply = asyncio.run(drain(run("any investment advice for me?")))
    assert model.calls == 0
    assert (chunks, reply.text, reply.stop_reason) == (
        [BLOCKED_MESSAGE],
        BLOCKED_MESSAGE,
        "guardrail_intervened",
    )

    fake.requests.clear()
    chunks, reply = asyncio.run(drain(run("who is bob")))
    assert model.calls == 2
    assert chunks == ["The lookup tool returned: {EMAIL}"]  # reply mode: one checked chunk
    assert reply.text == "The lookup tool returned: {EMAIL}"
    assert [r["body"]["source"] for r in fake.requests] == ["INPUT", "OUTPUT"]  # one call each way


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            {
                "action": "GUARDRAIL_INTERVENED",
                "outputs": [{"text": "Blocked."}],
                "assessments": [
                    {
                        "contentPolicy": {
                            "filters": [{"type": "HATE", "confidence": "HIGH", "action": "BLOCKED"}]
                        },
                        "sensitiveInformationPolicy": {
                            "piiEntities": [{"match": "a@b.co", "type": "EMAIL", "action": "ANONYMIZED"}],
                            "regexes": [
                                {"name": "order-id", "match": "X1", "regex": "X\\d", "action": "ANONYMIZED"}
                            ],
                        },
                    }
                ],
            },
            ("blocked", "Blocked.", ("content:HATE", "pii:EMAIL", "regex:order-id")),
        ),
        (
            {
                "action": "GUARDRAIL_INTERVENED",
                "outputs": [],
                "assessments": [{"wordPolicy": {"customWords": [{"match": "darn", "action": "BLOCKED"}]}}],
            },
            ("blocked", "Sorry, I can't help with that request.", ("word:custom",)),
        ),
        (  # outputScope=FULL lists undetected entries too; they do not count
            {
                "action": "GUARDRAIL_INTERVENED",
                "outputs": [{"text": "hi {NAME}"}],
                "assessments": [
                    {
                        "topicPolicy": {
                            "topics": [{"name": "Money", "type": "DENY", "action": "NONE", "detected": False}]
                        },
                        "sensitiveInformationPolicy": {
                            "piiEntities": [
                                {"match": "Al", "type": "NAME", "action": "ANONYMIZED", "detected": True}
                            ],
                            "regexes": [],
                        },
                    }
                ],
            },
            ("masked", "hi {NAME}", ("pii:NAME",)),
        ),
        (  # an intervention we cannot explain is treated as a block
            {
                "action": "GUARDRAIL_INTERVENED",
                "outputs": [{"text": "No."}],
                "assessments": [],
                "actionReason": "x",
            },
            ("blocked", "No.", ("action_reason:x",)),
        ),
        ({"action": "NONE", "outputs": [], "assessments": []}, ("none", "original", ())),
    ],
)
def test_response_mapping(response: dict[str, Any], expected: tuple[str, str, tuple[str, ...]]) -> None:
    outcome = outcome_from_response(response, "original")
    assert (outcome.action, outcome.text, outcome.reasons) == expected
