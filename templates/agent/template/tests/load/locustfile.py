"""Load test of the agent's HTTP contract (``POST /invocations``), run by ``scaffold loadtest`` or by hand
(``pip install 'agent-scaffold-runtime[loadtest]'``, then
``locust -f tests/load/locustfile.py --host http://127.0.0.1:8080``).

Every virtual user has its own identity and session and checks every answer, not only the status; how
(tokens, SigV4, the ``LOADTEST_*`` variables) is in ``agent_scaffold_runtime.loadtest``. Extend it: add
``@task`` methods (weights: ``@task(3)``) that ``self.ask(...)`` other prompts, ``wait_time`` for think time.
"""

from __future__ import annotations

import random

from agent_scaffold_runtime.loadtest import AgentLoadUser
from locust import task


class AgentUser(AgentLoadUser):
    @task
    def ask_the_calculator(self) -> None:
        a, b = random.randint(2, 999), random.randint(2, 999)
        prompt = f"What is {a}*{b}? Ask the calculator expression={a}*{b}"
        self.ask(prompt, expected=f"The calculator tool returned: {a * b}")
