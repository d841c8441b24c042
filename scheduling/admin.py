"""Django Admin: the configuration UI for when callbacks may happen.

Every model keeps its change history (django-simple-history: who changed what, when).
Opening periods, special days and custom holidays are edited on their parent's page,
where the checks across rows run (e.g. no overlapping periods); their own pages only
list them and show their history.
"""

import itertools
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ops.directory import DirectoryChoicesAdmin
from ops.models import DirectoryKind

from . import (
    do_not_call_admin,  # noqa: F401  registers the do-not-call list's admin
    views,
)
from .display import clock
from .forms import GlobalRulesForm, HolidayCalendarForm, OpeningPeriodFormSet, SkillForm
from .models import (
    MIDNIGHT,
    BusinessHours,
    CustomHoliday,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    SpecialDay,
)

DAY_ABBREVIATIONS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
DASH = "\N{EN DASH}"

# Times of day in a zone of their own (the skill's or the customer's): the admin's clock
# widget would offer the browser's "Now" and warn about the browser's offset, both wrong.
TIME_OF_DAY: dict[type[models.Field], dict[str, Any]] = {
    models.TimeField: {
        "widget": forms.TimeInput(format="%H:%M", attrs={"size": 5, "placeholder": "HH:MM"})
    }
}


def _closing(value) -> str:
    return "24:00" if value == MIDNIGHT else clock(value)


def weekly_summary(periods) -> list[str]:
    """['Mon-Fri 08:00-20:00', 'Sat 09:00-14:00'] (with en dashes): runs of equal days."""
    by_day: list[list] = [[] for _ in DAY_ABBREVIATIONS]
    for period in periods:
        by_day[period.weekday].append((period.opens, period.closes))
    hours = [", ".join(f"{clock(o)}{DASH}{_closing(c)}" for o, c in sorted(day)) for day in by_day]
    parts = []
    for spans, run in itertools.groupby(range(len(by_day)), key=hours.__getitem__):
        days = list(run)
        if not spans:
            continue
        first, last = DAY_ABBREVIATIONS[days[0]], DAY_ABBREVIATIONS[days[-1]]
        parts.append(f"{first if first == last else f'{first}{DASH}{last}'} {spans}")
    return parts or [str(_("Closed every day"))]


