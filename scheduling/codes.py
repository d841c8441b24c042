"""Every violation code of the API contract (docs/architecture.md §4), written once.

The rules engine, callbacks validation and services, the phone parser, the slots view
and the API serializers (so the OpenAPI document shows the enum) all use these; the
gadget translates each of them (callbacks/static/gadget/i18n.js, checked by
tests/callbacks/test_codes.py). The values are wire values: never rename one.
"""

from django.db import models


class ViolationCode(models.TextChoices):
    # The phone number (scheduling/phones.py).
    INVALID_PHONE = "invalid_phone", "Not a valid phone number"
    PHONE_NOT_ALLOWED = "phone_not_allowed", "Number may not be called back"
    # The time (scheduling/rules.py).
    INVALID_DATETIME = "invalid_datetime", "Not a valid date and time"
    IN_PAST = "in_past", "In the past"
    TOO_SOON = "too_soon", "Sooner than the minimum lead time"
    TOO_FAR_AHEAD = "too_far_ahead", "Beyond the booking horizon"
    OUTSIDE_GLOBAL_WINDOW = "outside_global_window", "Outside the global calling window"
    SKILL_CLOSED = "skill_closed", "Skill closed"
    CLOSING_SOON = "closing_soon", "Too close to the skill's closing time"
    HOLIDAY = "holiday", "Holiday"
    OUTSIDE_CUSTOMER_HOURS = "outside_customer_hours", "Outside the customer's hours"
    SLOT_FULL = "slot_full", "Slot full"
    # The skill (scheduling/rules.py).
    UNKNOWN_SKILL = "unknown_skill", "Unknown skill"
    SKILL_DISABLED = "skill_disabled", "Skill disabled"
    # The campaign and the customer's other callbacks (callbacks/validation.py).
    UNKNOWN_CAMPAIGN = "unknown_campaign", "Unknown campaign"
    CAMPAIGN_DISABLED = "campaign_disabled", "Campaign disabled"
    DUPLICATE_PENDING = "duplicate_pending", "A callback is already pending for the number"
    # The do-not-call list (scheduling/do_not_call.py), checked by callbacks/validation.py.
    DO_NOT_CALL = "do_not_call", "The number is on the do-not-call list"
