"""Violations: the codes of the API contract and what a broken rule says.

Every code is here, in one place (`Code`).
"""

from dataclasses import dataclass


class Code:
    """Violation codes of the API contract (ARCHITECTURE.md §3)."""

    INVALID_PHONE = "invalid_phone"
    PHONE_NOT_ALLOWED = "phone_not_allowed"
    INVALID_DATETIME = "invalid_datetime"
    IN_PAST = "in_past"
    TOO_SOON = "too_soon"
    TOO_FAR_AHEAD = "too_far_ahead"
    OUTSIDE_GLOBAL_WINDOW = "outside_global_window"
    SKILL_CLOSED = "skill_closed"
    CLOSING_SOON = "closing_soon"
    HOLIDAY = "holiday"
    OUTSIDE_CUSTOMER_HOURS = "outside_customer_hours"
    SLOT_FULL = "slot_full"
    UNKNOWN_SKILL = "unknown_skill"
    SKILL_DISABLED = "skill_disabled"


# Rules about the moment of booking, not about the time itself: they no longer apply when
# a stored callback is checked again at dial time (`assess(..., booking=False)`).
BOOKING_ONLY = frozenset({Code.IN_PAST, Code.TOO_SOON, Code.TOO_FAR_AHEAD, Code.SLOT_FULL})


@dataclass(frozen=True, slots=True)
class Violation:
    field: str
    code: str
    message: str
