"""Typed settings from environment variables: one reading of text, booleans, numbers and the model for all."""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.env_values import answered, flag, positive_int, text
from agent_scaffold_runtime.models import DEFAULT_MODEL_IDS, model_settings


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), (" YES ", True), ("on", True), ("0", False), ("Off", False)]
)
def test_flag_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert flag({"AGENT_X": raw}, "AGENT_X", default=not expected) is expected


def test_unset_or_blank_is_the_default_and_a_function_can_be_the_source() -> None:
    assert flag({}, "AGENT_X", default=True) is True
    assert flag({"AGENT_X": "  "}, "AGENT_X", default=False) is False
    assert positive_int(lambda name: None, "AGENT_N", default=7) == 7
    assert positive_int(lambda name: " 12 ", "AGENT_N", default=7) == 12


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (
            lambda: flag({"AGENT_X": "maybe"}, "AGENT_X", default=True),
            "AGENT_X must be true or false; got 'maybe'",
        ),
        (
            lambda: positive_int({"AGENT_N": "ten"}, "AGENT_N", default=1),
            "AGENT_N must be a whole number; got 'ten'",
        ),
        (lambda: positive_int({"AGENT_N": "0"}, "AGENT_N", default=1), "AGENT_N must be positive; got 0"),
    ],
)
def test_a_value_it_cannot_read_names_the_variable(read: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read()  # type: ignore[operator]


def test_text_is_stripped_and_blank_counts_as_unset() -> None:
    assert text({"AGENT_X": "  value "}, "AGENT_X") == "value"
    assert text({"AGENT_X": "   "}, "AGENT_X", "fallback") == "fallback"
    assert text({}, "AGENT_X") == ""


PROJECT = {"provider": "bedrock", "model_id": "project-model", "aws_region": "eu-west-1"}


def test_model_settings_default_to_the_project_answers() -> None:
    assert model_settings({}, **PROJECT) == {
        "model_provider": "bedrock",
        "model_id": "project-model",
        "aws_region": "eu-west-1",
    }


def test_model_settings_read_the_environment_region_first() -> None:
    env = {"AGENT_MODEL_ID": " my-model ", "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ap-south-1"}
    assert model_settings(env, **PROJECT) == {
        "model_provider": "bedrock",
        "model_id": "my-model",
        "aws_region": "us-west-2",
    }
    assert model_settings({"AWS_DEFAULT_REGION": "ap-south-1"}, **PROJECT)["aws_region"] == "ap-south-1"


def test_another_provider_without_a_model_id_gets_its_usual_model_not_the_projects() -> None:
    switched = model_settings({"AGENT_MODEL_PROVIDER": " OFFLINE "}, **PROJECT)
    assert (switched["model_provider"], switched["model_id"]) == ("offline", DEFAULT_MODEL_IDS["offline"])
    named = model_settings({"AGENT_MODEL_PROVIDER": "openai", "AGENT_MODEL_ID": "gpt-x"}, **PROJECT)
    assert (named["model_provider"], named["model_id"]) == ("openai", "gpt-x")


def test_an_unknown_provider_names_the_variable_and_the_choices() -> None:
    expected = r"Unknown model provider 'gpt' \(set AGENT_MODEL_PROVIDER\); choose one of: offline, bedrock"
    with pytest.raises(ValueError, match=expected):
        model_settings({"AGENT_MODEL_PROVIDER": "gpt"}, **PROJECT)


def test_answered_reads_the_environment_then_the_projects_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"guardrail_id": "gr-answer", "memory": "s3"}
    source = answered({"AGENT_GUARDRAIL_ID": "gr-env", "AGENT_MEMORY": "  "}, answers)

    assert text(source, "AGENT_GUARDRAIL_ID") == "gr-env"  # a deployment's setting wins
    assert text(source, "AGENT_MEMORY") == "s3"  # blank counts as unset: the answer applies
    assert text(source, "AGENT_SESSION_BUCKET", "none") == "none"  # neither: the caller's default

    monkeypatch.setenv("AGENT_MEMORY", "agentcore")
    assert text(answered(None, answers), "AGENT_MEMORY") == "agentcore"  # None: this process's environment
    with pytest.raises(ValueError, match="AGENT_MEMORY_LONG_TERM"):
        flag(answered({}, {"memory_long_term": "perhaps"}), "AGENT_MEMORY_LONG_TERM", default=False)
