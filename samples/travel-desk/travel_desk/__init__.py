"""The travel desk: the company travel policy, a small catalogue of flights, hotels and cars, and each
traveller's bookings.

Plain Python over the JSON files in ``data/``, with no third-party dependencies (no Strands, no web code),
so the travel assistant's tools (``samples/travel-assistant``) and the MCP server's
(``samples/mcp-server``) wrap the same functions: both depend on this distribution, ``travel-desk``.

The policy is enforced here, in ``TravelDesk.book``, not only described to the model: a booking outside the
policy is refused whatever the prompt said, and nothing is written. Bookings belong to an *owner key*, which
callers derive from the verified identity (``Principal.namespace``), never from text the model wrote.

Bookings are kept in one JSON file per owner under a directory (``TRAVEL_BOOKINGS_DIR``). Writes are
atomic and serialised within a process; a deployment with several processes or Lambda environments would
keep them in a database instead (DynamoDB, RDS), behind the same three methods.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KINDS = {"FL": "flight", "HT": "hotel", "CR": "car"}
_OWNER_KEY = re.compile(r"[A-Za-z0-9_-]{1,128}")
_LOCKS: dict[str, threading.Lock] = {}  # one per owner: a read-modify-write of their file at a time
_LOCKS_GUARD = threading.Lock()


class TravelError(ValueError):
    """Input the travel desk cannot act on (an unknown city or option, a date it cannot read)."""


@cache
def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def policy() -> dict[str, Any]:
    """The company travel policy (``data/policy.json``)."""
    return dict(_load("policy.json"))


def policy_text() -> str:
    """The policy in words: the agent's system prompt quotes it and ``get_policies`` returns it."""
    p = policy()
    flights, hotels, cars = p["flights"], p["hotels"], p["cars"]
    caps = ", ".join(f"{_city_name(code)} ${usd}" for code, usd in hotels["max_nightly_usd"].items())
    lines = [
        f"{p['company']} travel policy (trips start from {p['home_airport']}):",
        f"- Flights: {' or '.join(flights['cabins'])} class; premium economy only on flights of "
        f"{flights['premium_economy_from_hours']} hours or more; never business or first. Fares up to "
        f"${flights['max_fare_usd']['domestic']} domestic and ${flights['max_fare_usd']['international']} "
        f"international. Book at least {flights['min_days_ahead']} day(s) before departure.",
        f"- Hotels: up to {caps} per night, ${hotels['default_max_nightly_usd']} elsewhere; at most "
        f"{hotels['max_nights']} nights.",
        f"- Cars: {', '.join(cars['classes'])} only, up to ${cars['max_daily_usd']} per day, at most "
        f"{cars['max_days']} days.",
        *(f"- {rule}" for rule in p["rules"]),
    ]
    return "\n".join(lines)


def city_code(text: str) -> str:
    """``NYC`` for "NYC", "New York" or "JFK"; ``TravelError`` for a city the catalogue does not serve."""
    wanted = " ".join(text.lower().replace(",", " ").split())
    for code, city in _load("cities.json").items():
        if wanted == code.lower() or wanted in city["aliases"]:
            return str(code)
    served = ", ".join(f"{city['name']} ({code})" for code, city in _load("cities.json").items())
    raise TravelError(f"There is no travel to {text!r} in the catalogue; it serves {served}.")


def resolve_date(text: str, today: dt.date) -> dt.date:
    """A date from ``2025-06-09``, ``today``, ``tomorrow``, ``Monday`` or ``next Monday``.

    A weekday, with or without ``next``/``this``/``on``, is its first occurrence after ``today`` (on a
    Wednesday, "next Monday" is five days later).
    """
    words = text.strip().lower().split()
    if words[:1] in (["next"], ["this"], ["on"]):
        words = words[1:]
    phrase = " ".join(words)
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return today + dt.timedelta(days=1)
    if phrase in WEEKDAYS:
        ahead = (WEEKDAYS.index(phrase) - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead)
    try:
        return dt.date.fromisoformat(phrase)
    except ValueError:
        raise TravelError(
            f"Cannot read the date {text!r}; use YYYY-MM-DD, today, tomorrow or a weekday."
        ) from None


@dataclass(frozen=True)
class Option:
    """One bookable thing: a flight, a hotel room or a rental car."""

    id: str
    kind: str
    city: str
    price_usd: int
    unit: str  # "trip", "night" or "day"
    description: str
    details: dict[str, Any]

    def line(self, problems: list[str]) -> str:
        verdict = "within policy" if not problems else "outside policy: " + "; ".join(problems)
        return f"- {self.id} {self.description}, ${self.price_usd} per {self.unit} ({verdict})"


