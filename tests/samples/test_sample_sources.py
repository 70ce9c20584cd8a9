"""Committed samples name their template portably, so `scaffold update` works from any clone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SAMPLES = Path(__file__).parent.parent.parent / "samples"
PROJECTS = sorted(p.parent for p in SAMPLES.glob("*/.copier-answers.yml"))


def test_every_generated_sample_is_found() -> None:
    assert {p.name for p in PROJECTS} >= {"travel-assistant", "mcp-server", "research-orchestrator"}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_answers_record_a_versioned_portable_template_source(project: Path) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"].startswith("scaffold://"), answers["_src_path"]  # not a path on one machine
    assert answers["_commit"].startswith("v")
