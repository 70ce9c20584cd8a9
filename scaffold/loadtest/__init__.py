"""``scaffold loadtest``: Locust against the agent; see docs/eval.md."""
