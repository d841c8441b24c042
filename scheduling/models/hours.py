"""When a skill is open: holiday calendars, business hours (a zone, weekly periods,
special days) and the skills that use them."""

import datetime as dt
import itertools
import zoneinfo
from functools import cache

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..display import clock

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
            f"Closes ({clock(closes)}) must be after opens ({clock(opens)}). For hours past "
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
        when = f"{self.date:%d %b} every year" if self.every_year else self.date.isoformat()
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
        return f"{self.get_weekday_display()} {clock(self.opens)}-{clock(self.closes)}"

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
        return f"{self.date} {self.opens:%H:%M}-{self.closes:%H:%M}"  # set unless closed

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
