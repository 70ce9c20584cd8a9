"""The "Try it" commands of the travel assistant's and the research orchestrator's READMEs, run as written.

Each block runs in one ``bash`` in a fresh copy of the sample, with this interpreter's ``scaffold`` on
``PATH`` (what "with the agent-scaffold CLI installed" means), and its output is checked against what the
README says it prints. The real date is used: "next Monday" is whatever Monday comes next.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.processes import run_ok

from .support import code_blocks, copy_sample, readme_section, sample_env


def run_try_it(name: str, tmp_path: Path) -> str:
    [block] = code_blocks(readme_section(name, "Try it"), "sh")
    project = copy_sample(name, tmp_path)
    return run_ok(["bash", "-euo", "pipefail", "-c", block], cwd=project, env=sample_env()).stdout


def test_travel_assistant_books_lists_and_refuses(tmp_path: Path) -> None:
    out = run_try_it("travel-assistant", tmp_path)

    booked = re.search(
        r"^The book_travel tool returned: Booked flight FL-101 \(Cascade Air SEA-JFK departing 07:05, "
        r"5\.5 h, economy\) on Monday (\d{4}-\d\d-\d\d) for local-user: confirmation (ACME-[0-9A-F]{6}), "
        r"\$420\.$",
        out,
        re.M,
    )
    assert booked, out
    day, confirmation = booked.groups()
    listed = f"The list_bookings tool returned: Bookings of local-user (1):\n- {confirmation}: flight FL-101"
    assert listed in out
    assert f"on {day}, $420" in out
    assert re.search(
        rf"^The book_travel tool returned: Refused: FL-102 on Monday {day} is outside the Acme Corporation "
        r"travel policy: business class is not allowed; the fare is over the domestic limit of \$700\. "
        r"Nothing was booked\.$",
        out,
        re.M,
    ), out
    assert len(list((tmp_path / "travel-assistant" / ".scaffold" / "bookings").glob("*.json"))) == 1


def test_research_orchestrator_delegates_and_stops_a_runaway(tmp_path: Path) -> None:
    out = run_try_it("research-orchestrator", tmp_path)

    first, _, rest = out.partition("\n")
    stopped = json.loads(rest)

    assert first == "The math_specialist tool returned: The calculator tool returned: 5455.23238381"
    assert stopped["text"] == (
        "Stopped: the limit of 3 delegations per request (ORCHESTRATOR_MAX_DELEGATIONS) was reached."
    )
    assert stopped["metrics"]["tool_calls"] == {"research_specialist": 3}
