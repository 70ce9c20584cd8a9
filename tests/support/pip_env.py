"""What tests that build a fresh virtual environment with pip add to the environment of the command.

pip byte-compiles every module it installs: about 8,000 files and 20 s of CPU per environment for the
toolkit's dependencies, a quarter of the install. Python compiles a module when it is first imported, so
the commands under test run exactly as written and behave the same; only work nothing uses is left out.
"""

from __future__ import annotations

PIP_TEST_ENV = {"PIP_NO_COMPILE": "1"}
