"""Deployment environments (``environments.toml``): per-environment settings, names, state and guardrails."""
