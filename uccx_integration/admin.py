"""Django Admin for the UCCX integration: task health on the admin index, the read-only
records (task status, import batches, the UCCX directory), the purge action and the
UCCX-id choices that the campaign and skill forms use.

Nothing here changes a callback or talks to UCCX. The purge action and the "Run now"
buttons only queue the Celery tasks, which then do exactly what they do on schedule.
The records are written by the tasks alone: no add, change or delete here. Campaign
leases have no page: they last minutes and free themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST
from django_celery_beat.models import PeriodicTask

from callbacks.purge_action import PurgePreview, purge_selected  # noqa: F401 (moved)
from ops.beat import short_name, task_names
from ops.directory import DirectoryChoicesAdmin, DirectoryInput  # noqa: F401 (moved)
from ops.models import DirectoryEntry, IntegrationStatus
from ops.queue import TASK_LABELS, queue_task, task_label
from ops.tracking import TaskHealth, task_health

from .models import BatchState, ExportBatch

logger = logging.getLogger(__name__)

# The purge is not run from the index: it needs the campaigns and a confirmation.
RUN_NOW_EXCLUDED = frozenset({"purge_dialing_lists"})


def admin_time(moment: dt.datetime | None) -> str:
    """'2026-11-20 10:00:00 CET' in the admin's zone (settings.TIME_ZONE), or '-'."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S %Z}" if moment else "-"


def counts_text(counts: dict[str, Any] | None, empty: str = "nothing to do") -> str:
    """{'exported': 3, 'returned': 0} -> 'exported 3'; the zeros say nothing."""
    shown = [f"{name.replace('_', ' ')} {value}" for name, value in (counts or {}).items() if value]
    return ", ".join(shown) or empty


