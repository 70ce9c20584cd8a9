"""``scaffold configure protocols=[...]``: a protocol arrives (and leaves) like any answer."""

from __future__ import annotations

import yaml

from tests.lifecycle.helpers import commit_all, new_project, scaffold
from tests.protocols.runtime_extras import runtime_extras


def test_protocols_are_switched_with_configure(tmp_path) -> None:
    project = new_project(tmp_path, "-t", "agentcore")
    entrypoints = project / "demo_agent" / "entrypoints"
    assert not (entrypoints / "mcp_server.py").exists()

    added = scaffold("configure", "protocols=[mcp,a2a]", "agentcore_protocol=mcp", "--project", str(project))

    assert added.exit_code == 0, added.output
    assert (entrypoints / "mcp_server.py").is_file() and (entrypoints / "a2a_server.py").is_file()
    assert (project / "tests" / "test_mcp.py").is_file() and not (entrypoints / "agui_app.py").exists()
    assert {"mcp", "a2a"} <= runtime_extras(project) and "agui" not in runtime_extras(project)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["protocols"], answers["agentcore_protocol"]) == (["mcp", "a2a"], "mcp")
    commit_all(project, "protocols")

    refused = scaffold("configure", "agentcore_protocol=agui", "--project", str(project))
    assert refused.exit_code == 2 and "needs 'agui' in protocols" in refused.output

    removed = scaffold("configure", "protocols=[]", "agentcore_protocol=http", "--project", str(project))
    assert removed.exit_code == 0, removed.output
    assert not (entrypoints / "mcp_server.py").exists() and not (entrypoints / "a2a_server.py").exists()
