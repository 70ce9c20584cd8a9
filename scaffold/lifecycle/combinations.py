"""A covering set of answer combinations: every value of every question at least once, and interacting pairs.

Every combination of targets, provider, auth, memory, guardrails and telemetry is far too many projects
(15 target sets x 6 providers x 3 x 4 x 3 x 3). For the agent template the set below is curated: each value
appears at least once, each target alone and all together, and the pairs that interact in code are covered:

| combination    | targets                           | provider  | auth | memory    | guardrails | telemetry |
| -------------- | --------------------------------- | --------- | ---- | --------- | ---------- | --------- |
| everything     | agentcore, lambda, fastapi, local | offline   | jwt  | file      | local      | otlp      |
| agentcore-iam  | agentcore                         | bedrock   | iam  | agentcore | bedrock    | console   |
| lambda-iam-s3  | lambda                            | anthropic | iam  | s3        | bedrock    | none      |
| fastapi-jwt    | fastapi                           | openai    | jwt  | none      | local      | console   |
| local-jwt      | local                             | ollama    | jwt  | none      | none       | none      |
| lambda-jwt-acm | lambda                            | litellm   | jwt  | agentcore | none       | otlp      |
| iam-mixed      | agentcore, lambda, local          | offline   | iam  | file      | local      | none      |
| servers-s3     | agentcore, fastapi                | bedrock   | none | s3        | local      | console   |

Pairs that interact: jwt with every target (everything; fastapi-jwt, lambda-jwt-acm and local-jwt alone), iam
with lambda (lambda-iam-s3, iam-mixed) and with agentcore (agentcore-iam, iam-mixed), s3 memory and
AgentCore memory with lambda (lambda-iam-s3, lambda-jwt-acm), bedrock guardrails on a non-bedrock provider
(lambda-iam-s3: the ApplyGuardrail path) and on bedrock (agentcore-iam: inside Converse), otlp telemetry
with agentcore (everything); every protocol behind jwt with an A2A runtime (everything) and an MCP runtime
with iam (agentcore-iam). ``everything`` also uses the longest project name, so every optional file is
checked against the line-length limit; agentcore-iam and lambda-iam-s3 take the other two Python versions.
lambda-jwt-acm streams (``lambda_streaming``); the others keep the buffered handler, SnapStart on by default.
iam-mixed also generates the CI workflows (``ci=github``).

For a layer, forced answers replace the curated values (duplicates collapse); for any template, a choice
value still uncovered (a layer's own question, another template's questions) gets one more combination.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

ALL_TARGETS = ["agentcore", "lambda", "fastapi", "local"]
FEATURES = ("auth", "memory", "guardrails", "telemetry")
AGENT_QUESTIONS = ("targets", "model_provider", *FEATURES)
LONG_NAME = "a" + "-b2" * 13  # 40 characters, the longest project name the template accepts
JWT_ANSWERS = {
    "auth": "jwt",
    "jwt_discovery_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example/.well-known/openid-configuration",
    "jwt_allowed_clients": "example-client",
}

COMBINATIONS: dict[str, dict[str, Any]] = {
    "everything": {
        "project_name": LONG_NAME,
        "targets": ALL_TARGETS,
        "model_provider": "offline",
        **JWT_ANSWERS,
        "jwt_allowed_scopes": "agent/invoke",
        "memory": "file",
        "guardrails": "local",
        "telemetry": "otlp",
        "protocols": ["mcp", "a2a", "agui"],  # every protocol, behind JWT; the runtime serves A2A
        "agentcore_protocol": "a2a",
    },
    "agentcore-iam": {
        "targets": ["agentcore"],
        "python_version": "3.13",
        "model_provider": "bedrock",
        "auth": "iam",
        "memory": "agentcore",
        "memory_id": "agent_memory-AbCdEf1234",
        "guardrails": "bedrock",
        "guardrail_id": "gr-0123456789",
        "telemetry": "console",
        "protocols": ["mcp"],  # an MCP runtime with IAM, Bedrock and AgentCore Memory
        "agentcore_protocol": "mcp",
    },
    "lambda-iam-s3": {
        "targets": ["lambda"],
        "python_version": "3.11",
        "model_provider": "anthropic",
        "auth": "iam",
        "memory": "s3",
        "session_bucket": "my-agent-sessions",
        "guardrails": "bedrock",
        "guardrail_id": "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-0123456789",
        "telemetry": "none",
    },
    "fastapi-jwt": {
        "targets": ["fastapi"],
        "model_provider": "openai",
        "auth": "jwt",
        "jwt_discovery_url": "http://127.0.0.1:9000/.well-known/openid-configuration",
        "jwt_allowed_audiences": "api://agent",
        "memory": "none",
        "guardrails": "local",
        "telemetry": "console",
    },
    "local-jwt": {
        "targets": ["local"],
        "model_provider": "ollama",
        **JWT_ANSWERS,
        "memory": "none",
        "guardrails": "none",
        "telemetry": "none",
    },
    "lambda-jwt-acm": {
        "targets": ["lambda"],
        "model_provider": "litellm",
        **JWT_ANSWERS,
        "memory": "agentcore",
        "memory_id": "",  # set at deploy time with AGENT_MEMORY_ID
        "guardrails": "none",
        "telemetry": "otlp",
        "lambda_streaming": True,  # the streaming app with JWT (SnapStart is covered by the defaults)
        "lambda_snapstart": False,
    },
    "iam-mixed": {
        "targets": ["agentcore", "lambda", "local"],
        "model_provider": "offline",
        "auth": "iam",
        "memory": "file",
        "guardrails": "local",
        "telemetry": "none",
        "ci": "github",  # the GitHub Actions workflows (ci_target: agentcore)
    },
    "servers-s3": {
        "targets": ["agentcore", "fastapi"],
        "model_provider": "bedrock",
        "auth": "none",
        "memory": "s3",
        "session_bucket": "",  # set at deploy time with AGENT_SESSION_BUCKET
        "guardrails": "local",
        "telemetry": "console",
    },
}


def choice_values(question: Any) -> list[Any] | None:
    """The values a choice question accepts (``choices`` as a mapping or a list), else ``None``."""
    choices = question.get("choices") if isinstance(question, dict) else None
    if isinstance(choices, dict):
        return list(choices.values())
    if isinstance(choices, list):
        return [c[1] if isinstance(c, list) and len(c) == 2 else c for c in choices]
    return None


def uncovered(combos: Mapping[str, Mapping[str, Any]], questions: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(question, value) pairs no combination uses; unconditional choice questions only."""
    missing: list[tuple[str, Any]] = []
    for key, question in questions.items():
        values = choice_values(question)
        if values is None or (isinstance(question, dict) and "when" in question):
            continue
        used: set[str] = set()
        for combo in combos.values():
            answer = combo.get(key, question.get("default"))
            used.update(map(str, answer if isinstance(answer, list) else [answer]))
        missing.extend((key, value) for value in values if str(value) not in used)
    return missing


def covering_set(
    questions: Mapping[str, Any], forced: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The combinations ``template validate`` renders for a template with these questions."""
    forced = dict(forced or {})
    agent_like = all(key in questions for key in AGENT_QUESTIONS)
    seeds = COMBINATIONS if agent_like else {"defaults": {}}
    combos: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for name, combo in seeds.items():
        answers = {**combo, **forced}
        fingerprint = _fingerprint(answers)
        if fingerprint not in seen:
            seen.add(fingerprint)
            combos[name] = answers
    first = next(iter(combos.values()))
    for key, value in uncovered(combos, questions):
        if key in forced:
            continue
        multiselect = isinstance(questions[key], dict) and questions[key].get("multiselect")
        combos[f"{key}-{value}"] = {**first, key: [value] if multiselect else value}
    return combos


def _fingerprint(answers: Mapping[str, Any]) -> str:
    return json.dumps(
        {k: sorted(map(str, v)) if isinstance(v, list) else v for k, v in answers.items()}, sort_keys=True
    )
