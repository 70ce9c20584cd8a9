"""The three AWS idioms every part of scaffold needs, written once: "if it exists", "every page", "wait".

* ``if_found``: a read or delete call whose "not found" error means ``None``, not a failure. Each service
  says "not found" its own way (``NoSuchEntity``, ``ResourceNotFoundException``, a CloudFormation
  ``ValidationError`` that "does not exist", ...); ``is_not_found`` knows them all.
* ``every``: all items of a listing, through boto3's paginator.
* ``wait_until``: a bounded poll: read a status until it is ready, fail fast on a failed one, and raise
  ``WaitTimeout`` (exit code 9, ``scaffold.exit_codes``) once the deadline passes. ``sleep`` and ``clock``
  are injectable so waiting is testable without real time passing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from typing_extensions import Required, TypedDict, Unpack  # typing's own from Python 3.11

from .errors import DeployFailed, WaitTimeout

T = TypeVar("T")

NOT_FOUND_CODES = frozenset(
    {
        "NoSuchEntity",  # IAM
        "NoSuchBucket",
        "NoSuchKey",
        "NotFound",
        "404",
        "ResourceNotFoundException",
        "ResourceNotFound",
        "NotFoundException",  # API Gateway
    }
)


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def error_message(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message", "") or exc)
    return str(exc)


def is_not_found(exc: BaseException, also: Collection[str] = ()) -> bool:
    """Whether ``exc`` is AWS saying the thing asked about is not there (``also``: more codes that mean
    that for one call, such as ECR's ``RepositoryNotFoundException``)."""
    code = error_code(exc)
    if code in NOT_FOUND_CODES or code in also:
        return True
    return code == "ValidationError" and "does not exist" in error_message(exc)  # CloudFormation's way


def if_found(call: Callable[..., T], /, *, also: Collection[str] = (), **params: Any) -> T | None:
    """``call(**params)``, or ``None`` when AWS answers that the resource does not exist."""
    from botocore.exceptions import ClientError

    try:
        return call(**params)
    except ClientError as exc:
        if is_not_found(exc, also):
            return None
        raise


def deleted(call: Callable[..., Any], /, *, also: Collection[str] = (), **params: Any) -> bool:
    """Make a delete call; False when the resource was already gone."""
    return if_found(call, also=also, **params) is not None


def every(client: Any, operation: str, items: str, /, **params: Any) -> Iterator[Any]:
    """Every ``items`` entry of all of ``operation``'s pages, through boto3's paginator (every listing
    scaffold makes has one, so no token is followed by hand)."""
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(items, [])


class Until(TypedDict, total=False):
    """When a wait ends: a status in ``ready`` (or one ``ready`` accepts) ends it, one in ``failed`` fails it
    at once (with ``reason()`` when given), and ``timeout_s`` bounds it. What a caller says of its resource;
    how often to poll and how to report progress are the waiter's."""

    ready: Required[Collection[str] | Callable[[str], bool]]
    timeout_s: Required[float]
    failed: Collection[str]
    reason: Callable[[], str] | None


def wait_until(
    what: str,
    read_status: Callable[[], str],
    *,
    interval_s: float = 2.0,
    first_interval_s: float | None = None,
    on_wait: Callable[[str, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    hint: str = "run the command again to keep waiting",
    **until: Unpack[Until],
) -> str:
    """Poll ``read_status`` until it is ready (``Until``); return that status.

    A ``failed`` status raises ``DeployFailed``; still not ready at ``timeout_s`` raises ``WaitTimeout``.
    Polls start every ``first_interval_s`` (default: ``interval_s``) and double up to ``interval_s``;
    ``on_wait(status, elapsed)`` is called before each sleep (progress).
    """
    ready, timeout_s = until["ready"], until["timeout_s"]
    failed, reason = until.get("failed", ()), until.get("reason")
    is_ready = ready if callable(ready) else ready.__contains__
    started = clock()
    interval = min(first_interval_s if first_interval_s is not None else interval_s, interval_s)
    while True:
        status = read_status()
        if is_ready(status):
            return status
        if status in failed:
            why = reason() if reason else ""
            raise DeployFailed(f"{what} is {status}{': ' + why if why else ''}.")
        elapsed = clock() - started
        if elapsed >= timeout_s:
            raise WaitTimeout(f"{what} is still {status} after {timeout_s:.0f} s; {hint}.")
        if on_wait is not None:
            on_wait(status, elapsed)
        sleep(interval)
        interval = min(interval * 2, interval_s)
