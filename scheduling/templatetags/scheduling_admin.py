"""The "Tools" box on the admin index: links to the scheduling tool pages."""

from django import template
from django.contrib import admin
from django.urls import reverse

from scheduling.models import HolidayCalendar, Skill

register = template.Library()


@register.simple_tag(takes_context=True)
def scheduling_tools(context) -> dict:
    """Links the current user may follow; empty lists when there is nothing to show."""
    request = context["request"]
    site = admin.site
    tools: dict = {"check_time_url": "", "calendars": [], "add_calendar_url": ""}
    if site.is_registered(Skill) and site.get_model_admin(Skill).has_view_permission(request):
        tools["check_time_url"] = reverse("admin:scheduling_skill_check_time")
    if site.is_registered(HolidayCalendar):
        calendars = site.get_model_admin(HolidayCalendar)
        if calendars.has_view_permission(request):
            tools["calendars"] = [
                (name, reverse("admin:scheduling_holidaycalendar_preview", args=[pk]))
                for pk, name in HolidayCalendar.objects.values_list("pk", "name")
            ]
        if calendars.has_add_permission(request):
            tools["add_calendar_url"] = reverse("admin:scheduling_holidaycalendar_add")
    return tools
