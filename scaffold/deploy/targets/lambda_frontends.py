"""How callers reach the Lambda function, one entry per ``frontend`` setting (``function_url`` by default).

* ``function_url``: a Function URL on the ``live`` alias: ``AWS_IAM``, or ``NONE`` when the project verifies
  JWTs itself (``auth=jwt``; both public-access statements a ``NONE`` URL needs are added). A project with
  ``auth=none`` still gets ``AWS_IAM``: a public, unauthenticated URL in front of a paid model is never a
  default.
* ``http_api``: an API Gateway HTTP API whose ``POST /invocations`` route is guarded by a JWT authorizer
  built from the ``auth=jwt`` answers (issuer from the discovery URL; audience = allowed clients and
  audiences, since Cognito access tokens carry ``client_id`` instead of ``aud``), or by ``AWS_IAM`` for the
  other answers; ``GET /ping`` stays open; plus the one permission that lets this API invoke the alias.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import answer, answer_list
from ..models import Fmt, FunctionUrl, HttpApi, LambdaPermission, Ref, Resource
from ..naming import ALIAS
from .base import Target

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def function_url(inputs: Target) -> list[Resource]:
    function = inputs.names.function
    auth_type = "NONE" if answer(inputs.project, "auth") == "jwt" else "AWS_IAM"
    mode = "RESPONSE_STREAM" if inputs.project.answers.get("lambda_streaming") else "BUFFERED"
    resources: list[Resource] = [
        FunctionUrl(
            key="function_url", function_name=function, qualifier=ALIAS, auth_type=auth_type, invoke_mode=mode
        )
    ]
    if auth_type == "NONE":
        resources += [
            LambdaPermission(
                key="url_permission",
                function_name=function,
                qualifier=ALIAS,
                statement_id="FunctionURLAllowPublicAccess",
                action="lambda:InvokeFunctionUrl",
                principal="*",
                url_auth_type="NONE",
            ),
            LambdaPermission(
                key="url_invoke_permission",
                function_name=function,
                qualifier=ALIAS,
                statement_id="FunctionURLInvokeAllowPublicAccess",
                action="lambda:InvokeFunction",
                principal="*",
                invoked_via_function_url=True,
            ),
        ]
    return resources


def http_api(inputs: Target) -> list[Resource]:
    names, scope, project = inputs.names, inputs.scope, inputs.project
    jwt = answer(project, "auth") == "jwt"
    issuer = answer(project, "jwt_discovery_url").removesuffix(DISCOVERY_SUFFIX) if jwt else None
    audience = (*answer_list(project, "jwt_allowed_clients"), *answer_list(project, "jwt_allowed_audiences"))
    api_id = Ref("http_api", "id")
    return [
        HttpApi(
            key="http_api",
            name=names.function,
            integration_uri=Ref("alias", "arn"),
            routes={"POST /invocations": "JWT" if jwt else "AWS_IAM", "GET /ping": "NONE"},
            jwt_issuer=issuer,
            jwt_audience=audience if jwt else (),
            tags=names.tags,
        ),
        LambdaPermission(
            key="http_api_permission",
            function_name=names.function,
            qualifier=ALIAS,
            statement_id=Fmt("HttpApiInvoke-{}", (api_id,)),
            action="lambda:InvokeFunction",
            principal="apigateway.amazonaws.com",
            source_arn=Fmt(
                f"arn:{scope.partition}:execute-api:{scope.region}:{scope.account_id}:{{}}/*/*", (api_id,)
            ),
        ),
    ]


FRONTENDS: dict[str, Callable[[Target], list[Resource]]] = {
    "function_url": function_url,
    "http_api": http_api,
}
