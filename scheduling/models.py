"""Configuration that decides WHEN a callback may happen.

A Skill is what a standard callback is queued to; its BusinessHours (own IANA time zone,
weekly opening periods, special days, a HolidayCalendar) say when it is open.
GlobalRules is one row of limits that apply to every callback. The rules engine
(scheduling.rules) reads all of it at once into a snapshot; nothing here evaluates.
"""

import datetime as dt
import itertools
import uuid
import zoneinfo
from functools import cache

import holidays as holidays_lib
import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

MIDNIGHT = dt.time(0, 0)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


@cache
def supported_countries() -> dict[str, list[str]]:
    """Country code -> subdivision codes known to the `holidays` library."""
    return holidays_lib.list_supported_countries()


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def minutes_of(value: dt.time, *, closing: bool = False) -> int:
    """Minutes since midnight; a closing time of 00:00 means the end of the day (24:00)."""
    if closing and value == MIDNIGHT:
        return 24 * 60
    return value.hour * 60 + value.minute


def check_period(opens: dt.time | None, closes: dt.time | None) -> None:
    """One opening period on one day: opens before it closes, no crossing of midnight.

    A period past midnight is entered as two: e.g. Friday 22:00-00:00 and Saturday
    00:00-02:00. A closing time of 00:00 means midnight at the end of the day.
    """
    if opens is None or closes is None:
        raise ValidationError("Enter both an opening and a closing time.")
    if minutes_of(closes, closing=True) <= minutes_of(opens):
        raise ValidationError(
            f"Closes ({closes:%H:%M}) must be after opens ({opens:%H:%M}). For hours past "
            "midnight add two periods, e.g. 22:00-00:00 and 00:00-02:00 on the next day."
        )


