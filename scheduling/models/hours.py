"""When a skill is open: holiday calendars, business hours (a zone, weekly periods,
special days) and the skills that use them."""

import datetime as dt
import itertools
import zoneinfo
from functools import cache

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
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
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


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
        raise ValidationError(_("Enter both an opening and a closing time."))
    if minutes_of(closes, closing=True) <= minutes_of(opens):
        raise ValidationError(
            _(
                "Closes (%(closes)s) must be after opens (%(opens)s). For hours past "
                "midnight add two periods, e.g. 22:00-00:00 and 00:00-02:00 on the next day."
            )
            % {"closes": clock(closes), "opens": clock(opens)}
        )


def check_no_overlap(periods: list[tuple[str, dt.time, dt.time]]) -> None:
    """Periods of the same day (label, opens, closes) must not overlap."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for label, opens, closes in periods:
        by_label.setdefault(label, []).append((minutes_of(opens), minutes_of(closes, closing=True)))
    for label, spans in by_label.items():
        spans.sort()
        for (_start, end), (start, _end) in itertools.pairwise(spans):
            if start < end:
                raise ValidationError(_("Opening periods on %(day)s overlap.") % {"day": label})


class HolidayCalendar(models.Model):
    """Public holidays of a country (and optionally one subdivision), plus custom dates.

    Public holidays come from the `holidays` library, so moving feasts (Easter Monday,
    Corpus Christi) are right every year without anyone typing them in.
    """

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_(
            "Two-letter country code whose public holidays apply, e.g. PL or US. "
            "Leave empty to use only the custom holidays below."
        ),
        verbose_name=_("country"),
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text=_(
            "Optional state or province code for regional holidays, e.g. NY for "
            "New York in the US. Leave empty for national holidays only."
        ),
        verbose_name=_("subdivision"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday calendar")
        verbose_name_plural = _("holiday calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.country = self.country.upper().strip()
        self.subdivision = self.subdivision.upper().strip()
        if not self.country:
            if self.subdivision:
                raise ValidationError({"subdivision": _("A subdivision needs a country.")})
            return
        countries = supported_countries()
        if self.country not in countries:
            raise ValidationError(
                {
                    "country": _("%(country)s is not a country the holidays library knows.")
                    % {"country": self.country}
                }
            )
        if self.subdivision and self.subdivision not in countries[self.country]:
            known = ", ".join(countries[self.country]) or _("none")
            raise ValidationError(
                {
                    "subdivision": _("Unknown subdivision for %(country)s. Known: %(known)s.")
                    % {"country": self.country, "known": known}
                }
            )


class CustomHoliday(models.Model):
    """A company-specific closed day: once on a date, or on that day every year."""

    calendar = models.ForeignKey(
        HolidayCalendar,
        on_delete=models.CASCADE,
        related_name="custom_holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(
        help_text=_("For a yearly holiday only the day and month count."), verbose_name=_("date")
    )
    name = models.CharField(
        max_length=100, help_text=_("Shown to agents, e.g. Christmas Eve."), verbose_name=_("name")
    )
    every_year = models.BooleanField(
        default=False,
        help_text=_("Repeat on this day and month every year."),
        verbose_name=_("every year"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custom holiday")
        verbose_name_plural = _("custom holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        when = (
            _("%(day)s every year") % {"day": dateformat.format(self.date, "d M")}
            if self.every_year
            else self.date.isoformat()
        )
        return f"{self.name} ({when})"


class BusinessHours(models.Model):
    """When a skill is open: weekly periods in one time zone, special days, holidays."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    time_zone = models.CharField(
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Warsaw",
        help_text=_(
            "The contact center's time zone for these hours. Times an agent enters "
            "without a zone are read in it; daylight-saving changes are handled."
        ),
        verbose_name=_("time zone"),
    )
    holiday_calendar = models.ForeignKey(
        HolidayCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_hours",
        help_text=_("Days on this calendar are closed, unless a special day below opens them."),
        verbose_name=_("holiday calendar"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business hours")
        ordering = ["name"]
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One weekly opening period; a day may have several (e.g. 08:00-12:00, 13:00-20:00)."""

    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("business hours"),
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, verbose_name=_("weekday"))
    opens = models.TimeField(help_text=_("Local time, e.g. 08:00."), verbose_name=_("opens"))
    closes = models.TimeField(
        help_text=_("Local time; 00:00 means midnight at the end of the day."),
        verbose_name=_("closes"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {clock(self.opens)}-{clock(self.closes)}"

    def clean(self) -> None:
        check_period(self.opens, self.closes)


class SpecialDay(models.Model):
    """One date with other hours than usual, or closed; it overrides holidays too."""

    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.CASCADE,
        related_name="special_days",
        verbose_name=_("business hours"),
    )
    date = models.DateField(verbose_name=_("date"))
    name = models.CharField(
        max_length=100, blank=True, help_text=_("Why, e.g. Stocktaking."), verbose_name=_("name")
    )
    closed = models.BooleanField(
        default=False,
        help_text=_("Closed all day. Otherwise open only between the times below."),
        verbose_name=_("closed"),
    )
    opens = models.TimeField(null=True, blank=True, verbose_name=_("opens"))
    closes = models.TimeField(
        null=True,
        blank=True,
        help_text=_("00:00 means midnight at the end of the day."),
        verbose_name=_("closes"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
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
                _("%(error)s Or tick 'closed' for a day with no hours.")
                % {"error": error.messages[0]}
            ) from None


class Skill(models.Model):
    """The UCCX skill (CSQ) a standard callback is queued to, with its opening hours."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text=_("Exactly as the callback IVR script uses it to queue the call."),
        verbose_name=_("name"),
    )
    uccx_skill_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Optional: the skill's id in UCCX."),
        verbose_name=_("uccx skill id"),
    )
    uccx_csq_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Optional: the id of the CSQ serving this skill."),
        verbose_name=_("uccx csq id"),
    )
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.PROTECT,
        related_name="skills",
        help_text=_("Callbacks for this skill are only placed while these hours are open."),
        verbose_name=_("business hours"),
    )
    enabled = models.BooleanField(
        default=True,
        help_text=_("A disabled skill takes no new callbacks."),
        verbose_name=_("enabled"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
