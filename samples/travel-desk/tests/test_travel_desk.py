"""The travel desk on its own: dates, the policy, bookings. The samples that serve it (the travel assistant's
tools, the MCP server's) test it again through their tools.

``TODAY`` is Wednesday 2026-06-03, so "next Monday" is 2026-06-08.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from travel_desk import TravelDesk, TravelError, catalogue, policy_problems, resolve_date

TODAY = dt.date(2026, 6, 3)  # a Wednesday
NEXT_MONDAY = dt.date(2026, 6, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next Monday", dt.date(2026, 6, 8)),
        ("monday", dt.date(2026, 6, 8)),
        ("next Wednesday", dt.date(2026, 6, 10)),  # a weekday is never today
        ("Thursday", dt.date(2026, 6, 4)),
        ("tomorrow", dt.date(2026, 6, 4)),
        ("today", TODAY),
        ("2026-07-01", dt.date(2026, 7, 1)),
    ],
)
def test_dates(text: str, expected: dt.date) -> None:
    assert resolve_date(text, TODAY) == expected


def test_a_date_it_cannot_read_is_an_error_the_model_can_read() -> None:
    with pytest.raises(TravelError, match="Cannot read the date 'sometime soon'"):
        resolve_date("sometime soon", TODAY)


@pytest.mark.parametrize(
    ("option_id", "day", "quantity", "problems"),
    [
        ("FL-101", NEXT_MONDAY, 1, []),
        ("FL-101", TODAY, 1, ["flights must be booked at least 1 day(s) ahead"]),
        ("FL-101", dt.date(2026, 6, 1), 1, ["2026-06-01 is in the past"]),
        ("FL-103", NEXT_MONDAY, 1, ["premium economy needs a flight of 6 hours or more"]),
        ("FL-302", NEXT_MONDAY, 1, []),  # premium economy on a 9.5 h flight, under the international cap
        (
            "FL-303",
            NEXT_MONDAY,
            1,
            ["business class is not allowed", "the fare is over the international limit of $1600"],
        ),
        ("FL-202", NEXT_MONDAY, 1, ["the fare is over the domestic limit of $700"]),
        ("HT-NYC-1", NEXT_MONDAY, 3, []),
        ("HT-CHI-1", NEXT_MONDAY, 15, ["stays are limited to 14 nights"]),
        ("HT-SFO-2", NEXT_MONDAY, 1, ["the nightly rate is over the San Francisco limit of $300"]),
        ("CR-NYC-1", NEXT_MONDAY, 5, []),
        (
            "CR-NYC-2",
            NEXT_MONDAY,
            1,
            ["a full-size SUV is not an allowed car class", "the daily rate is over the limit of $90"],
        ),
    ],
)
def test_policy(option_id: str, day: dt.date, quantity: int, problems: list[str]) -> None:
    assert policy_problems(catalogue()[option_id], day, quantity, TODAY) == problems


def test_booking_twice_is_one_booking(tmp_path: Path) -> None:
    desk = TravelDesk(tmp_path, today=TODAY)

    first = desk.book("owner-1", "alice", "HT-NYC-1", "next Monday", 2)
    second = desk.book("owner-1", "alice", "HT-NYC-1", "2026-06-08", 2)

    assert first.startswith(
        "Booked hotel HT-NYC-1 (Midtown Executive) on Monday 2026-06-08 for 2 nights for alice"
    )
    assert first.endswith("$578.")
    assert second.startswith("Already booked: HT-NYC-1 on Monday 2026-06-08, confirmation ACME-")
    assert len(desk.bookings("owner-1")) == 1


def test_owner_keys_are_digests_not_paths(tmp_path: Path) -> None:
    desk = TravelDesk(tmp_path, today=TODAY)

    with pytest.raises(ValueError, match="owner key"):
        desk.bookings("../../etc/passwd")
