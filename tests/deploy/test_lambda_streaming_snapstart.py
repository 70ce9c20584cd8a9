"""The Lambda answers lambda_streaming and lambda_snapstart, deployed against moto through the CLI.

Streaming: the Web Adapter layer and its environment, ``run.sh`` as the handler, a RESPONSE_STREAM URL on
the ``live`` alias. SnapStart: ``ApplyOn=PublishedVersions``, a version published and the alias moved on
each change, nothing published by a no-change redeploy, the plan naming SnapStart's limits, and
``scaffold rollback`` moving the alias back.
"""

from __future__ import annotations

import json

from .conftest import PROJECT, run_cli

LAYER = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerArm64:25"


def cli(command, project, moto, *extra):
    return run_cli([command, "--target", "lambda", "--project", str(project.root), *moto.cli_args, *extra])


def test_a_streaming_function_runs_behind_the_web_adapter(make_project, moto, artifact, calls):
    project = make_project("lambda_streaming=true", "lambda_snapstart=false")
    first = cli("deploy", project, moto, "--json")
    assert first.exit_code == 0, first.output

    lam = moto.client("lambda")
    configuration = lam.get_function(FunctionName=PROJECT)["Configuration"]
    assert configuration["Handler"] == "run.sh"
    assert [layer["Arn"] for layer in configuration["Layers"]] == [LAYER]
    environment = configuration["Environment"]["Variables"]
    assert environment["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
    assert environment["AWS_LWA_INVOKE_MODE"] == "response_stream"
    assert environment["AWS_LWA_READINESS_CHECK_PATH"] == "/ping"
    url = lam.get_function_url_config(FunctionName=PROJECT, Qualifier="live")
    assert url["InvokeMode"] == "RESPONSE_STREAM"
    notes = json.loads(first.stdout)["plan"]["notes"]
    assert any(LAYER in note and "RESPONSE_STREAM" in note for note in notes)

    calls.clear()
    again = cli("deploy", project, moto)
    assert again.exit_code == 0, again.output
    assert calls.mutating == []

    lam.update_function_url_config(FunctionName=PROJECT, Qualifier="live", InvokeMode="BUFFERED")
    status = cli("status", project, moto)
    assert status.exit_code == 11, status.output  # drift: the URL no longer streams
    assert cli("deploy", project, moto).exit_code == 0
    assert (
        lam.get_function_url_config(FunctionName=PROJECT, Qualifier="live")["InvokeMode"] == "RESPONSE_STREAM"
    )


def test_snapstart_publishes_versions_the_alias_follows_and_rollback_moves_it_back(
    make_project, moto, artifact, calls
):
    project = make_project()  # the defaults: Python 3.12, so SnapStart is on
    assert project.answers["lambda_snapstart"] is True
    plan = cli("deploy", project, moto, "--plan", "--json")
    assert plan.exit_code == 0, plan.output
    notes = " ".join(json.loads(plan.stdout)["notes"])
    assert "no provisioned concurrency" in notes and "512 MB" in notes and "10 seconds" in notes

    assert cli("deploy", project, moto).exit_code == 0
    lam = moto.client("lambda")
    latest = lam.get_function_configuration(FunctionName=PROJECT)
    assert latest["SnapStart"]["ApplyOn"] == "PublishedVersions"
    assert lam.get_alias(FunctionName=PROJECT, Name="live")["FunctionVersion"] == "1"

    calls.clear()
    assert cli("deploy", project, moto).exit_code == 0
    assert calls.mutating == [], "a no-change redeploy publishes nothing"

    artifact.code = "v2"
    calls.clear()
    assert cli("deploy", project, moto).exit_code == 0
    assert calls.mutating == ["PutObject", "UpdateFunctionCode", "UpdateAlias"]
    assert lam.get_alias(FunctionName=PROJECT, Name="live")["FunctionVersion"] == "2"

    calls.clear()
    back = cli("rollback", project, moto, "--json")
    assert back.exit_code == 0, back.output
    assert json.loads(back.stdout) == {"alias": "live", "from_version": "2", "to_version": "1"}
    assert calls.mutating == ["UpdateAlias"]
    assert lam.get_alias(FunctionName=PROJECT, Name="live")["FunctionVersion"] == "1"
    status = cli("status", project, moto, "--json")
    assert status.exit_code == 11  # the alias no longer points at the deployed version: deploy restores it
    assert "version" in status.stdout

    lam.update_function_configuration(FunctionName=PROJECT, SnapStart={"ApplyOn": "None"})
    calls.clear()
    repaired = cli("deploy", project, moto, "--json")
    assert repaired.exit_code == 0, repaired.output
    steps = {step["key"]: step for step in json.loads(repaired.stdout)["plan"]["steps"]}
    assert "snap_start" in steps["function"]["changes"]
    assert lam.get_function_configuration(FunctionName=PROJECT)["SnapStart"]["ApplyOn"] == "PublishedVersions"


def test_rollback_without_an_earlier_version_is_a_clear_error(make_project, moto, artifact):
    project = make_project()
    assert cli("deploy", project, moto).exit_code == 0
    result = cli("rollback", project, moto)
    assert result.exit_code == 2
    assert "no earlier published version" in result.output
