"""``scaffold dev``: serve the project with hot reload and a playground page at ``/`` of the same server."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import click

from ..deploy.cli_options import aws_options, token_option
from ..deploy.options import AwsOptions
from ..dev.config import DEV_SESSION_DIR, TOKEN_VARIABLE, DevConfig, dev_memory, names
from ..errors import BadInput
from ..invoke_client import invocation_url
from ..project import Project, locate_project
from ..project_process import launched, replace_process, run_foreground
from ..targets import SERVER_TARGETS
from ._common import project_option, require_target
from .serve import DEFAULT_HOST, _url_host, ensure_port_free, server_target

REMOTE_DEFAULT_PORT = 8090
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
SERVER_FACTORY = "scaffold.dev.server:create_app"

EPILOG = """\b
Examples:
  scaffold dev                                 # http://127.0.0.1:8080: chat, steps, traces
  scaffold dev --target fastapi --open         # and open the page in a browser
  scaffold dev --otlp http://127.0.0.1:4318    # also send the spans to an OTLP collector
  scaffold dev --url https://agent.example.com # the same page against a running server
  scaffold dev --deployed agentcore            # ... or against a deployed target (AWS credentials)

\b
The API stays where `scaffold serve` puts it (/invocations, /ping); the page is at / and its own routes
under /_dev/. Code changes under the project restart the server. With auth=jwt a local issuer signs tokens
for the test users you pick on the page; S3 or AgentCore memory becomes local files (.scaffold/sessions).
The playground is never part of a package or a container. A project that cannot start (a bad AGENT_*
value, a broken settings.py) is one `Error:` line: exit 2 for a setting, 1 for the code (--debug shows
the traceback)."""


@click.command("dev", epilog=EPILOG, short_help="Chat with the agent in a local playground; hot reload.")
@click.option(
    "--target", "-t", "target_name", type=click.Choice(sorted(SERVER_TARGETS)), help="Which app to serve."
)
@click.option("--port", "-p", type=click.IntRange(1, 65535), metavar="PORT", help="[default: per target]")
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, metavar="HOST", help="Interface to listen on."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the playground in a browser once ready.")
@click.option("--otlp", metavar="URL", help="Also export spans to this OTLP/HTTP endpoint.")
@click.option("--url", "remote_url", metavar="URL", help="Chat with the agent server at URL instead.")
@click.option("--deployed", "deployed_target", metavar="TARGET", help="Chat with a deployed target instead.")
@click.option("--no-reload", is_flag=True, help="Do not restart on code changes.")
@token_option("With --deployed: bearer token for a target with auth=jwt")
@click.option("--debug", is_flag=True, help="Show the traceback when the project's app fails to load.")
@aws_options
@project_option
def dev(
    target_name: str | None,
    port: int | None,
    host: str,
    open_browser: bool,
    otlp: str | None,
    remote_url: str | None,
    deployed_target: str | None,
    no_reload: bool,
    token: str | None,
    debug: bool,
    aws: AwsOptions,
    project_dir: Path | None,
) -> None:
    """Serve the project's agent with a playground page: chat, tool calls, traces, test users, memory."""
    if remote_url and deployed_target:
        raise click.UsageError("Give either --url or --deployed, not both.")
    if otlp and not otlp.startswith(("http://", "https://")):
        raise BadInput(f"--otlp must be an http(s) URL such as http://127.0.0.1:4318; got {otlp!r}.")
    if remote_url:
        invocation_url(remote_url)  # a URL the client cannot use is an error now, not in the server
    project = None if remote_url and project_dir is None else locate_project(project_dir)
    config = _config(project, target_name, otlp, remote_url, deployed_target)
    if config.deployed_target:
        config = replace(
            config,
            aws_region=aws.region,
            aws_profile=aws.profile,
            aws_endpoint_url=aws.endpoint_url,
            aws_environment=aws.environment,
        )
    port = port or (REMOTE_DEFAULT_PORT if config.remote else SERVER_TARGETS[config.target].default_port)
    ensure_port_free(host, port)
    root = project.root if project else Path.cwd()
    args = ["--debug"] if debug else []
    args += ["serve", SERVER_FACTORY, "--factory", "--host", host, "--port", str(port)]
    if project and not config.remote and not no_reload:
        args += ["--reload", "--reload-dir", str(root)]
    launch = launched(root, sys.executable, args)  # scaffold's interpreter: the dev server is scaffold's
    launch.env.update(config.to_env())
    if token and config.deployed_target:
        launch.env[TOKEN_VARIABLE] = token  # for the server process only; never in the config document
    url = f"http://{_url_host(host)}:{port}/"
    what = f"{config.remote_url or config.deployed_target} (remote)" if config.remote else config.target
    click.echo(f"Playground for {config.project_name} ({what}) on {url}", err=True)
    _explain_memory(config)
    if config.auth == "iam" and not config.remote:
        click.echo("Auth: the project uses IAM when deployed; dev serves it without any.", err=True)
    if host not in LOOPBACK_HOSTS:
        click.echo(
            f"Warning: listening on {host}: other machines can reach the playground"
            + (" and mint tokens from its local issuer." if config.auth == "jwt" else "."),
            err=True,
        )
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(url,), daemon=True).start()
        raise SystemExit(run_foreground(launch))
    replace_process(launch)


def _config(
    project: Project | None,
    target_name: str | None,
    otlp: str | None,
    remote_url: str | None,
    deployed_target: str | None,
) -> DevConfig:
    if project is None:
        return DevConfig(project_name="remote agent", target="remote", remote_url=remote_url)
    answers = project.answers
    if remote_url or deployed_target:
        if deployed_target:
            require_target(project, deployed_target)
        return DevConfig(
            project_name=project.project_name,
            target="remote",
            remote_url=remote_url,
            deployed_target=deployed_target,
            project_root=str(project.root),
        )
    target = server_target(project, target_name)
    production_memory = _setting("AGENT_MEMORY", answers.get("memory"), "none")
    return DevConfig(
        project_name=project.project_name,
        target=target.name,
        app=project.module(target.app),
        auth=_setting("AGENT_AUTH", answers.get("auth"), "none"),
        memory=dev_memory(production_memory),
        production_memory=production_memory,
        session_dir=os.environ.get("AGENT_SESSION_DIR", "").strip() or DEV_SESSION_DIR,
        allowed_scopes=names(os.environ.get("AGENT_JWT_ALLOWED_SCOPES", answers.get("jwt_allowed_scopes"))),
        required_groups=names(
            os.environ.get("AGENT_JWT_REQUIRED_GROUPS", answers.get("jwt_required_groups"))
        ),
        otlp_endpoint=otlp,
        project_root=str(project.root),
    )


def _setting(variable: str, answer: object, default: str) -> str:
    """What the app will see: the environment variable when set (as the runtime reads it), else the answer."""
    return (os.environ.get(variable, "").strip() or str(answer or "") or default).lower()


def _explain_memory(config: DevConfig) -> None:
    if not config.remote and config.memory != config.production_memory:
        click.echo(
            f"Memory: the project keeps sessions in {config.production_memory} when deployed; "
            f"dev keeps them in local files under {config.session_dir} instead.",
            err=True,
        )


def _open_when_ready(url: str, timeout_s: float = 30.0) -> None:
    import webbrowser

    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "_dev/info", timeout=1).status_code == 200:
                webbrowser.open(url)
                return
        except httpx.TransportError:
            time.sleep(0.1)
