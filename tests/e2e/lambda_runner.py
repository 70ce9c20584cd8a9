"""Run a generated project's Lambda handler in its own process, the way the Lambda runtime would.

Usage: ``python lambda_runner.py <package>.entrypoints.lambda_handler`` in the project directory, with the
project on ``PYTHONPATH``. It imports the module, prints ``{"ready": true}``, then reads one event (a JSON
object) per line on stdin and prints one line per event: ``{"response": <what handler returned>}`` or
``{"error": <exception type>, "message": ...}``.

Only this protocol uses stdout: the real stdout is kept on a private descriptor and file descriptor 1 is
pointed at stderr, so anything the project prints lands in the stderr log with everything else.
Standard library only: it runs inside the project, not inside the scaffold's test tree.
"""

from __future__ import annotations

import importlib
import json
import os
import sys


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    handler = importlib.import_module(sys.argv[1]).handler
    protocol.write(json.dumps({"ready": True}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        event = json.loads(line)
        try:
            result = {"response": handler(event, None)}
        except Exception as exc:  # a direct-invoke error is a real Lambda function error: report, go on
            result = {"error": type(exc).__name__, "message": str(exc)}
        protocol.write(json.dumps(result) + "\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
