"""``scaffold eval``: eval sets (``evals/*.yaml``) run on strands-agents-evals against the core, a server or a
deployed target; see docs/eval.md."""