def check_no_overlap(periods: list[tuple[str, dt.time, dt.time]]) -> None:
    """Periods of the same day (label, opens, closes) must not overlap."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for label, opens, closes in periods:
        by_label.setdefault(label, []).append((minutes_of(opens), minutes_of(closes, closing=True)))
    for label, spans in by_label.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start < end:
                raise ValidationError(f"Opening periods on {label} overlap.")


class HolidayCalendar(models.Model):
    """Public holidays of a country (and optionally one subdivision), plus custom dates.

    Public holidays come from the `holidays` library, so moving feasts (Easter Monday,
    Corpus Christi) are right every year without anyone typing them in.
    """

    name = models.CharField(max_length=100, unique=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Two-letter country code whose public holidays apply, e.g. PL or US. "
        "Leave empty to use only the custom holidays below.",
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="Optional state or province code for regional holidays, e.g. NY for "
        "New York in the US. Leave empty for national holidays only.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.country = self.country.upper().strip()
        self.subdivision = self.subdivision.upper().strip()
        if not self.country:
            if self.subdivision:
                raise ValidationError({"subdivision": "A subdivision needs a country."})
            return
        countries = supported_countries()
        if self.country not in countries:
            raise ValidationError(
                {"country": f"{self.country} is not a country the holidays library knows."}
            )
        if self.subdivision and self.subdivision not in countries[self.country]:
            known = ", ".join(countries[self.country]) or "none"
            raise ValidationError(
                {"subdivision": f"Unknown subdivision for {self.country}. Known: {known}."}
            )


class CustomHoliday(models.Model):
    """A company-specific closed day: once on a date, or on that day every year."""

    calendar = models.ForeignKey(
        HolidayCalendar, on_delete=models.CASCADE, related_name="custom_holidays"
    )
    date = models.DateField(help_text="For a yearly holiday only the day and month count.")
    name = models.CharField(max_length=100, help_text="Shown to agents, e.g. Christmas Eve.")
    every_year = models.BooleanField(
        default=False, help_text="Repeat on this day and month every year."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        when = f"{self.date:%d %b} every year" if self.every_year else f"{self.date:%Y-%m-%d}"
        return f"{self.name} ({when})"


class BusinessHours(models.Model):
    """When a skill is open: weekly periods in one time zone, special days, holidays."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Warsaw",
        help_text="The contact center's time zone for these hours. Times an agent enters "
        "without a zone are read in it; daylight-saving changes are handled.",
    )
    holiday_calendar = models.ForeignKey(
        HolidayCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_hours",
        help_text="Days on this calendar are closed, unless a special day below opens them.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "business hours"

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One weekly opening period; a day may have several (e.g. 08:00-12:00, 13:00-20:00)."""

    business_hours = models.ForeignKey(
        BusinessHours, on_delete=models.CASCADE, related_name="periods"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField(help_text="Local time, e.g. 08:00.")
    closes = models.TimeField(help_text="Local time; 00:00 means midnight at the end of the day.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        check_period(self.opens, self.closes)


class SpecialDay(models.Model):
    """One date with other hours than usual, or closed; it overrides holidays too."""

    business_hours = models.ForeignKey(
        BusinessHours, on_delete=models.CASCADE, related_name="special_days"
    )
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True, help_text="Why, e.g. Stocktaking.")
    closed = models.BooleanField(
        default=False, help_text="Closed all day. Otherwise open only between the times below."
    )
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(
        null=True, blank=True, help_text="00:00 means midnight at the end of the day."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_hours", "date"], name="one_special_day_per_date"
            )
        ]

    def __str__(self) -> str:
        if self.closed:
            return f"{self.date} closed"
        return f"{self.date} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.closed:
            self.opens = self.closes = None
            return
        try:
            check_period(self.opens, self.closes)
        except ValidationError as error:
            raise ValidationError(
                f"{error.messages[0]} Or tick 'closed' for a day with no hours."
            ) from None


class Skill(models.Model):
    """The UCCX skill (CSQ) a standard callback is queued to, with its opening hours."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="Exactly as the callback IVR script uses it to queue the call.",
    )
    uccx_skill_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Optional: the skill's id in UCCX."
    )
    uccx_csq_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Optional: the id of the CSQ serving this skill."
    )
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.PROTECT,
        related_name="skills",
        help_text="Callbacks for this skill are only placed while these hours are open.",
    )
    enabled = models.BooleanField(
        default=True, help_text="A disabled skill takes no new callbacks."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
        help_text="No callback starts before this time of day (skill's time zone).",
    )
    latest_time = models.TimeField(
        default=dt.time(20, 0),
        help_text="No callback starts at or after this time of day (skill's time zone). "
        "00:00 means midnight at the end of the day.",
    )
    min_lead_minutes = models.PositiveIntegerField(
        default=5, help_text="A callback must be at least this many minutes in the future."
    )
    max_days_ahead = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(366)],
        help_text="How many days ahead a callback may be booked (0 = today only).",
    )
    closing_buffer_minutes = models.PositiveIntegerField(
        default=10,
        help_text="A callback may not start later than this many minutes before the skill "
        "closes, so the customer reaches an agent before closing.",
    )
    slot_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Length of a booking slot; the day is cut into slots from midnight.",
    )
    slot_capacity = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="How many callbacks one skill may have in one slot.",
    )
    customer_earliest_time = models.TimeField(
        default=dt.time(8, 0),
        help_text="Never call a customer before this time in THEIR time zone (taken from "
        "the phone number; where a number spans zones, all of them must agree).",
    )
    customer_latest_time = models.TimeField(
        default=dt.time(21, 0),
        help_text="Never call a customer at or after this time in their time zone.",
    )
    default_region = models.CharField(
        max_length=2,
        default="PL",
        help_text="Country assumed for numbers entered without a country code, e.g. PL.",
    )
    allowed_regions = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated country codes that may be called, e.g. PL,DE. "
        "Empty allows every country.",
    )
    allowed_number_types = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated number types that may be called, from: "
        + ", ".join(sorted(NUMBER_TYPES))
        + ". Empty allows every valid number.",
    )
    blocked_prefixes = models.TextField(
        blank=True,
        help_text="Numbers never to call, as international prefixes, one per line or "
        "comma-separated, e.g. +48700 (premium rate).",
    )
    max_pending_per_number = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="How many callbacks one phone number may have waiting at once.",
    )
    export_lead_minutes = models.PositiveIntegerField(
        default=1,
        help_text="Send a callback to the UCCX dialer this many minutes before its time.",
    )
    expiry_minutes = models.PositiveIntegerField(
        default=60,
        help_text="A callback not dialed within this many minutes after its time expires.",
    )
    on_time_minutes = models.PositiveIntegerField(
        default=5,
        validators=[MaxValueValidator(240)],
        help_text="Reports count a callback as on time when its first dial came within "
        "this many minutes before or after the promised time.",
    )
    retention_days = models.PositiveIntegerField(
        default=365,
        validators=[MinValueValidator(1)],
        help_text="Finished callbacks and their events are deleted after this many days.",
    )
    # Changes with every saved or deleted piece of configuration (see the signal handler
    # below); the rules engine reuses its parsed configuration while it stays the same.
    config_version = models.CharField(max_length=32, default="initial", editable=False)
    history = HistoricalRecords(excluded_fields=["config_version"])

    class Meta:
        verbose_name = "global rules"
        verbose_name_plural = "global rules"

    def __str__(self) -> str:
        return "Global rules"

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
        errors: dict[str, str] = {}
        if minutes_of(self.latest_time, closing=True) <= minutes_of(self.earliest_time):
            errors["latest_time"] = "The latest time must be after the earliest time."
        customer_end = minutes_of(self.customer_latest_time, closing=True)
        if customer_end <= minutes_of(self.customer_earliest_time):
            errors["customer_latest_time"] = "Must be after the customer's earliest time."
        regions = phonenumbers.SUPPORTED_REGIONS
        if self.default_region.upper() not in regions:
            errors["default_region"] = f"{self.default_region} is not a known country code."
        unknown = [code for code in self.allowed_region_list if code not in regions]
        if unknown:
            errors["allowed_regions"] = f"Unknown country codes: {', '.join(unknown)}."
        unknown = [name for name in self.allowed_number_type_list if name not in NUMBER_TYPES]
        if unknown:
            errors["allowed_number_types"] = f"Unknown number types: {', '.join(unknown)}."
        bad = [p for p in self.blocked_prefix_list if not p[1:].isdigit()]
        if bad:
            errors["blocked_prefixes"] = f"Prefixes must be digits after '+': {', '.join(bad)}."
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
