"""One small module per deployment target, each handing the agent core to a runtime adapter.

Entrypoints hold no agent logic. They name the core by module path,
``AgentRef("research_orchestrator.agent")``, and the adapter imports it on first use:
a Lambda handler module imports in milliseconds and a server answers ``/ping`` while Strands loads.
"""
