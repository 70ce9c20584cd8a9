"""The Lambda target behind an API Gateway HTTP API (``frontend = "http_api"``): a JWT authorizer from the
auth answers on ``POST /invocations``, one proxy integration on the ``live`` alias, the ``$default`` stage,
and the one permission for this API; a no-change redeploy changes nothing; destroy removes it all."""

from __future__ import annotations

import json

from scaffold.errors import ExitCode

from .conftest import PROJECT, run_cli
from .sequences import HTTP_API_FRONTEND, LAMBDA_ALARMS

POOL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"
JWT = (
    "auth=jwt",
    f"jwt_discovery_url={POOL}/.well-known/openid-configuration",
    "jwt_allowed_clients=client-a",
    "jwt_allowed_audiences=aud-1",
)


def use_http_api(project):
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.scaffold.deploy.lambda]\nfrontend = "http_api"\n')
    return project


def deploy(project, moto, *extra):
    return run_cli(["deploy", "-t", "lambda", "--project", str(project.root), *moto.cli_args, *extra])


def test_http_api_with_a_jwt_authorizer(make_project, moto, artifact, calls):
    project = use_http_api(make_project(*JWT))
    result = deploy(project, moto, "--json")
    assert result.exit_code == 0, result.output
    assert calls.mutating[-12:] == [*HTTP_API_FRONTEND, *LAMBDA_ALARMS], "the alarms come last"
    assert "CreateFunctionUrlConfig" not in calls.mutating
    outputs = json.loads(result.stdout)["outputs"]
    assert outputs["api_url"].endswith(".execute-api.us-east-1.amazonaws.com/invocations")
    assert "function_url" not in outputs

    gateway, lam = moto.client("apigatewayv2"), moto.client("lambda")
    [api] = gateway.get_apis()["Items"]
    assert api["Name"] == PROJECT and api["Tags"]["agent-scaffold:target"] == "lambda"
    [authorizer] = gateway.get_authorizers(ApiId=api["ApiId"])["Items"]
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"] == {"Issuer": POOL, "Audience": ["client-a", "aud-1"]}
    [integration] = gateway.get_integrations(ApiId=api["ApiId"])["Items"]
    alias_arn = lam.get_alias(FunctionName=PROJECT, Name="live")["AliasArn"]
    assert (integration["IntegrationUri"], integration["PayloadFormatVersion"]) == (alias_arn, "2.0")
    routes = {route["RouteKey"]: route for route in gateway.get_routes(ApiId=api["ApiId"])["Items"]}
    assert routes["POST /invocations"]["AuthorizationType"] == "JWT"
    assert routes["POST /invocations"]["AuthorizerId"] == authorizer["AuthorizerId"]
    assert routes["GET /ping"]["AuthorizationType"] == "NONE"
    assert gateway.get_stage(ApiId=api["ApiId"], StageName="$default")["AutoDeploy"] is True
    policy = json.loads(lam.get_policy(FunctionName=PROJECT, Qualifier="live")["Policy"])
    [statement] = policy["Statement"]
    assert statement["Sid"] == f"HttpApiInvoke-{api['ApiId']}"
    assert f":{api['ApiId']}/*/*" in json.dumps(statement)
    env = lam.get_function_configuration(FunctionName=PROJECT)["Environment"]["Variables"]
    assert env["AGENT_AUTH"] == "jwt", "the handler verifies the token again behind the authorizer"

    calls.clear()
    assert deploy(project, moto).exit_code == 0
    assert calls.mutating == []

    gone = run_cli(["destroy", "-t", "lambda", "--project", str(project.root), *moto.cli_args, "--yes"])
    assert gone.exit_code == 0, gone.output
    assert gateway.get_apis()["Items"] == []
    assert moto.inventory()["functions"] == []


def test_an_api_deleted_out_of_band_is_recreated_with_a_permission_for_the_new_one(
    make_project, moto, artifact, calls
):
    project = use_http_api(make_project(*JWT))
    assert deploy(project, moto).exit_code == 0
    gateway = moto.client("apigatewayv2")
    old = gateway.get_apis()["Items"][0]["ApiId"]
    gateway.delete_api(ApiId=old)
    calls.clear()

    assert deploy(project, moto).exit_code == 0

    [api] = gateway.get_apis()["Items"]
    assert api["ApiId"] != old
    assert calls.mutating[0] == "CreateApi" and calls.mutating[-1] == "AddPermission"
    policy = moto.client("lambda").get_policy(FunctionName=PROJECT, Qualifier="live")["Policy"]
    assert f"HttpApiInvoke-{api['ApiId']}" in policy
    calls.clear()
    assert deploy(project, moto).exit_code == 0
    assert calls.mutating == []


def test_without_jwt_the_route_takes_aws_iam(make_project, moto, artifact):
    project = use_http_api(make_project())
    assert deploy(project, moto).exit_code == 0
    gateway = moto.client("apigatewayv2")
    api_id = gateway.get_apis()["Items"][0]["ApiId"]
    assert gateway.get_authorizers(ApiId=api_id)["Items"] == []
    routes = {
        route["RouteKey"]: route["AuthorizationType"] for route in gateway.get_routes(ApiId=api_id)["Items"]
    }
    assert routes == {"POST /invocations": "AWS_IAM", "GET /ping": "NONE"}


def test_an_unknown_frontend_is_bad_input(project, moto, artifact):
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.scaffold.deploy.lambda]\nfrontend = "alb"\n')
    result = deploy(project, moto)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "frontend must be one of function_url, http_api, not 'alb'." in result.stderr
    assert result.exit_code != ExitCode.UNAVAILABLE