def catalogue() -> dict[str, Option]:
    options: dict[str, Option] = {}
    for f in _load("flights.json"):
        description = (
            f"{f['airline']} {f['origin']}-{f['airport']} departing {f['departs']}, "
            f"{f['hours']:g} h, {f['cabin'].replace('_', ' ')}"
        )
        options[f["id"]] = Option(f["id"], "flight", f["city"], f["fare_usd"], "trip", description, f)
    for h in _load("hotels.json"):
        options[h["id"]] = Option(h["id"], "hotel", h["city"], h["nightly_usd"], "night", h["name"], h)
    for c in _load("cars.json"):
        description = f"{c['company']} {c['class']}"
        options[c["id"]] = Option(c["id"], "car", c["city"], c["daily_usd"], "day", description, c)
    return options


def policy_problems(option: Option, date: dt.date, quantity: int, today: dt.date) -> list[str]:
    """Why booking ``option`` on ``date`` for ``quantity`` nights or days breaks the policy; empty if not."""
    p = policy()
    problems: list[str] = []
    if date < today:
        problems.append(f"{date.isoformat()} is in the past")
    if option.kind == "flight":
        rules, cabin = p["flights"], option.details["cabin"]
        if cabin == "premium_economy":
            if option.details["hours"] < rules["premium_economy_from_hours"]:
                problems.append(
                    f"premium economy needs a flight of {rules['premium_economy_from_hours']} hours or more"
                )
        elif cabin not in rules["cabins"]:
            problems.append(f"{cabin.replace('_', ' ')} class is not allowed")
        region = "international" if option.details["international"] else "domestic"
        if option.price_usd > rules["max_fare_usd"][region]:
            problems.append(f"the fare is over the {region} limit of ${rules['max_fare_usd'][region]}")
        if date >= today and (date - today).days < rules["min_days_ahead"]:
            problems.append(f"flights must be booked at least {rules['min_days_ahead']} day(s) ahead")
    elif option.kind == "hotel":
        rules = p["hotels"]
        cap = rules["max_nightly_usd"].get(option.city, rules["default_max_nightly_usd"])
        if option.price_usd > cap:
            problems.append(f"the nightly rate is over the {_city_name(option.city)} limit of ${cap}")
        if quantity > rules["max_nights"]:
            problems.append(f"stays are limited to {rules['max_nights']} nights")
    else:
        rules = p["cars"]
        if option.details["class"] not in rules["classes"]:
            problems.append(f"a {option.details['class']} is not an allowed car class")
        if option.price_usd > rules["max_daily_usd"]:
            problems.append(f"the daily rate is over the limit of ${rules['max_daily_usd']}")
        if quantity > rules["max_days"]:
            problems.append(f"rentals are limited to {rules['max_days']} days")
    return problems


