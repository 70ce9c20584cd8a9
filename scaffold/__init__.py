"""agent-scaffold: create, run and ship Strands agents on AWS."""

__version__ = "0.2.0"
