"""Where a deployed target answers over HTTP, and how to sign for it, from the deploy state.

* ``fastapi``: the load balancer's URL (stack output ``URL``); ``--token`` for auth=jwt.
* ``lambda``: the Function URL (SigV4 for service ``lambda`` when its auth type is ``AWS_IAM``), else the HTTP
  API's endpoint.
* ``agentcore``: the runtime's data-plane URL for the ``live`` endpoint (SigV4 for ``bedrock-agentcore``,
  unless ``--token`` is given for a runtime behind a JWT authorizer); AgentCore routes by the session header,
  which every virtual user sends.

IAM targets are signed with the caller's AWS credentials (botocore's default chain): every virtual user
signs as the same IAM principal and keeps its own session.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..deploy.errors import NotDeployed
from ..invoke_client import invocation_url
from ..project import Project


@dataclass(frozen=True)
class DeployedEndpoint:
    url: str  # the full invocation URL (path and query included)
    sigv4: tuple[str, str] | None = None  # (service, region) to sign for

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def deployed_endpoint(
    project: Project,
    target: str,
    *,
    region: str | None,
    endpoint_url: str | None,
    token: str | None,
    environment: str = "dev",
) -> DeployedEndpoint:
    from ..deploy.state import load_state

    state = load_state(project.root, target, environment)
    if state is None:
        raise NotDeployed(f"{target} is not deployed (no state recorded); run: {_deploy_hint(target)}")
    region = region or state.region
    resources = state.resources
    if target == "fastapi":
        url = (resources.get("stack") or {}).get("outputs", {}).get("URL")
        if url:
            return DeployedEndpoint(invocation_url(str(url)))
    elif target == "lambda":
        function_url = resources.get("function_url") or {}
        if function_url.get("url"):
            iam = function_url.get("auth_type") == "AWS_IAM" and not token
            sigv4 = ("lambda", region) if iam else None
            return DeployedEndpoint(invocation_url(str(function_url["url"])), sigv4)
        api = resources.get("http_api") or {}
        if api.get("endpoint"):
            return DeployedEndpoint(invocation_url(str(api["endpoint"])))
    elif target == "agentcore":
        arn = (resources.get("runtime") or {}).get("arn")
        endpoint = (resources.get("endpoint") or {}).get("name")
        if arn and endpoint:
            base = (endpoint_url or f"https://bedrock-agentcore.{region}.amazonaws.com").rstrip("/")
            url = f"{base}/runtimes/{quote(str(arn), safe='')}/invocations?qualifier={quote(str(endpoint))}"
            return DeployedEndpoint(url, None if token else ("bedrock-agentcore", region))
    raise NotDeployed(f"The {target} deployment records no HTTP endpoint; run: {_deploy_hint(target)}")


def _deploy_hint(target: str) -> str:
    return f"scaffold deploy --target {target}"
