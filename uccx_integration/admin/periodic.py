"""Periodic tasks for a business administrator: the schedule in words ("every day at
02:30 Europe/Warsaw"), last and next run in local time, and "Delete selected" last in
the action list (django-celery-beat's own admin, its forms and actions unchanged)."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from ops.schedule_text import schedule_in_words
from ops.tracking import due_after
from scheduling.display import admin_time


def next_run(periodic: PeriodicTask, now: dt.datetime | None = None) -> dt.datetime | None:
    """When beat next sends it: one period (a crontab's next time) after its last run,
    or after it was created or changed; None when disabled or without a schedule."""
    now = now or timezone.now()
    due = due_after(periodic, periodic.last_run_at or periodic.date_changed or now)
    if not periodic.enabled or due is None:
        return None
    return max(due, now)


class PlainPeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = ("task_name", "enabled", "when", "last_run", "next_run", "total_run_count")

    @admin.display(description=_("name"), ordering="name")
    def task_name(self, periodic: PeriodicTask) -> str:
        # Stored in English (gettext_noop in each app's schedule.py), shown translated.
        return gettext(periodic.name)

    @admin.display(description=_("when"))
    def when(self, periodic: PeriodicTask) -> str:
        return schedule_in_words(periodic)

    @admin.display(description=_("last run"), ordering="last_run_at")
    def last_run(self, periodic: PeriodicTask) -> str:
        return admin_time(periodic.last_run_at)

    @admin.display(description=_("next run"))
    def next_run(self, periodic: PeriodicTask) -> str:
        return admin_time(next_run(periodic))

    def get_actions(self, request):
        # Destructive actions never first: "Delete selected" moves to the end.
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete is not None:
            actions["delete_selected"] = delete
        return actions


# django-celery-beat's and django-axes' names in the sidebar: those libraries have no
# Polish, so our catalogue (locale/pl) translates these msgids for them.
LIBRARY_NAMES = (
    gettext_noop("Periodic Tasks"),
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("clocked"),
    gettext_noop("crontabs"),
    gettext_noop("intervals"),
    gettext_noop("solar events"),
    gettext_noop("access failures"),
    gettext_noop("Enable selected tasks"),
    gettext_noop("Disable selected tasks"),
    gettext_noop("Toggle activity of selected tasks"),
    gettext_noop("Run selected tasks"),
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
)

admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PlainPeriodicTaskAdmin)