class EditedOnParentAdmin(SimpleHistoryAdmin):
    """Browse rows and their history; edit them on the parent's page, where rows are
    checked against each other."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- holiday calendars -----------------------------------------------------------


class CustomHolidayInline(admin.TabularInline):
    model = CustomHoliday
    fields = ("date", "name", "every_year")
    ordering = ("date",)
    extra = 1


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(SimpleHistoryAdmin):
    form = HolidayCalendarForm
    inlines = (CustomHolidayInline,)
    list_display = ("name", "country", "subdivision", "custom_holiday_count", "preview")
    list_filter = ("country",)
    search_fields = ("name", "country", "subdivision", "custom_holidays__name")
    readonly_fields = ()
    list_select_related = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(custom_count=Count("custom_holidays"))

    @admin.display(description=_("custom holidays"), ordering="custom_count")
    def custom_holiday_count(self, calendar: HolidayCalendar) -> int:
        return getattr(calendar, "custom_count", 0)  # annotated in get_queryset

    @admin.display(description=_("holidays"))
    def preview(self, calendar: HolidayCalendar) -> str:
        url = reverse(
            "admin:scheduling_holidaycalendar_preview",
            args=[calendar.pk],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">Preview {}</a>', url, timezone.localdate().year)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path(
                "<path:object_id>/preview/",
                preview,
                name=f"{self.opts.app_label}_{self.opts.model_name}_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id: str):
        return views.holiday_preview(request, self, object_id)


@admin.register(CustomHoliday)
class CustomHolidayAdmin(EditedOnParentAdmin):
    list_display = ("name", "date", "every_year", "calendar")
    list_filter = ("calendar", "every_year")
    search_fields = ("name", "calendar__name")
    readonly_fields = ()
    list_select_related = ("calendar",)


# --- business hours --------------------------------------------------------------


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    formset = OpeningPeriodFormSet
    fields = ("weekday", "opens", "closes")
    ordering = ("weekday", "opens")
    formfield_overrides = TIME_OF_DAY
    extra = 1
    verbose_name = _("weekly opening period")
    verbose_name_plural = _(
        "weekly opening periods (several per day allowed; closes 00:00 = end of the day)"
    )


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    fields = ("date", "name", "closed", "opens", "closes")
    ordering = ("date",)
    formfield_overrides = TIME_OF_DAY
    extra = 0
    verbose_name_plural = _("special days (override the weekly hours and holidays on a date)")


@admin.register(BusinessHours)
class BusinessHoursAdmin(SimpleHistoryAdmin):
    inlines = (OpeningPeriodInline, SpecialDayInline)
    list_display = ("name", "time_zone", "holiday_calendar", "weekly_hours", "skills_using")
    # Only the zones in use, not all ~600 of the field's choices.
    list_filter = (("time_zone", admin.AllValuesFieldListFilter), "holiday_calendar")
    search_fields = ("name", "skills__name")
    readonly_fields = ()
    list_select_related = ("holiday_calendar",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("periods", "skills")

    @admin.display(description=_("weekly hours"))
    def weekly_hours(self, hours: BusinessHours) -> str:
        # A line may break between runs of days, never inside one.
        return format_html_join(
            "; ",
            '<span style="white-space: nowrap">{}</span>',
            ((run,) for run in weekly_summary(hours.periods.all())),
        )

    @admin.display(description=_("used by skills"))
    def skills_using(self, hours: BusinessHours) -> str | None:
        return ", ".join(skill.name for skill in hours.skills.all()) or None


@admin.register(OpeningPeriod)
class OpeningPeriodAdmin(EditedOnParentAdmin):
    list_display = ("business_hours", "weekday", "opens", "closes")
    list_filter = ("business_hours", "weekday")
    search_fields = ("business_hours__name",)
    readonly_fields = ()
    list_select_related = ("business_hours",)


@admin.register(SpecialDay)
class SpecialDayAdmin(EditedOnParentAdmin):
    list_display = ("date", "name", "closed", "opens", "closes", "business_hours")
    list_filter = ("business_hours", "closed")
    search_fields = ("name", "business_hours__name")
    readonly_fields = ()
    list_select_related = ("business_hours",)
    date_hierarchy = "date"


# --- skills ----------------------------------------------------------------------


@admin.register(Skill)
class SkillAdmin(DirectoryChoicesAdmin, SimpleHistoryAdmin):
    form = SkillForm
    # The ids are offered from the UCCX directory (synced hourly) and may be typed by hand.
    directory_fields = {"uccx_skill_id": DirectoryKind.SKILL, "uccx_csq_id": DirectoryKind.CSQ}
    list_display = ("name", "enabled", "business_hours", "skill_id", "csq_id")
    list_editable = ("enabled",)
    list_filter = ("enabled", "business_hours")
    search_fields = ("name",)
    readonly_fields = ()
    list_select_related = ("business_hours",)

    @admin.display(description=_("UCCX skill ID"), ordering="uccx_skill_id")
    def skill_id(self, skill: Skill):
        return skill.uccx_skill_id

    @admin.display(description=_("UCCX CSQ ID"), ordering="uccx_csq_id")
    def csq_id(self, skill: Skill):
        return skill.uccx_csq_id

    def get_urls(self):
        check_time = self.admin_site.admin_view(self.check_time_view)
        return [
            path(
                "check-time/",
                check_time,
                name=f"{self.opts.app_label}_{self.opts.model_name}_check_time",
            ),
            *super().get_urls(),
        ]

    def check_time_view(self, request):
        return views.check_time(request, self)


# --- global rules ----------------------------------------------------------------


@admin.register(GlobalRules)
class GlobalRulesAdmin(SimpleHistoryAdmin):
    """One row, one page: the list redirects to it; it cannot be added or deleted."""

    form = GlobalRulesForm
    formfield_overrides = TIME_OF_DAY
    list_display = ("__str__",)
    list_filter = ()
    search_fields = ()
    readonly_fields = ()
    list_select_related = False
    fieldsets = (
        (
            _("Callback hours"),
            {
                "description": _(
                    "When a callback may start, read in each skill's own time "
                    "zone. A skill's business hours narrow this further."
                ),
                "fields": ("earliest_time", "latest_time", "closing_buffer_minutes"),
            },
        ),
        (
            _("Booking"),
            {
                "description": _("How soon, how far ahead and how often a callback may be booked."),
                "fields": ("min_lead_minutes", "max_days_ahead", "max_pending_per_number"),
            },
        ),
        (
            _("Slots"),
            {
                "description": _(
                    "Each day is cut into slots; a skill takes at most this many "
                    "callbacks per slot, so its agents are not flooded at once."
                ),
                "fields": ("slot_minutes", "slot_capacity"),
            },
        ),
        (
            _("Customer's local calling window"),
            {
                "description": _(
                    "Read in the customer's own time zone, which comes from their "
                    "phone number (e.g. a +1 212 number is called on New York time)."
                ),
                "fields": ("customer_earliest_time", "customer_latest_time"),
            },
        ),
        (
            _("Phone numbers"),
            {
                "description": _("Which customer numbers may be called back at all."),
                "fields": (
                    "default_region",
                    "allowed_regions",
                    "allowed_number_types",
                    "blocked_prefixes",
                ),
            },
        ),
        (
            _("Dialer and purge"),
            {
                "description": _(
                    "How callbacks reach the UCCX dialer and leave it again. "
                    "When the dialing lists are purged (daily at 02:30 by default) and how often "
                    "the scheduler exports and polls are set under Periodic tasks."
                ),
                "fields": ("expiry_minutes",),
            },
        ),
        (
            _("Customer called in first"),
            {
                "description": _(
                    "The IVR (POST /api/v1/ivr/called-in) or an administrator "
                    "(Callbacks → action) reports that a call from a number reached an agent: "
                    "that number's pending callbacks booked within the window are closed as "
                    "satisfied (not dialed; reported apart from cancellations). A callback "
                    "being sent to UCCX at that moment, or already on a call, is left alone."
                ),
                "fields": ("called_in_closes_callbacks", "called_in_window_hours"),
            },
        ),
        (
            _("Reports and retention"),
            {
                "description": _(
                    "When a callback counts as on time in the reports, and how "
                    "long finished callbacks stay in the database for them."
                ),
                "fields": ("on_time_minutes", "retention_days"),
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rules = GlobalRules.load()
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[rules.pk],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(url)
