"""Tool authorization: which of the orchestrator's tools are protected. ``whoami`` (in ``tools.py``) needs the
``profile`` scope; the others are open to every caller.

How a protected tool is then offered, called and refused is the runtime's (``tool_auth``), tested there and
in every generated project's ``tests/test_tool_auth.py``; the travel-assistant sample runs those checks too.
"""

from agent_scaffold_runtime.identity import Principal, local_principal
from agent_scaffold_runtime.tool_auth import allowed_tools

from research_orchestrator.tools import TOOLS, WHOAMI_SCOPE

ALICE = Principal(user_id="alice", auth_method="jwt", scopes=frozenset({WHOAMI_SCOPE, "openid"}))
BOB = Principal(user_id="bob", auth_method="jwt", scopes=frozenset({"openid"}))


def tool_names(principal: Principal) -> list[str]:
    return [tool.tool_name for tool in allowed_tools(TOOLS, principal)]


def test_whoami_is_offered_only_with_its_scope() -> None:
    assert "whoami" in tool_names(ALICE)
    assert "whoami" not in tool_names(BOB)
    assert "whoami" not in tool_names(local_principal("developer"))
    assert tool_names(BOB) == ["current_time"]  # unmarked tools stay open
