"""``scaffold dev``: the project's own server with a playground page, a span collector and a local issuer.

Everything here runs only on a developer's machine. None of it is part of a generated project, so it never
reaches a package or a container (``scaffold/packaging`` copies the project, not the toolkit).
"""
