"""Serve an ASGI app with a real uvicorn server on a loopback socket, for tests that speak real HTTP: the
runtime library's ``serving`` (the helper a generated project's tests use too), and free ports."""

from __future__ import annotations

import socket

from agent_scaffold_runtime.testing import serving

__all__ = ["free_port", "serving"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
