"""SigV4 for plain HTTP calls: a function URL with ``AuthType: AWS_IAM`` verifies a signed request.

An ``httpx.Auth`` that signs each request with botocore's own signer (service ``lambda``), so the caller's
credentials, profile and session token are resolved exactly as every other AWS call of the deployer.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx

#: Headers whose values the signature covers (others, such as User-Agent, may change in transit).
SIGNED_HEADERS = ("host", "content-type", "accept", "x-amzn-bedrock-agentcore-runtime-session-id")


class SigV4(httpx.Auth):
    requires_request_body = True

    def __init__(self, credentials: Any, region: str, service: str = "lambda") -> None:
        self._credentials = credentials
        self._region = region
        self._service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        headers = {name: value for name, value in request.headers.items() if name.lower() in SIGNED_HEADERS}
        signed = AWSRequest(
            method=request.method, url=str(request.url), data=request.content, headers=headers
        )
        SigV4Auth(self._credentials, self._service, self._region).add_auth(signed)
        for name, value in signed.headers.items():
            request.headers[name] = value
        yield request