def health_mark(ok: bool) -> SafeString:
    """Green tick or red cross WITH a word, so it reads without colour too."""
    icon, word, css = ("yes", "OK", "uccx-ok") if ok else ("no", "Needs attention", "uccx-bad")
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
    return {
        "rows": rows,
        "ok": not failing,
        "summary": (
            f"All {len(rows)} tasks healthy"
            if not failing
            else f"{failing} of {len(rows)} tasks need{'s' if failing == 1 else ''} attention"
        ),
        "status_url": reverse("admin:ops_integrationstatus_changelist"),
        "schedule_url": reverse("admin:django_celery_beat_periodictask_changelist"),
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
        mark=health_mark(health.ok),
        summary=health.summary,
        last_success=_with_age(success, now) if success else "never",
        # A failed run with no counts did nothing worth showing; its error says why.
        last_counts=(
            counts_text(status.last_counts, empty="nothing to do" if health.ok else "")
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
    return f"{admin_time(moment)} ({timesince(moment, now)} ago)"


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
    if periodic is None:
        return "not scheduled"
    if periodic.interval:
        when = str(periodic.interval)
    elif periodic.crontab:
        when = periodic.crontab.human_readable
    else:
        when = "own schedule"
    return when if periodic.enabled else f"{when} (disabled)"


def may_run_tasks(request: HttpRequest) -> bool:
    """Who may change the schedule may also start a run now (as Periodic tasks allows)."""
    return request.user.has_perm("django_celery_beat.change_periodictask")


# --- read-only records ---------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the integration tasks write: looked at, never edited by hand."""

    subtitle = ""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # One line under the title saying where the rows come from.
        extra_context = {"subtitle": self.subtitle, **(extra_context or {})}
        return super().changelist_view(request, extra_context)


class MovedToOpsAdmin(ReadOnlyAdmin):
    """For a model moved from uccx_integration to ops: its pages are under /admin/ops/,
    and every URL name also answers to its old "uccx_integration_<model>_..." name, so
    that links and code that reverse the old names keep working."""

    @property
    def urls(self):
        urls = self.get_urls()  # the subclass's own (e.g. Run now) included
        new = f"{self.opts.app_label}_{self.opts.model_name}_"
        old = f"uccx_integration_{self.opts.model_name}_"
        aliases = [
            URLPattern(url.pattern, url.callback, url.default_args, old + url.name[len(new) :])
            for url in urls
            if isinstance(url, URLPattern) and url.name and url.name.startswith(new)
        ]
        return [*urls, *aliases]


@admin.register(IntegrationStatus)
class IntegrationStatusAdmin(MovedToOpsAdmin):
    subtitle = (
        "The last run of each background task. Red on the admin home page means a task "
        "fails or has not run for a while: is the Celery worker (and beat) running?"
    )
    list_display = (
        "task_name",
        "healthy",
        "last_success",
        "last_failure",
        "consecutive_failures",
        "counts",
    )
    list_filter = ()
    search_fields = ("task",)
    list_select_related = False
    fieldsets = (
        (None, {"fields": ("task_name", "healthy", "health_summary")}),
        (
            "Last run",
            {
                "description": "A run that did part of its work counts as failed; what it "
                "did is kept and shown in the counts.",
                "fields": ("last_started", "last_success", "last_failure", "last_error", "counts"),
            },
        ),
        (
            "Totals",
            {"fields": ("runs", "failures", "consecutive_failures", "last_duration_ms")},
        ),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])  # type: ignore[misc]

    def get_changelist_instance(self, request):
        # Health is judged for all tasks in one query, then handed to each listed row.
        changelist = super().get_changelist_instance(request)
        report = {health.task: health for health in task_health()}
        for status in changelist.result_list:
            status.health = report.get(status.task)
        return changelist

    def get_object(self, request, object_id, from_field=None):
        status = super().get_object(request, object_id, from_field)
        if status is not None:
            status.health = next((h for h in task_health() if h.task == status.task), None)
        return status

    @admin.display(description="task", ordering="task")
    def task_name(self, status: IntegrationStatus) -> str:
        return task_label(status.task)

    @admin.display(description="OK?")
    def healthy(self, status: IntegrationStatus) -> str:
        health = getattr(status, "health", None)
        return health_mark(health.ok) if health else "not a scheduled task"

    @admin.display(description="why")
    def health_summary(self, status: IntegrationStatus) -> str:
        health = getattr(status, "health", None)
        return health.summary if health else "-"

    @admin.display(description="last started", ordering="last_started_at")
    def last_started(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_started_at)

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_success_at)

    @admin.display(description="last failure", ordering="last_failure_at")
    def last_failure(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_failure_at)

    @admin.display(description="last counts")
    def counts(self, status: IntegrationStatus) -> str:
        return counts_text(status.last_counts) if status.runs else "-"

    # -- "Run now" from the index --------------------------------------------------

    def get_urls(self):
        run = self.admin_site.admin_view(require_POST(self.run_view))
        return [
            path(
                "run/<str:task>/",
                run,
                name=f"{self.opts.app_label}_{self.opts.model_name}_run",
            ),
            *super().get_urls(),
        ]

    def run_view(self, request, task: str):
        if task not in TASK_LABELS or task in RUN_NOW_EXCLUDED:
            raise Http404("No such task to run.")
        if not may_run_tasks(request):
            raise PermissionDenied
        error = queue_task(task)
        if error:
            self.message_user(request, error, messages.ERROR)
        else:
            self.message_user(
                request,
                f"{task_label(task)} was queued; the worker runs it within moments and this "
                "page shows the result once you reload it.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))


# What each batch state means for whoever looks at it (the state names stay short).
STATE_MEANING: dict[str, str] = {
    BatchState.SENDING: "Being sent to UCCX. Still sending after a few minutes means the "
    "request was interrupted (e.g. a worker stopped); reconcile settles it within 5 minutes.",
    BatchState.ACCEPTED: "UCCX took the request (HTTP 2xx) and imports the contacts after "
    "answering: the import status below says how that went. Imported contacts are in the "
    "dialer, which calls them inside the campaign's dialing window; any UCCX did not take "
    "went back to scheduled, with the reason in their timeline.",
    BatchState.REFUSED: "UCCX surely did not receive them (connection refused or request "
    "rejected). The callbacks went back to scheduled; the next export sends them again.",
    BatchState.UNKNOWN: "Outcome unknown (no answer in time, or a UCCX error after "
    "sending): reconcile will ask UCCX within 5 minutes which contacts arrived; nothing is "
    "sent twice.",
    BatchState.RECONCILED: "Reconcile settled every callback of this batch: those UCCX has "
    "are in the dialer, the others were scheduled again.",
}


@admin.register(ExportBatch)
class ExportBatchAdmin(ReadOnlyAdmin):
    subtitle = (
        "Every import request sent to UCCX: by the export (due callbacks) and by the purge "
        "(callbacks imported again). Written by the background tasks."
    )
    list_display = (
        "created",
        "campaign",
        "kind",
        "state_display",
        "contacts",
        "http_status",
        "import_state",
        "imported",
    )
    list_filter = ("state", "import_state", "kind", "campaign")
    search_fields = ("account_numbers",)
    search_help_text = "An account number sent in the batch."
    list_select_related = ("campaign",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("campaign", "kind", "state", "meaning", "contacts")}),
        ("Times", {"fields": ("created", "finished")}),
        ("UCCX's answer", {"fields": ("http_status", "location", "error")}),
        (
            "UCCX's import (asynchronous)",
            {"fields": ("import_state", "imported", "import_started", "import_detail")},
        ),
        ("Contacts", {"fields": ("account_number_list",)}),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])  # type: ignore[misc]

    @admin.display(description="created", ordering="created_at")
    def created(self, batch: ExportBatch) -> str:
        return admin_time(batch.created_at)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, batch: ExportBatch) -> str:
        return admin_time(batch.finished_at)

    @admin.display(description="import started (UCCX's clock)")
    def import_started(self, batch: ExportBatch) -> str:
        return admin_time(batch.import_started_at)

    @admin.display(description="state", ordering="state")
    def state_display(self, batch: ExportBatch) -> SafeString:
        # The meaning as a tooltip: the list stays narrow.
        return format_html(
            '<span title="{}">{}</span>', STATE_MEANING.get(batch.state, ""), batch.state
        )

    @admin.display(description="what this means")
    def meaning(self, batch: ExportBatch) -> str:
        return STATE_MEANING.get(batch.state, "")

    @admin.display(description="account numbers")
    def account_number_list(self, batch: ExportBatch) -> str:
        return ", ".join(batch.account_numbers) or "-"


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(MovedToOpsAdmin):
    subtitle = (
        "Campaigns, skills, CSQs and agents as UCCX knows them, refreshed by "
        '"Sync the UCCX directory" (hourly). They are offered on the campaign and skill '
        "forms; change them in UCCX."
    )
    list_display = ("name", "kind", "uccx_id", "details_text", "synced")
    list_filter = ("kind",)
    search_fields = ("name", "uccx_id")
    search_help_text = "Name or UCCX id."
    list_select_related = False
    fields = ("kind", "uccx_id", "name", "details_text", "synced")
    readonly_fields = fields

    @admin.display(description="details")
    def details_text(self, entry: DirectoryEntry) -> str:
        return counts_text(entry.details, empty="-")

    @admin.display(description="synced", ordering="synced_at")
    def synced(self, entry: DirectoryEntry) -> str:
        return admin_time(entry.synced_at)
