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
    "export_lead_minutes": _("Send to dialer (minutes before)"),
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


# What an <input type="datetime-local"> sends, plus what people type by hand.
WALL_TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
WALL_TIME = WALL_TIME_FORMATS[0]  # what an <input type="datetime-local"> sends and shows


class WallTimeField(forms.CharField):
    """A date and time as a wall clock shows it: a NAIVE datetime.

    Naive on purpose: the rules engine reads it in the skill's zone and reports a time a
    daylight-saving gap skipped as a violation, which a timezone-aware field would hide.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def to_python(self, value) -> dt.datetime | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        for pattern in WALL_TIME_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise forms.ValidationError(_("Enter a date and time, e.g. 2026-11-23T10:30."))


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
        self.fields["when"].help_text = (
            _("Local wall-clock time in the skill's time zone: %(zone)s.") % {"zone": zone}
            if zone
            else _("Local wall-clock time in the skill's time zone (shown next to each skill).")
        )

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
