"""Command-line entrypoint: ``travel-assistant "Hello"`` (after ``pip install -e .``),
``scaffold run "Hello"``, or ``python -m travel_assistant.entrypoints.local "Hello"``.

Without a prompt it reads prompts from stdin in a loop; ``--session-id``, ``--user-id`` and ``--json``
are also accepted. No agent logic here: it lives in ``travel_assistant.agent``.
"""

from agent_scaffold_runtime.loader import AgentRef
from agent_scaffold_runtime.local_adapter import main as run_local

from ..settings import RUNTIME_DEFAULTS


def main(argv: list[str] | None = None) -> int:
    return run_local(
        AgentRef("travel_assistant.agent"),
        argv,
        defaults=RUNTIME_DEFAULTS,
    )


if __name__ == "__main__":
    raise SystemExit(main())
