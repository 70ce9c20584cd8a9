"""``scaffold eval --target lambda``: the generated smoke set against a deployed function (moto), whose
``Invoke`` is answered by the project's real handler (see test_invoke_deployed for why and how)."""

from __future__ import annotations

import json

from .conftest import PROJECT, run_cli
from .test_invoke_deployed import answering, body_of, deployed, real_lambda_handler


def test_eval_against_the_deployed_lambda_passes_like_the_core(
    project, moto, artifact, tmp_path, monkeypatch
):
    monkeypatch.setenv("AGENT_MODEL_PROVIDER", "offline")
    monkeypatch.setenv("AGENT_SESSION_DIR", str(tmp_path / "sessions"))
    deployed(project, moto, "lambda")
    environment = moto.client("lambda").get_function_configuration(FunctionName=PROJECT, Qualifier="live")
    variables = {
        **environment["Environment"]["Variables"],
        "AGENT_SESSION_DIR": str(tmp_path / "lambda-sessions"),
    }
    respond = real_lambda_handler(project.root, variables, tmp_path)

    with answering("before-send.lambda.Invoke", respond) as lambda_invoke:
        result = run_cli(
            ["eval", "smoke", "-t", "lambda", "--project", str(project.root), "--json", *moto.cli_args]
        )
    core = run_cli(["eval", "smoke", "--project", str(project.root), "--json"])

    assert result.exit_code == 0, result.output
    deployed_run, core_run = json.loads(result.stdout), json.loads(core.stdout)
    assert deployed_run["runner"] == "target lambda"
    assert deployed_run["summary"]["passed"] == deployed_run["summary"]["cases"] == 5
    for remote, local in zip(deployed_run["cases"], core_run["cases"], strict=True):
        assert (remote["name"], remote["status"], remote["output"]) == (
            local["name"],
            local["status"],
            local["output"],
        )
        assert remote["trajectory"] == local["trajectory"]
    # One Invoke per turn (the conversation case has two), each a Function URL event for the case's session.
    assert len(lambda_invoke.requests) == 6
    bodies = [json.loads(body_of(request)["body"]) for request in lambda_invoke.requests]
    conversation = [
        b
        for b in bodies
        if b["prompt"] in ("Hello, I have a question", "Ask the calculator expression=2**10")
    ]
    assert len({b["session_id"] for b in conversation}) == 1


def test_eval_of_a_target_never_deployed_is_exit_5_before_any_case(project, moto):
    result = run_cli(["eval", "smoke", "-t", "lambda", "--project", str(project.root), *moto.cli_args])

    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: {PROJECT} has no recorded lambda deployment; run: scaffold deploy --target lambda"
    )
