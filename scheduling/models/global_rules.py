"""GlobalRules: the one row of limits for every callback, and the configuration version
that tells every process the configuration changed."""

import datetime as dt
import uuid
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .hours import (
    BusinessHours,
    CustomHoliday,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    SpecialDay,
    minutes_of,
)

NUMBER_TYPES = {
    name.lower(): value
    for name, value in vars(phonenumbers.PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]


class GlobalRules(models.Model):
    """Limits for every callback, edited as one page in the admin (a single row).

    Times of day are read in the skill's own time zone, except the customer window,
    which is read in the time zone(s) of the customer's phone number.
    """

    SINGLETON_ID = 1

    earliest_time = models.TimeField(
        default=dt.time(8, 0),
        help_text=_("No callback starts before this time of day (skill's time zone)."),
        verbose_name=_("earliest time"),
    )
    latest_time = models.TimeField(
        default=dt.time(20, 0),
        help_text=_(
            "No callback starts at or after this time of day (skill's time zone). "
            "00:00 means midnight at the end of the day."
        ),
        verbose_name=_("latest time"),
    )
    min_lead_minutes = models.PositiveIntegerField(
        default=5,
        help_text=_("A callback must be at least this many minutes in the future."),
        verbose_name=_("min lead minutes"),
    )
    max_days_ahead = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(366)],
        help_text=_("How many days ahead a callback may be booked (0 = today only)."),
        verbose_name=_("max days ahead"),
    )
    closing_buffer_minutes = models.PositiveIntegerField(
        default=10,
        help_text=_(
            "A callback may not start later than this many minutes before the skill "
            "closes, so the customer reaches an agent before closing."
        ),
        verbose_name=_("closing buffer minutes"),
    )
    slot_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Length of a booking slot; the day is cut into slots from midnight."),
        verbose_name=_("slot minutes"),
    )
    slot_capacity = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("How many callbacks one skill may have in one slot."),
        verbose_name=_("slot capacity"),
    )
    customer_earliest_time = models.TimeField(
        default=dt.time(8, 0),
        help_text=_(
            "Never call a customer before this time in THEIR time zone (taken from "
            "the phone number; where a number spans zones, all of them must agree)."
        ),
        verbose_name=_("customer earliest time"),
    )
    customer_latest_time = models.TimeField(
        default=dt.time(21, 0),
        help_text=_("Never call a customer at or after this time in their time zone."),
        verbose_name=_("customer latest time"),
    )
    default_region = models.CharField(
        max_length=2,
        default="PL",
        help_text=_("Country assumed for numbers entered without a country code, e.g. PL."),
        verbose_name=_("default region"),
    )
    allowed_regions = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Comma-separated country codes that may be called, e.g. PL,DE. "
            "Empty allows every country."
        ),
        verbose_name=_("allowed regions"),
    )
    allowed_number_types = models.CharField(
        max_length=200,
        blank=True,
        help_text=format_lazy(
            _(
                "Comma-separated number types that may be called, from: {types}. "
                "Empty allows every valid number."
            ),
            types=", ".join(sorted(NUMBER_TYPES)),
        ),
        verbose_name=_("allowed number types"),
    )
    blocked_prefixes = models.TextField(
        blank=True,
        help_text=_(
            "Numbers never to call, as international prefixes, one per line or "
            "comma-separated, e.g. +48700 (premium rate)."
        ),
        verbose_name=_("blocked prefixes"),
    )
    max_pending_per_number = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many callbacks one phone number may have waiting at once."),
        verbose_name=_("max pending per number"),
    )
    expiry_minutes = models.PositiveIntegerField(
        default=60,
        help_text=_("A callback not dialed within this many minutes after its time expires."),
        verbose_name=_("expiry minutes"),
    )
    on_time_minutes = models.PositiveIntegerField(
        default=5,
        validators=[MaxValueValidator(240)],
        help_text=_(
            "Reports count a callback as on time when its first dial came within "
            "this many minutes before or after the promised time."
        ),
        verbose_name=_("on time minutes"),
    )
    retention_days = models.PositiveIntegerField(
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_("Finished callbacks and their events are deleted after this many days."),
        verbose_name=_("retention days"),
    )
    called_in_closes_callbacks = models.BooleanField(
        default=True,
        help_text=_(
            "When the IVR (or an administrator) reports that a call from a number "
            "reached an agent, close that number's pending callbacks as satisfied, so nobody "
            "is called back about a problem already solved."
        ),
        verbose_name=_("called in closes callbacks"),
    )
    called_in_window_hours = models.PositiveIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "Only callbacks booked within this many hours before the customer's call "
            "are closed; older ones are taken to be about something else and stay."
        ),
        verbose_name=_("called in window hours"),
    )
    # Changes with every saved or deleted piece of configuration (see the signal handler
    # below); the rules engine reuses its parsed configuration while it stays the same.
    config_version = models.CharField(
        max_length=32, default="initial", editable=False, verbose_name=_("config version")
    )
    history = HistoricalRecords(excluded_fields=["config_version"])

    class Meta:
        verbose_name = _("global rules")
        verbose_name_plural = _("global rules")

    def __str__(self) -> str:
        return str(_("Global rules"))

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "GlobalRules":
        rules, _ = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return rules

    @property
    def allowed_region_list(self) -> list[str]:
        return [code.upper() for code in _csv(self.allowed_regions)]

    @property
    def allowed_number_type_list(self) -> list[str]:
        return [name.lower() for name in _csv(self.allowed_number_types)]

    @property
    def blocked_prefix_list(self) -> list[str]:
        return ["+" + prefix.lstrip("+") for prefix in _csv(self.blocked_prefixes)]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if minutes_of(self.latest_time, closing=True) <= minutes_of(self.earliest_time):
            errors["latest_time"] = _("The latest time must be after the earliest time.")
        customer_end = minutes_of(self.customer_latest_time, closing=True)
        if customer_end <= minutes_of(self.customer_earliest_time):
            errors["customer_latest_time"] = _("Must be after the customer's earliest time.")
        regions = phonenumbers.SUPPORTED_REGIONS
        if self.default_region.upper() not in regions:
            errors["default_region"] = _("%(code)s is not a known country code.") % {
                "code": self.default_region
            }
        unknown = [code for code in self.allowed_region_list if code not in regions]
        if unknown:
            errors["allowed_regions"] = _("Unknown country codes: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
        unknown = [name for name in self.allowed_number_type_list if name not in NUMBER_TYPES]
        if unknown:
            errors["allowed_number_types"] = _("Unknown number types: %(types)s.") % {
                "types": ", ".join(unknown)
            }
        bad = [p for p in self.blocked_prefix_list if not p[1:].isdigit()]
        if bad:
            errors["blocked_prefixes"] = _("Prefixes must be digits after '+': %(prefixes)s.") % {
                "prefixes": ", ".join(bad)
            }
        if errors:
            raise ValidationError(errors)
        self.default_region = self.default_region.upper()


def bump_config_version(**kwargs) -> None:
    """Tell every process that the scheduling configuration changed.

    Connected to save and delete of every configuration model; call it yourself after
    changing configuration with queryset.update(), bulk_create() or raw SQL.
    """
    GlobalRules.objects.filter(pk=GlobalRules.SINGLETON_ID).update(config_version=uuid.uuid4().hex)


for _model in (HolidayCalendar, CustomHoliday, BusinessHours, OpeningPeriod, SpecialDay, Skill):
    models.signals.post_save.connect(bump_config_version, sender=_model)
    models.signals.post_delete.connect(bump_config_version, sender=_model)
