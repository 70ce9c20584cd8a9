"""A tool the caller may not use is never called: the user-added ``admin_export`` needs the ``admin`` scope.

Through the adapters: the offline model calls a tool the prompt names only if the tool is offered, so a
caller without the scope who names it gets an echo and no marker file appears, while a caller whose token
carries the scope (claims signed with the pool's own key) does get it run. At the generated core: a call
forced by an offline-model script (the model asks for the tool whether offered or not) is refused for a
caller without the scope and runs for one with it.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import project_env, run_ok

from .conftest import ADMIN_SCOPE, ADMIN_TOOL, PACKAGE, Users
from .harness import ADAPTERS, Deployment, bearer, pool_token

COGNITO_SCOPE = "aws.cognito.signin.user.admin"  # the only scope initiate_auth grants

FORCED_CALL = f"""
import json, sys
from agent_scaffold_runtime.identity import Principal
from {PACKAGE}.agent import build_agent
from {PACKAGE}.settings import Settings

target, scopes = sys.argv[1], frozenset(sys.argv[2].split())
principal = Principal(user_id="forced-caller", auth_method="jwt", scopes=scopes)
agent = build_agent(Settings.from_env(), principal=principal, session_id=target)
agent.model.update_config(script=[{{"tool": "{ADMIN_TOOL}", "input": {{"target": target}}}}])
result = agent("export everything")
print(json.dumps({{"text": str(result).strip(), "offered": sorted(agent.tool_names)}}))
"""


def markers(project: Path) -> list[str]:
    directory = project / "markers"
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def invoke(main: Deployment, adapter: str, token: str, prompt: str) -> dict[str, Any]:
    reply = main.invoke(
        adapter, {"prompt": prompt, "session_id": f"tools-{uuid.uuid4().hex[:12]}"}, bearer(token)
    )
    assert reply.status == 200, reply.body
    data: dict[str, Any] = reply.json()
    return data


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_tool_named_in_the_prompt_is_called_when_offered(
    adapter: str, main: Deployment, users: Users
) -> None:
    """The mechanism the next test relies on, through the adapter: naming an offered tool calls it."""
    data = invoke(main, adapter, users.alice, "word_count: one two three")
    assert data["metrics"]["tool_calls"] == {"word_count": 1}
    assert data["text"] == "The word_count tool returned: 3"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_admin_tool_is_not_offered_to_a_caller_without_the_scope(
    adapter: str, main: Deployment, users: Users, project: Path
) -> None:
    target = f"denied-{adapter}"
    before = markers(project)
    prompt = f"{ADMIN_TOOL}: {target}"
    data = invoke(main, adapter, users.alice, prompt)  # alice's real token: scope aws.cognito.signin...
    assert data["metrics"]["tool_calls"] == {}
    assert data["text"] == f"You said: {prompt}"
    assert markers(project) == before
    assert target not in markers(project)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_admin_tool_runs_for_a_caller_with_the_scope(
    adapter: str, main: Deployment, users: Users, project: Path
) -> None:
    """The control: same prompt, a token that carries the scope; the tool runs and leaves its marker."""
    target = f"granted-{adapter}"
    token = pool_token(users.alice, scope=f"{COGNITO_SCOPE} {ADMIN_SCOPE}")
    data = invoke(main, adapter, token, f"{ADMIN_TOOL}: {target}")
    assert data["metrics"]["tool_calls"] == {ADMIN_TOOL: 1}
    assert data["text"] == f"The {ADMIN_TOOL} tool returned: exported to {target}"
    assert target in markers(project)


def forced_call(project: Path, target: str, scopes: str, tmp_path: Path) -> dict[str, Any]:
    result = run_ok(
        [sys.executable, "-c", FORCED_CALL, target, scopes],
        cwd=project,
        env=project_env(project, AGENT_SESSION_DIR=str(tmp_path / "sessions"), AGENT_TELEMETRY="none"),
        timeout=120,
    )
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_a_forced_call_is_refused_by_the_generated_core(project: Path, tmp_path: Path) -> None:
    denied = forced_call(project, "forced-denied", COGNITO_SCOPE, tmp_path)
    assert ADMIN_TOOL not in denied["offered"]
    assert f"Unknown tool: {ADMIN_TOOL}" in denied["text"]
    assert "forced-denied" not in markers(project)
    granted = forced_call(project, "forced-granted", f"{COGNITO_SCOPE} {ADMIN_SCOPE}", tmp_path)
    assert ADMIN_TOOL in granted["offered"]
    assert granted["text"] == f"The {ADMIN_TOOL} tool returned: exported to forced-granted"
    assert "forced-granted" in markers(project)
