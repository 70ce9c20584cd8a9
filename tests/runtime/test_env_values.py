"""Typed settings from environment variables: one reading of booleans and positive numbers for all."""

from __future__ import annotations

import pytest
from agent_scaffold_runtime.env_values import flag, positive_int


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
