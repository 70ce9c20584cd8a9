"""Runtime adapters: expose one portable agent core on AgentCore, Lambda, FastAPI and the command line.

This package is vendored into every generated project and shipped in every deployed artifact, so it stays
small and cheap to import: each adapter module imports only what its own target uses.
"""

__version__ = "0.1.0"
