"""Violations: the codes of the API contract and what a broken rule says.

Every code is in one TextChoices, scheduling/codes.py (`Code` here).
"""

from dataclasses import dataclass

from scheduling.codes import ViolationCode

# The engine's name for the one list of violation codes (scheduling/codes.py).
Code = ViolationCode


# Rules about the moment of booking, not about the time itself: they no longer apply when
# a stored callback is checked again at dial time (`assess(..., booking=False)`).
BOOKING_ONLY = frozenset({Code.IN_PAST, Code.TOO_SOON, Code.TOO_FAR_AHEAD, Code.SLOT_FULL})


@dataclass(frozen=True, slots=True)
class Violation:
    field: str
    code: str
    message: str
