"""The three AWS idioms, once: not found is ``None``, every page is read, waiting is bounded (exit 9)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from scaffold.aws_idioms import deleted, every, if_found, wait_until
from scaffold.errors import DeployFailed, ExitCode, WaitTimeout
from tests.support.clock import FakeClock


def test_not_found_is_none_and_any_other_error_is_raised(moto):
    iam = moto.client("iam")
    assert if_found(iam.get_role, RoleName="absent") is None
    assert deleted(iam.delete_role, RoleName="absent") is False
    cloudformation = moto.client("cloudformation")
    assert if_found(cloudformation.describe_stacks, StackName="absent") is None  # a ValidationError
    with pytest.raises(ClientError):
        if_found(moto.client("lambda").create_function, FunctionName="x", Role="not-an-arn", Code={})


def test_every_reads_all_pages(moto):
    logs = moto.client("logs")
    for number in range(5):
        logs.create_log_group(logGroupName=f"/idioms/{number}")
    names = [group["logGroupName"] for group in every(logs, "describe_log_groups", "logGroups", limit=2)]
    assert names == [f"/idioms/{number}" for number in range(5)]
    assert len(logs.describe_log_groups(limit=2)["logGroups"]) == 2  # it did take three pages


def test_waiting_returns_the_ready_status_and_backs_off_to_the_interval():
    statuses = iter(["CREATING"] * 4 + ["READY"])
    clock = FakeClock()
    seen: list[tuple[str, float]] = []
    status = wait_until(
        "runtime r",
        lambda: next(statuses),
        ready={"READY"},
        timeout_s=60,
        interval_s=2,
        first_interval_s=0.5,
        on_wait=lambda status, elapsed: seen.append((status, elapsed)),
        sleep=clock.sleep,
        clock=clock,
    )
    assert status == "READY"
    assert clock.sleeps == [0.5, 1.0, 2.0, 2.0]
    assert [status for status, _ in seen] == ["CREATING"] * 4


def test_a_failed_status_fails_at_once_with_its_reason():
    clock = FakeClock()
    with pytest.raises(DeployFailed, match="runtime r is CREATE_FAILED: bad image") as failed:
        wait_until(
            "runtime r",
            lambda: "CREATE_FAILED",
            ready={"READY"},
            failed={"CREATE_FAILED"},
            reason=lambda: "bad image",
            timeout_s=60,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.sleeps == []
    assert failed.value.exit_code == ExitCode.FAILURE


def test_waiting_is_bounded_by_the_deadline_and_is_exit_code_9():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="still CREATING after 10 s; run it again") as timed_out:
        wait_until(
            "runtime r",
            lambda: "CREATING",
            ready=lambda status: status == "READY",
            timeout_s=10,
            interval_s=3,
            sleep=clock.sleep,
            clock=clock,
            hint="run it again",
        )
    assert clock.now == 12  # polls at 0, 3, 6, 9, 12: the first past the deadline stops
    assert timed_out.value.exit_code == ExitCode.TIMEOUT
    assert isinstance(timed_out.value, TimeoutError)
