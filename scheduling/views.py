"""The admin's tool pages: "Check a time" and the holiday preview.

Both are thin: they read a form, ask the rules engine (scheduling.rules) and show its
answer. The ModelAdmins mount them in `get_urls`, wrapped in `admin_site.admin_view`.
"""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import do_not_call, rules
from .display import local_time_with_offset, utc_time
from .forms import PREVIEW_YEARS, WALL_TIME, CheckTimeForm, HolidayPreviewForm
from .models import Skill

SUGGESTED_SLOTS = 5


def check_time(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    skills = list(Skill.objects.select_related("business_hours"))
    if {"when", "when_date", "when_time"} & set(request.GET):  # the form or a slot's link
        form = CheckTimeForm(request.GET, skills=skills)
    else:  # a first visit, maybe from a skill's page (?skill=...): prefill, don't judge
        form = CheckTimeForm(skills=skills, initial=_initial(skills, request.GET.get("skill")))
    result = _check(form.cleaned_data) if form.is_bound and form.is_valid() else None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Check a time"),
        "opts": model_admin.opts,
        "form": form,
        "result": result,
    }
    return TemplateResponse(request, "admin/scheduling/check_time.html", context)


def _initial(skills: list[Skill], name: str | None) -> dict:
    """The named (or first) skill, next full hour in its zone: a quick start."""
    skill = next((s for s in skills if s.name == name), skills[0] if skills else None)
    if skill is None:
        return {}
    zone = ZoneInfo(skill.business_hours.time_zone)
    next_hour = timezone.now().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    next_hour += dt.timedelta(hours=1)
    return {"skill": skill.name, "when": f"{next_hour:{WALL_TIME}}"}


def _check(data: dict) -> dict:
    config = rules.RulesConfig.load()
    now = timezone.now()
    candidate = rules.Candidate(
        skill=data["skill"], scheduled_at=data["when"], phone_number=data["phone"]
    )
    assessment = rules.assess(candidate, config=config, now=now)
    # The do-not-call list as booking reads it (callbacks/validation.py).
    listed = do_not_call.listing_of(assessment, now=now)
    if listed is not None and assessment.phone is not None:
        assessment.violations.append(do_not_call.violation_for(listed, assessment.phone.e164))
    slots = do_not_call.suggest_allowed(
        candidate, assessment, listed, count=SUGGESTED_SLOTS, config=config, now=now
    )
    return {
        "assessment": assessment,
        "zone": assessment.skill.zone.key if assessment.skill else "",
        "local": local_time_with_offset(assessment.local) if assessment.local else None,
        "utc": utc_time(assessment.scheduled_at) if assessment.scheduled_at else None,
        "phone": assessment.phone,
        "phone_given": data["phone"] is not None,
        "slots": [
            {
                "local": local_time_with_offset(slot.local),
                "remaining": slot.remaining,
                "capacity": slot.capacity,
                "href": "?"
                + urlencode(
                    {"skill": data["skill"], "when": f"{slot.local:{WALL_TIME}}"}
                    | ({"phone": data["phone"]} if data["phone"] else {})
                ),
            }
            for slot in slots
        ],
    }


def holiday_preview(request, model_admin, object_id: str):
    calendar = model_admin.get_object(request, unquote(object_id))
    if calendar is None:
        raise Http404(_("No holiday calendar with that id."))
    if not model_admin.has_view_permission(request, calendar):
        raise PermissionDenied
    this_year = timezone.localdate().year
    form = HolidayPreviewForm(
        {
            "calendar": request.GET.get("calendar", calendar.pk),
            "year": request.GET.get("year", this_year),
        }
    )
    year = this_year
    if form.is_valid():
        year = form.cleaned_data["year"]
        chosen = form.cleaned_data["calendar"]
        if chosen.pk != calendar.pk:
            return HttpResponseRedirect(_preview_url(model_admin, chosen.pk, year))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Holidays of %(calendar)s in %(year)d") % {"calendar": calendar, "year": year},
        "opts": model_admin.opts,
        "original": calendar,
        "form": form,
        "year": year,
        "previous_url": _preview_url(model_admin, calendar.pk, year - 1)
        if year > PREVIEW_YEARS[0]
        else "",
        "next_url": _preview_url(model_admin, calendar.pk, year + 1)
        if year < PREVIEW_YEARS[1]
        else "",
        "holidays": [
            {"date": day, "weekday": date_format(day, "l"), "name": name}
            for day, name in rules.holidays_for(calendar, year)
        ],
        "business_hours": list(calendar.business_hours.all()),
    }
    return TemplateResponse(request, "admin/scheduling/holiday_preview.html", context)


def _preview_url(model_admin, calendar_id: int, year: int) -> str:
    url = reverse(
        "admin:scheduling_holidaycalendar_preview",
        args=[calendar_id],
        current_app=model_admin.admin_site.name,
    )
    return f"{url}?year={year}"
