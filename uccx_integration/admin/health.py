"""Task health on the admin index (the "UCCX integration" box, every app's tasks) and
the helpers the admin pages share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django_celery_beat.models import PeriodicTask

from ops.beat import short_name, task_names
from ops.models import IntegrationStatus
from ops.queue import task_label
from ops.schedule_text import schedule_in_words
from ops.tracking import TaskHealth, task_health
from scheduling.display import admin_time

# The purge is not run from the index: it needs the campaigns and a confirmation.
RUN_NOW_EXCLUDED = frozenset({"purge_dialing_lists"})


# The counts the tasks record (RunSummary.add, callbacks' tasks), as the admin reads them
# ("waiting_for_import" -> "waiting for import"), marked for the translation.
COUNT_NAMES = (
    gettext_noop("batches"),
    gettext_noop("campaigns busy"),
    gettext_noop("campaigns closed"),
    gettext_noop("campaigns purged"),
    gettext_noop("expired"),
    gettext_noop("exported"),
    gettext_noop("imports pending"),
    gettext_noop("moved"),
    gettext_noop("polled rows"),
    gettext_noop("reimported"),
    gettext_noop("returned"),
    gettext_noop("undecided"),
    gettext_noop("unknown"),
    gettext_noop("unknown codes"),
    gettext_noop("waiting for import"),
    gettext_noop("callbacks"),
    gettext_noop("events"),
    gettext_noop("idempotency records"),
    gettext_noop("campaign"),
    gettext_noop("skill"),
    gettext_noop("csq"),
    gettext_noop("resource"),
    gettext_noop("campaign removed"),
    gettext_noop("skill removed"),
    gettext_noop("csq removed"),
    gettext_noop("resource removed"),
)


def counts_text(counts: dict[str, Any] | None, empty: str = "nothing to do") -> str:
    """{'exported': 3, 'returned': 0} -> 'exported 3'; the zeros say nothing."""
    shown = [
        f"{_(name.replace('_', ' '))} {value}" for name, value in (counts or {}).items() if value
    ]
    return ", ".join(shown) or empty


def health_mark(ok: bool, waiting: bool = False) -> SafeString:
    """Green tick, grey clock (not run yet, not late) or red cross WITH a word, so it
    reads without colour too."""
    if waiting:
        # No image: Django's icon-clock.svg holds two glyphs (a sprite), shown stacked.
        return format_html('<span class="uccx-waiting">&#8987; {}</span>', _("Waiting"))
    if ok:
        icon, word, css = ("yes", _("OK"), "uccx-ok")
    else:
        icon, word, css = ("no", _("Needs attention"), "uccx-bad")
    return format_html(
        '<span class="{}"><img src="{}" alt=""> {}</span>',
        css,
        static(f"admin/img/icon-{icon}.svg"),
        word,
    )


# --- health on the admin index -----------------------------------------------------


@dataclass(frozen=True)
class HealthRow:
    task: str
    label: str
    ok: bool
    waiting: bool
    mark: SafeString
    summary: str
    last_success: str
    last_counts: str
    schedule: str
    schedule_url: str
    run_url: str


def health_box(request: HttpRequest) -> dict[str, Any] | None:
    """What the "UCCX integration" box on the index shows; None for who may not see it."""
    site = admin.site
    if not site.is_registered(IntegrationStatus):
        return None
    if not site.get_model_admin(IntegrationStatus).has_view_permission(request):
        return None
    now = timezone.now()
    report = task_health(now)
    schedules = _periodic_tasks()
    may_run = may_run_tasks(request)
    rows = [_health_row(health, now, schedules.get(health.task), may_run) for health in report]
    failing = sum(not row.ok for row in rows)
    waiting = sum(health.waiting for health in report)
    if failing:
        summary = ngettext(
            "%(failing)d of %(count)d tasks needs attention",
            "%(failing)d of %(count)d tasks need attention",
            failing,
        ) % {"failing": failing, "count": len(rows)}
    elif waiting:
        summary = ngettext(
            "No task needs attention; %(waiting)d waits for its first run",
            "No task needs attention; %(waiting)d wait for their first run",
            waiting,
        ) % {"waiting": waiting}
    else:
        summary = _("All %(count)d tasks healthy") % {"count": len(rows)}
    return {
        "rows": rows,
        "ok": not failing,
        "waiting": bool(waiting) and not failing,
        "summary": summary,
        "status_url": reverse("admin:ops_integrationstatus_changelist"),
        "schedule_url": reverse("admin:django_celery_beat_periodictask_changelist"),
        "agent_identity": agent_identity(),
    }


def agent_identity() -> dict[str, Any]:
    """How the gadget's agents are known (settings.AGENT_AUTH, docs/security.md): verified
    with Finesse, or key-only (weaker: the gadget key acts for any agent it names)."""
    if settings.AGENT_AUTH == "key_only":
        return {
            "ok": False,
            "text": _(
                "Agent identity: key-only mode (AGENT_AUTH=key_only) - weaker: anyone "
                "with the gadget key can act for any agent."
            ),
        }
    if not settings.FINESSE_URL:
        return {
            "ok": False,
            "text": _(
                "Agent identity: FINESSE_URL is not set - agents cannot sign in, "
                "personal callbacks cannot be booked from the gadget."
            ),
        }
    # The dial-time check of personal callbacks' agents (callbacks/dialing/agent_away.py).
    states = (
        _("agent states read at dial time as %(user)s") % {"user": settings.FINESSE_USERNAME}
        if settings.FINESSE_USERNAME
        else _(
            "agent states not read at dial time (FINESSE_USERNAME is not set): personal "
            "callbacks are dialed as booked"
        )
    )
    return {
        "ok": True,
        "text": _("Agent identity: verified with Finesse (%(url)s); %(states)s.")
        % {"url": settings.FINESSE_URL, "states": states},
    }


def _health_row(
    health: TaskHealth, now: dt.datetime, periodic: PeriodicTask | None, may_run: bool
) -> HealthRow:
    status = health.status
    success = status.last_success_at if status else None
    return HealthRow(
        task=health.task,
        label=task_label(health.task),
        ok=health.ok,
        waiting=health.waiting,
        mark=health_mark(health.ok, health.waiting),
        summary=health.summary,
        last_success=_with_age(success, now) if success else _("not yet"),
        # A failed run with no counts did nothing worth showing; its error says why.
        last_counts=(
            counts_text(status.last_counts, empty=_("nothing to do") if health.ok else "")
            if status and status.runs
            else ""
        ),
        schedule=_schedule_text(periodic),
        schedule_url=(
            reverse("admin:django_celery_beat_periodictask_change", args=[periodic.pk])
            if periodic
            else ""
        ),
        run_url=(
            reverse("admin:ops_integrationstatus_run", args=[health.task])
            if may_run and health.task not in RUN_NOW_EXCLUDED
            else ""
        ),
    )


def _with_age(moment: dt.datetime, now: dt.datetime) -> str:
    return _("%(when)s (%(age)s ago)") % {"when": admin_time(moment), "age": timesince(moment, now)}


def _periodic_tasks() -> dict[str, PeriodicTask]:
    """Task name -> its periodic task (the first, should an administrator add another)."""
    found: dict[str, PeriodicTask] = {}
    for periodic in (
        PeriodicTask.objects.filter(task__in=task_names().values())
        .select_related("interval", "crontab")
        .order_by("pk")
    ):
        found.setdefault(short_name(periodic.task), periodic)
    return found


def _schedule_text(periodic: PeriodicTask | None) -> str:
    return schedule_in_words(periodic) if periodic is not None else _("not scheduled")


def may_run_tasks(request: HttpRequest) -> bool:
    """Who may change the schedule may also start a run now (as Periodic tasks allows)."""
    return request.user.has_perm("django_celery_beat.change_periodictask")
