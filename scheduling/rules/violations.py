"""Violations: the codes of the API contract and what a broken rule says.

Every code is in one TextChoices, scheduling/codes.py (`Code` here).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from scheduling.codes import ViolationCode

# The engine's name for the one list of violation codes (scheduling/codes.py).
Code = ViolationCode


# Rules about the moment of booking, not about the time itself: they no longer apply when
# a stored callback is checked again at dial time (`assess(..., booking=False)`).
BOOKING_ONLY = frozenset({Code.IN_PAST, Code.TOO_SOON, Code.TOO_FAR_AHEAD, Code.SLOT_FULL})


# A violation's `field` is a wire name (the API's); people read these words instead.
FIELD_LABELS = {
    "phone_number": _("Customer phone"),
    "scheduled_at": _("Date and time"),
    "skill": _("Skill"),
    "campaign": _("Campaign"),
    "agent_id": _("Agent"),
}


@dataclass(frozen=True, slots=True)
class Violation:
    field: str
    code: str
    message: str

    @property
    def field_label(self) -> str:
        """'Date and time' for `scheduled_at`: the field in words, for the admin's pages."""
        return str(FIELD_LABELS.get(self.field, self.field.replace("_", " ").capitalize()))
