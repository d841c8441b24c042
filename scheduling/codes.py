"""Every violation code of the API contract (docs/architecture.md §4), written once.

The rules engine, callbacks validation and services, the phone parser, the slots view
and the API serializers (so the OpenAPI document shows the enum) all use these; the
gadget translates each of them (callbacks/static/gadget/i18n.js, checked by
tests/callbacks/test_codes.py). The values are wire values: never rename one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ViolationCode(models.TextChoices):
    # The phone number (scheduling/phones.py).
    INVALID_PHONE = "invalid_phone", _("Not a valid phone number")
    PHONE_NOT_ALLOWED = "phone_not_allowed", _("Number may not be called back")
    # The time (scheduling/rules.py).
    INVALID_DATETIME = "invalid_datetime", _("Not a valid date and time")
    IN_PAST = "in_past", _("In the past")
    TOO_SOON = "too_soon", _("Sooner than the minimum lead time")
    TOO_FAR_AHEAD = "too_far_ahead", _("Beyond the booking horizon")
    OUTSIDE_GLOBAL_WINDOW = "outside_global_window", _("Outside the global calling window")
    SKILL_CLOSED = "skill_closed", _("Skill closed")
    CLOSING_SOON = "closing_soon", _("Too close to the skill's closing time")
    HOLIDAY = "holiday", _("Holiday")
    OUTSIDE_CUSTOMER_HOURS = "outside_customer_hours", _("Outside the customer's hours")
    SLOT_FULL = "slot_full", _("Slot full")
    # The skill (scheduling/rules.py).
    UNKNOWN_SKILL = "unknown_skill", _("Unknown skill")
    SKILL_DISABLED = "skill_disabled", _("Skill disabled")
    # The campaign and the customer's other callbacks (callbacks/validation.py).
    UNKNOWN_CAMPAIGN = "unknown_campaign", _("Unknown campaign")
    CAMPAIGN_DISABLED = "campaign_disabled", _("Campaign disabled")
    DUPLICATE_PENDING = "duplicate_pending", _("A callback is already pending for the number")
    # The do-not-call list (scheduling/do_not_call.py), checked by callbacks/validation.py.
    DO_NOT_CALL = "do_not_call", _("The number is on the do-not-call list")
