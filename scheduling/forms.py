"""Admin forms for the scheduling configuration and its two tool pages.

The forms only collect input and give fields names an administrator recognises; every
rule is checked by the models (`clean`) or by the rules engine, never re-implemented here.
"""

import datetime as dt
import re
from typing import cast

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from holidays.registry import COUNTRIES

from .display import missing_day
from .models import GlobalRules, HolidayCalendar, Skill, Weekday, check_no_overlap
from .models import supported_countries as supported_holiday_countries


def _country_choices() -> list[tuple[str, str]]:
    # The registry names countries by class name ("UnitedStates"); split it for people.
    names = {
        entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in COUNTRIES.values()
    }
    codes = supported_holiday_countries()
    return sorted(
        ((code, f"{names.get(code, code)} ({code})") for code in codes), key=lambda c: c[1]
    )


class HolidayCalendarForm(forms.ModelForm):
    country = forms.ChoiceField(
        required=False,
        choices=lambda: [("", _("None: only the custom holidays below")), *_country_choices()],
        help_text=_(
            "The country whose public holidays apply. Choose none to use only the "
            "custom holidays below."
        ),
    )

    class Meta:
        model = HolidayCalendar
        fields = ("name", "country", "subdivision")


class OpeningPeriodFormSet(BaseInlineFormSet):
    """The weekly periods of one BusinessHours: no two may overlap on the same day."""

    def clean(self) -> None:
        super().clean()
        periods = []
        for form in self.forms:
            # Empty extra rows, rows being deleted and rows with their own errors (already
            # reported on the row) take no part in the overlap check.
            if not form.has_changed() and not form.instance.pk:
                continue
            if self._should_delete_form(form) or not form.is_valid():  # type: ignore[attr-defined]
                continue
            data = form.cleaned_data
            periods.append((str(Weekday(data["weekday"]).label), data["opens"], data["closes"]))
        check_no_overlap(periods)


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ("name", "enabled", "business_hours", "uccx_skill_id", "uccx_csq_id")
        labels = {"uccx_skill_id": _("UCCX skill ID"), "uccx_csq_id": _("UCCX CSQ ID")}


# Field names read like code; these read like the rules an administrator sets.
GLOBAL_RULES_LABELS = {
    "earliest_time": _("Earliest callback time"),
    "latest_time": _("Latest callback time"),
    "closing_buffer_minutes": _("Stop before closing (minutes)"),
    "min_lead_minutes": _("Minimum notice (minutes)"),
    "max_days_ahead": _("Book at most (days ahead)"),
    "max_pending_per_number": _("Waiting callbacks per phone number"),
    "slot_minutes": _("Slot length (minutes)"),
    "slot_capacity": _("Callbacks per slot and skill"),
    "customer_earliest_time": _("Customer's earliest time"),
    "customer_latest_time": _("Customer's latest time"),
    "default_region": _("Default country"),
    "allowed_regions": _("Allowed countries"),
    "allowed_number_types": _("Allowed number types"),
    "blocked_prefixes": _("Blocked prefixes"),
    "expiry_minutes": _("Give up after (minutes late)"),
    "on_time_minutes": _("On time within (± minutes)"),
    "retention_days": _("Keep finished callbacks (days)"),
    "called_in_closes_callbacks": _("Customer called in: close their callbacks"),
    "called_in_window_hours": _("... booked within (hours before the call)"),
}


class GlobalRulesForm(forms.ModelForm):
    class Meta:
        model = GlobalRules
        fields = tuple(GLOBAL_RULES_LABELS)
        labels = GLOBAL_RULES_LABELS
        widgets = {"blocked_prefixes": forms.Textarea(attrs={"rows": 3, "cols": 40})}


# What the two inputs send (joined by a space), what links carry (?when=2026-11-23T10:30,
# ISO 8601), and seconds typed by hand.
WALL_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
WALL_TIME = WALL_TIME_FORMATS[1]  # the form links carry: 2026-11-23T10:30
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
TIME_PATTERN = r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?"


