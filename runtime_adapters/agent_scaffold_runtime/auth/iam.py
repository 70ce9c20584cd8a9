"""AWS IAM callers: the platform verified the SigV4 signature, so we only read who the caller is.

* Lambda Function URL (and HTTP API) with ``AWS_IAM`` auth: the event's ``requestContext.authorizer.iam``
  (``userArn``, ``callerId``, ``accountId``…); a REST API with IAM auth puts ``userArn`` under
  ``requestContext.identity``. ``user_id`` is the caller's ARN. A Lambda request without this context did
  not go through IAM auth (e.g. a Function URL left at ``NONE``), so it is refused with 401.
* AgentCore Runtime (SigV4 is its default inbound auth): the adapter passes no request context. The
  caller may name an end user with ``runtimeUserId``, which AgentCore forwards in the
  ``X-Amzn-Bedrock-AgentCore-Runtime-User-Id`` header (setting it needs the separate
  ``bedrock-agentcore:InvokeAgentRuntimeForUser`` permission); without it every caller is the fixed
  principal ``aws-iam-caller``.

The header is trusted only in that second case, and only because AgentCore stands in front: do not use
``iam`` for a server reachable without AgentCore (the FastAPI target), where anyone could send the header.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..identity import Principal
from .errors import AuthError

USER_ID_HEADER = "x-amzn-bedrock-agentcore-runtime-user-id"
IAM_CALLER = "aws-iam-caller"
_IAM_FIELDS = ("userArn", "callerId", "accountId", "userId", "principalOrgId")
_MAX_ID_CHARS = 1024


class IamAuthenticator:
    """An ``Authenticator`` for ``AGENT_AUTH=iam``."""

    def authenticate(
        self, headers: Mapping[str, str], request_context: Mapping[str, Any] | None = None
    ) -> Principal:
        if request_context is None:
            return _agentcore_principal(headers)
        iam = _mapping(_mapping(request_context.get("authorizer")).get("iam"))
        if not iam:
            iam = _mapping(request_context.get("identity"))  # API Gateway REST API with IAM auth
        caller = iam.get("userArn") or iam.get("callerId") or iam.get("caller")
        if not isinstance(caller, str) or not _valid_id(caller):
            raise AuthError(
                "This endpoint requires AWS IAM (SigV4) authentication.",
                www_authenticate="AWS4-HMAC-SHA256",
            )
        claims = {name: iam[name] for name in _IAM_FIELDS if isinstance(iam.get(name), str)}
        return Principal(user_id=caller, auth_method="iam", claims=MappingProxyType(claims))


def _agentcore_principal(headers: Mapping[str, str]) -> Principal:
    user_id = next((value for name, value in headers.items() if name.lower() == USER_ID_HEADER), None)
    if user_id is None or not user_id.strip():
        return Principal(user_id=IAM_CALLER, auth_method="iam")
    user_id = user_id.strip()
    if not _valid_id(user_id):
        raise AuthError("The runtime user id is not valid.", www_authenticate="AWS4-HMAC-SHA256")
    return Principal(
        user_id=user_id, auth_method="iam", claims=MappingProxyType({"runtime_user_id": user_id})
    )


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _MAX_ID_CHARS and value.isprintable()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
