"""moto's real server on a loopback port: every AWS call in the tests goes through normal boto3 clients."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from moto.server import ThreadedMotoServer


@contextlib.contextmanager
def moto_server(region: str = "us-east-1") -> Iterator[str]:
    """Yield the endpoint URL of a fresh moto server, with dummy credentials and no profile in the env.

    Dropping ``AWS_PROFILE``/``AWS_ENDPOINT_URL``/``AWS_SESSION_TOKEN`` keeps a developer's real settings
    from leaking into tests (or tests from reaching a real account).
    """
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", region)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
            env.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def codebuild_project(client: Any, *, name: str, bucket: str, account: str = "123456789012") -> None:
    """A CodeBuild project building from S3 contexts in ``bucket`` (made here too), as an image build
    expects; ``client(service)`` makes a boto3 client on the moto server."""
    client("s3").create_bucket(Bucket=bucket)
    client("codebuild").create_project(
        name=name,
        source={"type": "S3", "location": f"{bucket}/placeholder.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "ARM_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole=f"arn:aws:iam::{account}:role/codebuild",
    )