class TravelDesk:
    """Searches and bookings for one day (``today``) over one bookings directory."""

    def __init__(self, bookings_dir: str | Path, today: dt.date | None = None) -> None:
        self.bookings_dir = Path(bookings_dir)
        self.today = today or dt.date.today()

    # -- searching -------------------------------------------------------------------------------------------

    def flights(self, destination: str, date: str) -> str:
        code, day = city_code(destination), resolve_date(date, self.today)
        header = f"Flights from {policy()['home_airport']} to {_city_name(code)} ({code}) on {_day(day)}:"
        return self._listing(header, "flight", code, day, 1)

    def hotels(self, city: str, nights: int = 1) -> str:
        code = city_code(city)
        return self._listing(f"Hotels in {_city_name(code)} ({code}):", "hotel", code, self.today, nights)

    def cars(self, city: str, days: int = 1) -> str:
        code = city_code(city)
        return self._listing(f"Rental cars in {_city_name(code)} ({code}):", "car", code, self.today, days)

    def _listing(self, header: str, kind: str, city: str, day: dt.date, quantity: int) -> str:
        found = [o for o in catalogue().values() if o.kind == kind and o.city == city]
        lines = [o.line(policy_problems(o, day, quantity, self.today)) for o in found]
        return "\n".join([header, *lines])

    # -- booking ---------------------------------------------------------------------------------------------

    def book(self, owner: str, traveller: str, option_id: str, date: str, quantity: int = 1) -> str:
        """Book ``option_id`` for the owner, or refuse it. ``quantity`` is nights (hotel) or days (car)."""
        option = catalogue().get(option_id.strip().upper())
        if option is None:
            raise TravelError(
                f"There is no option {option_id!r}; search with get_flights, get_hotels or get_cars."
            )
        if quantity < 1:
            raise TravelError("Book at least one night or day.")
        quantity = 1 if option.kind == "flight" else quantity
        day = resolve_date(date, self.today)
        problems = policy_problems(option, day, quantity, self.today)
        if problems:
            return (
                f"Refused: {option.id} on {_day(day)} is outside the {policy()['company']} travel policy: "
                f"{'; '.join(problems)}. Nothing was booked."
            )
        confirmation = "ACME-" + hashlib.sha256(f"{owner}|{option.id}|{day}".encode()).hexdigest()[:6].upper()
        booking = {
            "confirmation": confirmation,
            "kind": option.kind,
            "option_id": option.id,
            "description": option.description,
            "city": option.city,
            "date": day.isoformat(),
            "quantity": quantity,
            "total_usd": option.price_usd * quantity,
            "traveller": traveller,
        }
        with self._lock(owner):
            bookings = self._read(owner)
            if any(b["confirmation"] == confirmation for b in bookings):
                return f"Already booked: {option.id} on {_day(day)}, confirmation {confirmation}."
            self._write(owner, [*bookings, booking])
        return (
            f"Booked {option.kind} {option.id} ({option.description}) on {_day(day)}"
            f"{_span(option, quantity)} for {traveller}: confirmation {confirmation}, "
            f"${booking['total_usd']}."
        )

    def bookings(self, owner: str) -> list[dict[str, Any]]:
        with self._lock(owner):
            return self._read(owner)

    def bookings_text(self, owner: str, traveller: str) -> str:
        found = self.bookings(owner)
        if not found:
            return f"{traveller} has no bookings."
        lines = [
            f"- {b['confirmation']}: {b['kind']} {b['option_id']} ({b['description']}) on {b['date']}, "
            f"${b['total_usd']}"
            for b in sorted(found, key=lambda b: (b["date"], b["confirmation"]))
        ]
        return "\n".join([f"Bookings of {traveller} ({len(found)}):", *lines])

    # -- storage ---------------------------------------------------------------------------------------------

    def _path(self, owner: str) -> Path:
        if not _OWNER_KEY.fullmatch(owner):
            raise ValueError("An owner key is a digest (letters, digits, - and _), not a user's name.")
        return self.bookings_dir / f"{owner}.json"

    def _read(self, owner: str) -> list[dict[str, Any]]:
        path = self._path(owner)
        if not path.exists():
            return []
        return list(json.loads(path.read_text(encoding="utf-8"))["bookings"])

    def _write(self, owner: str, bookings: Iterable[dict[str, Any]]) -> None:
        path = self._path(owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".booking-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"bookings": list(bookings)}, out, indent=1)
        os.replace(temporary, path)

    @staticmethod
    def _lock(owner: str) -> threading.Lock:
        with _LOCKS_GUARD:
            return _LOCKS.setdefault(owner, threading.Lock())


def _city_name(code: str) -> str:
    return str(_load("cities.json")[code]["name"])


def _day(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()].title()} {day.isoformat()}"


def _span(option: Option, quantity: int) -> str:
    if option.kind == "flight":
        return ""
    return f" for {quantity} {option.unit}{'s' if quantity > 1 else ''}"


# -- the travel desk's settings (each project's settings.py reads them) --------------------------------------

DEFAULT_BOOKINGS_DIR = ".scaffold/bookings"
LAMBDA_BOOKINGS_DIR = "/tmp/bookings"  # Lambda's code directory is read-only


def bookings_dir_from_env(env: Mapping[str, str]) -> str:
    """``TRAVEL_BOOKINGS_DIR``, or the default for where the code runs (``/tmp/bookings`` on Lambda)."""
    configured = (env.get("TRAVEL_BOOKINGS_DIR") or "").strip()
    if configured:
        return configured
    return (
        LAMBDA_BOOKINGS_DIR if (env.get("AWS_LAMBDA_FUNCTION_NAME") or "").strip() else DEFAULT_BOOKINGS_DIR
    )


def today_from_env(env: Mapping[str, str]) -> dt.date | None:
    """``TRAVEL_TODAY`` (``YYYY-MM-DD``) pins "today" for demos and tests; None: the real date."""
    raw = (env.get("TRAVEL_TODAY") or "").strip()
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValueError(f"TRAVEL_TODAY must be a date (YYYY-MM-DD), not {raw!r}.") from None
