"""The travel assistant's tools: search the catalogue, book within the policy, list the caller's bookings.

Each tool is a thin Strands ``@tool`` over ``travel_desk.TravelDesk``; the model sees the name, the
docstring and the ``Args:`` section, so they are written for the model.

Who is calling: tools that book or list read ``tool_context.invocation_state["principal"]``, the
the runtime's ``identity.Principal`` the adapter verified from the caller's token. Bookings are stored
under ``principal.namespace`` (a digest of how and as whom the caller signed in), so the model can never
book for, or list, somebody else: no tool takes a user argument. An anonymous caller (``AGENT_AUTH=none``)
cannot book at all.

The policy is enforced by ``book_travel`` itself (``travel_desk.policy_problems``), whatever the prompt
says.
Bad input comes back as an ``Error: ...`` string the model can read and correct.

Protected tools: ``@requires(scopes=...)`` / ``@requires(groups=...)`` from the runtime's ``tool_auth``
keeps a tool away from callers without them; ``whoami`` (kept from the generated project) needs ``profile``.
"""

from __future__ import annotations

from agent_scaffold_runtime.identity import Principal
from agent_scaffold_runtime.tool_auth import requires
from strands import ToolContext, tool
from strands.types.tools import AgentTool
from travel_desk import TravelDesk, TravelError, policy_text

from .settings import Settings

ANONYMOUS_CALLER = "Error: sign in to book or list travel; bookings belong to a signed-in employee."


def desk() -> TravelDesk:
    """The travel desk as configured now (``TRAVEL_BOOKINGS_DIR``, ``TRAVEL_TODAY``)."""
    settings = Settings.from_env()
    return TravelDesk(settings.bookings_dir, today=settings.today)


def caller(tool_context: ToolContext) -> Principal | None:
    """The verified caller, or ``None`` for an anonymous or unknown one."""
    principal = tool_context.invocation_state.get("principal")
    if not isinstance(principal, Principal) or principal.auth_method == "none":
        return None
    return principal


@tool
def get_policies() -> str:
    """Return the company travel policy: allowed cabins, fare, hotel and car limits, booking rules."""
    return policy_text()


@tool
def get_flights(destination: str, date: str) -> str:
    """Search flights from the company's home airport, each marked within or outside the travel policy.

    Args:
        destination: The city or airport, for example "NYC", "New York", "London" or "SFO".
        date: The travel date: YYYY-MM-DD, "today", "tomorrow" or a weekday such as "next Monday".
    """
    try:
        return desk().flights(destination, date)
    except TravelError as error:
        return f"Error: {error}"


@tool
def get_hotels(city: str, nights: int = 1) -> str:
    """Search hotels in a city, each marked within or outside the travel policy.

    Args:
        city: The city, for example "NYC", "San Francisco" or "London".
        nights: How many nights the stay lasts.
    """
    try:
        return desk().hotels(city, nights)
    except TravelError as error:
        return f"Error: {error}"


@tool
def get_cars(city: str, days: int = 1) -> str:
    """Search rental cars in a city, each marked within or outside the travel policy.

    Args:
        city: The city, for example "NYC", "Chicago" or "London".
        days: How many days the rental lasts.
    """
    try:
        return desk().cars(city, days)
    except TravelError as error:
        return f"Error: {error}"


@tool(context=True)
def book_travel(option_id: str, date: str, tool_context: ToolContext, nights_or_days: int = 1) -> str:
    """Book one flight, hotel or car for the signed-in employee. Options outside the policy are refused.

    Args:
        option_id: The option's id from a search, for example "FL-101", "HT-NYC-1" or "CR-NYC-1".
        date: The flight date, hotel check-in or car pick-up: YYYY-MM-DD, "tomorrow" or "next Monday".
        nights_or_days: Nights at the hotel or days of car rental; ignored for flights.
    """
    principal = caller(tool_context)
    if principal is None:
        return ANONYMOUS_CALLER
    try:
        return desk().book(principal.namespace, principal.user_id, option_id, date, nights_or_days)
    except TravelError as error:
        return f"Error: {error}"


@tool(context=True)
def list_bookings(tool_context: ToolContext) -> str:
    """List the signed-in employee's own bookings. Takes no arguments."""
    principal = caller(tool_context)
    if principal is None:
        return ANONYMOUS_CALLER
    return desk().bookings_text(principal.namespace, principal.user_id)


#: The scope a caller's token must carry to use ``whoami`` (a standard OpenID Connect scope; Cognito app
#: clients can grant it). Callers without it, including the anonymous and local ones, are never offered it.
WHOAMI_SCOPE = "profile"


@requires(scopes={WHOAMI_SCOPE})
@tool(context=True)
def whoami(tool_context: ToolContext) -> str:
    """Tell the caller who they are signed in as: their user id and how they were authenticated.

    Takes no arguments.
    """
    principal = tool_context.invocation_state.get("principal")
    if not isinstance(principal, Principal):
        return "Error: the caller is not known."
    return f"{principal.user_id} (signed in with {principal.auth_method})"


TRAVEL_TOOLS: list[AgentTool] = [get_policies, get_flights, get_hotels, get_cars, book_travel, list_bookings]
TOOLS: list[AgentTool] = [*TRAVEL_TOOLS, whoami]