class IsoDateInput(forms.TextInput):
    """A day as a text input, `YYYY-MM-DD` whatever the browser's locale (an
    <input type="date"> shows "11/04/2026" in an en-US browser)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "placeholder": "YYYY-MM-DD",
                "pattern": DATE_PATTERN,
                "inputmode": "numeric",
                "size": 10,
                "maxlength": 10,
                "autocomplete": "off",
                **(attrs or {}),
            }
        )


class IsoDateField(forms.DateField):
    """A day typed as YYYY-MM-DD; a well-formed day the calendar lacks (2027-02-29) is
    named as such, not as a wrong format."""

    widget = IsoDateInput
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter the day as YYYY-MM-DD, e.g. 2026-11-23.")}

    def to_python(self, value):
        reason = missing_day(value) if isinstance(value, str) else None
        if reason:
            raise forms.ValidationError(reason, code="invalid")
        return super().to_python(value)


class WallTimeWidget(forms.MultiWidget):
    """A date and a time as two text inputs, `YYYY-MM-DD` and `HH:MM`, ISO and 24-hour
    whatever the browser's locale (an <input type="datetime-local"> shows
    "12/25/2026, 10:00 AM" in an en-US browser). Sent as `<name>_date` and `<name>_time`;
    a single `<name>` (a suggested slot's link) is read as well."""

    def __init__(self, attrs=None):
        date = IsoDateInput(attrs={"aria-label": _("Date (YYYY-MM-DD)"), "class": "wall-date"})
        time = forms.TextInput(
            attrs={
                "placeholder": "HH:MM",
                "pattern": TIME_PATTERN,
                "inputmode": "numeric",
                "size": 5,
                "maxlength": 8,
                "autocomplete": "off",
                "aria-label": _("Time (HH:MM, 24-hour)"),
                "class": "wall-time",
            }
        )
        super().__init__({"date": date, "time": time}, attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""  # the label names the date input

    def decompress(self, value) -> list[str]:
        if isinstance(value, dt.datetime):
            return [value.date().isoformat(), f"{value:%H:%M}"]
        parts = re.split(r"[T ]", str(value or "").strip(), maxsplit=1)
        return [parts[0], parts[1][:5] if len(parts) > 1 else ""]

    def value_from_datadict(self, data, files, name) -> str:  # type: ignore[override]
        if name in data:  # one value: a link's ?when=2026-11-23T10:30
            return str(data.get(name) or "")
        date, time = super().value_from_datadict(data, files, name)
        return f"{(date or '').strip()} {(time or '').strip()}".strip()

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


FORMAT_HINT = _("Date as YYYY-MM-DD, time as HH:MM (24-hour).")


def wall_time_help(zone: str | None) -> str:
    """The help text of a wall time read in the skill's `zone` (None: not chosen yet)."""
    where = (
        _("Local wall-clock time in the skill's time zone: %(zone)s.") % {"zone": zone}
        if zone
        else _("Local wall-clock time in the skill's time zone (shown next to each skill).")
    )
    return f"{where} {FORMAT_HINT}"


class WallTimeField(forms.CharField):
    """A date and time as a wall clock shows it: a NAIVE datetime.

    Naive on purpose: the rules engine reads it in the skill's zone and reports a time a
    daylight-saving gap skipped as a violation, which a timezone-aware field would hide.
    """

    widget = WallTimeWidget

    def to_python(self, value) -> dt.datetime | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        for pattern in WALL_TIME_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern)
            except ValueError:
                continue
        reason = missing_day(re.split(r"[T ]", text, maxsplit=1)[0])
        if reason:
            raise forms.ValidationError(reason)
        raise forms.ValidationError(
            _(
                "Enter the date as YYYY-MM-DD and the time as HH:MM (24-hour), "
                "e.g. 2026-11-23 and 14:30."
            )
        )


class CheckTimeForm(forms.Form):
    """Input of the "Check a time" page: a skill, a wall time in its zone, a phone."""

    skill = forms.ChoiceField(label=_("Skill"))
    when = WallTimeField(label=_("Date and time"))
    phone = forms.CharField(
        label=_("Customer phone"),
        required=False,
        max_length=40,
        help_text=_("Optional. Also checks the number and the customer's own calling hours."),
    )

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.zones = {skill.name: skill.business_hours.time_zone for skill in skills}
        disabled = ", " + str(_("disabled"))
        cast(forms.ChoiceField, self.fields["skill"]).choices = [
            (
                skill.name,
                f"{skill.name} ({self.zones[skill.name]}{'' if skill.enabled else disabled})",
            )
            for skill in skills
        ]
        zone = self.zones.get(str(self.data.get("skill") or self.initial.get("skill") or ""))
        self.fields["when"].help_text = wall_time_help(zone)

    def clean_phone(self) -> str | None:
        return self.cleaned_data["phone"].strip() or None


PREVIEW_YEARS = (1950, 2100)


class HolidayPreviewForm(forms.Form):
    calendar = forms.ModelChoiceField(
        queryset=HolidayCalendar.objects.all(), empty_label=None, label=_("Calendar")
    )
    year = forms.IntegerField(
        min_value=PREVIEW_YEARS[0], max_value=PREVIEW_YEARS[1], label=_("Year")
    )
