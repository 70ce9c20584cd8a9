"""An API Gateway HTTP API as one resource: the API, its JWT authorizer, one Lambda proxy integration (payload
2.0, on the ``live`` alias), the routes and the auto-deployed ``$default`` stage.

Observed together and converged piece by piece, so an interrupted create (the API made, its routes not yet)
is finished by the next run, never duplicated: the API is found by its recorded id, else by name and tags.
"""

from __future__ import annotations

from typing import Any

from ...aws_idioms import deleted, every, if_found
from ..context import DeployContext
from ..models import HttpApi
from ..state import Record
from .base import Handler, Observed, recorded_or_named, register

STAGE = "$default"
AUTHORIZER = "jwt"
IDENTITY_SOURCE = ["$request.header.Authorization"]


@register("http_api")
class HttpApiHandler(Handler[HttpApi]):
    def observe(self, res: HttpApi, record: Record | None, ctx: DeployContext) -> Observed | None:
        api, recorded = recorded_or_named(
            record, lambda id_: _get_api(id_, ctx), lambda: _find_by_name(res.name, ctx)
        )
        if api is None:
            return None
        parts = _parts(api["ApiId"], ctx)
        owned = recorded or ctx.names.owns(api.get("Tags"))
        return Observed(record=_record(api, parts), actual=_comparable(parts), owned=owned)

    def desired(self, res: HttpApi, ctx: DeployContext) -> dict[str, Any]:
        jwt = {"issuer": res.jwt_issuer, "audience": sorted(res.jwt_audience)} if res.jwt_issuer else None
        return {
            "authorizer": jwt,
            "integration": ctx.resolve(res.integration_uri),
            "routes": dict(sorted(res.routes.items())),
            "stage": True,
        }

    def create(self, res: HttpApi, ctx: DeployContext) -> Record:
        api = ctx.client("apigatewayv2").create_api(Name=res.name, ProtocolType="HTTP", Tags=res.tags)
        return self._converge(res, api, ctx)

    def update(self, res: HttpApi, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        api = _get_api(observed.record["id"], ctx)
        assert api is not None
        return self._converge(res, api, ctx)

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(ctx.client("apigatewayv2").delete_api, ApiId=record["id"])

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        api = _get_api(record["id"], ctx)
        if api is None:
            return None
        actual = _comparable(_parts(api["ApiId"], ctx))
        return Observed(record=record, actual=actual, detail=str(api.get("ApiEndpoint", "")))

    def _converge(self, res: HttpApi, api: dict[str, Any], ctx: DeployContext) -> Record:
        """Make each missing or different piece, in dependency order; leave the right ones alone."""
        gateway, api_id = ctx.client("apigatewayv2"), api["ApiId"]
        parts = _parts(api_id, ctx)
        authorizer_id = self._authorizer(res, api_id, parts, ctx)
        integration_uri = ctx.resolve(res.integration_uri)
        integration = parts["integration"]
        if integration is None:
            integration = gateway.create_integration(
                ApiId=api_id,
                IntegrationType="AWS_PROXY",
                IntegrationUri=integration_uri,
                PayloadFormatVersion="2.0",
            )
        elif integration.get("IntegrationUri") != integration_uri:
            gateway.update_integration(
                ApiId=api_id, IntegrationId=integration["IntegrationId"], IntegrationUri=integration_uri
            )
        target = f"integrations/{integration['IntegrationId']}"
        for key, authorization in res.routes.items():
            auth: dict[str, Any] = {"AuthorizationType": authorization}
            if authorization == "JWT":
                auth["AuthorizerId"] = authorizer_id
            route = parts["routes"].get(key)
            if route is None:
                gateway.create_route(ApiId=api_id, RouteKey=key, Target=target, **auth)
            elif route.get("AuthorizationType") != authorization or route.get("Target") != target:
                gateway.update_route(ApiId=api_id, RouteId=route["RouteId"], Target=target, **auth)
        if parts["stage"] is None:
            gateway.create_stage(ApiId=api_id, StageName=STAGE, AutoDeploy=True, Tags=res.tags)
        elif not parts["stage"].get("AutoDeploy"):
            gateway.update_stage(ApiId=api_id, StageName=STAGE, AutoDeploy=True)
        return _record(api, _parts(api_id, ctx))

    def _authorizer(self, res: HttpApi, api_id: str, parts: dict[str, Any], ctx: DeployContext) -> str | None:
        if not res.jwt_issuer:
            return None
        gateway = ctx.client("apigatewayv2")
        config = {"Issuer": res.jwt_issuer, "Audience": list(res.jwt_audience)}
        found = parts["authorizer"]
        if found is None:
            created = gateway.create_authorizer(
                ApiId=api_id,
                AuthorizerType="JWT",
                Name=AUTHORIZER,
                IdentitySource=IDENTITY_SOURCE,
                JwtConfiguration=config,
            )
            return str(created["AuthorizerId"])
        if _jwt(found) != {"issuer": res.jwt_issuer, "audience": sorted(res.jwt_audience)}:
            gateway.update_authorizer(
                ApiId=api_id, AuthorizerId=found["AuthorizerId"], JwtConfiguration=config
            )
        return str(found["AuthorizerId"])


def _get_api(api_id: str, ctx: DeployContext) -> dict[str, Any] | None:
    found: dict[str, Any] | None = if_found(ctx.client("apigatewayv2").get_api, ApiId=api_id)
    return found


def _find_by_name(name: str, ctx: DeployContext) -> dict[str, Any] | None:
    for api in every(ctx.client("apigatewayv2"), "get_apis", "Items"):
        if api.get("Name") == name:
            return _get_api(api["ApiId"], ctx)
    return None


def _parts(api_id: str, ctx: DeployContext) -> dict[str, Any]:
    gateway = ctx.client("apigatewayv2")
    authorizers = gateway.get_authorizers(ApiId=api_id).get("Items", [])
    integrations = gateway.get_integrations(ApiId=api_id).get("Items", [])
    routes = gateway.get_routes(ApiId=api_id).get("Items", [])
    stage: dict[str, Any] | None = if_found(gateway.get_stage, ApiId=api_id, StageName=STAGE)
    return {
        "authorizer": next((a for a in authorizers if a.get("Name") == AUTHORIZER), None),
        "integration": next((i for i in integrations if i.get("IntegrationType") == "AWS_PROXY"), None),
        "routes": {route["RouteKey"]: route for route in routes},
        "stage": stage,
    }


def _jwt(authorizer: dict[str, Any]) -> dict[str, Any]:
    config = authorizer.get("JwtConfiguration") or {}
    return {"issuer": config.get("Issuer"), "audience": sorted(config.get("Audience") or [])}


def _comparable(parts: dict[str, Any]) -> dict[str, Any]:
    integration = parts["integration"]
    return {
        "authorizer": _jwt(parts["authorizer"]) if parts["authorizer"] else None,
        "integration": integration.get("IntegrationUri") if integration else None,
        "routes": {key: route.get("AuthorizationType") for key, route in sorted(parts["routes"].items())},
        "stage": bool(parts["stage"] and parts["stage"].get("AutoDeploy")),
    }


def _record(api: dict[str, Any], parts: dict[str, Any]) -> Record:
    return {
        "name": api.get("Name"),
        "id": api["ApiId"],
        "endpoint": api.get("ApiEndpoint"),
        "authorizer_id": (parts["authorizer"] or {}).get("AuthorizerId"),
    }
