"""The read-only records the tasks write: task status (with Run now), import batches,
the UCCX directory."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ops.models import DirectoryEntry, IntegrationStatus
from ops.queue import TASK_LABELS, queue_task, task_label
from ops.tracking import task_health
from scheduling.display import admin_time

from ..models import BatchState, ExportBatch
from .health import RUN_NOW_EXCLUDED, counts_text, health_mark, may_run_tasks

# --- read-only records ---------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the integration tasks write: looked at, never edited by hand."""

    subtitle: str | Promise = ""

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
    subtitle = _(
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
            _("Last run"),
            {
                "description": _(
                    "A run that did part of its work counts as failed; what it "
                    "did is kept and shown in the counts."
                ),
                "fields": ("last_started", "last_success", "last_failure", "last_error", "counts"),
            },
        ),
        (
            _("Totals"),
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

    @admin.display(description=_("task"), ordering="task")
    def task_name(self, status: IntegrationStatus) -> str:
        return task_label(status.task)

    @admin.display(description=_("OK?"))
    def healthy(self, status: IntegrationStatus) -> str:
        health = getattr(status, "health", None)
        return health_mark(health.ok, health.waiting) if health else gettext("not a scheduled task")

    @admin.display(description=_("why"))
    def health_summary(self, status: IntegrationStatus) -> str:
        health = getattr(status, "health", None)
        return health.summary if health else "-"

    @admin.display(description=_("last started"), ordering="last_started_at")
    def last_started(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_started_at)

    @admin.display(description=_("last success"), ordering="last_success_at")
    def last_success(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_success_at)

    @admin.display(description=_("last failure"), ordering="last_failure_at")
    def last_failure(self, status: IntegrationStatus) -> str:
        return admin_time(status.last_failure_at)

    @admin.display(description=_("last counts"))
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
            raise Http404(gettext("No such task to run."))
        if not may_run_tasks(request):
            raise PermissionDenied
        error = queue_task(task)
        if error:
            self.message_user(request, error, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "%(task)s was queued; the worker runs it within moments and this "
                    "page shows the result once you reload it."
                )
                % {"task": task_label(task)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))


# What each batch state means for whoever looks at it (the state names stay short).
STATE_MEANING: dict[str, str | Promise] = {
    BatchState.SENDING: _(
        "Being sent to UCCX. Still sending after a few minutes means the "
        "request was interrupted (e.g. a worker stopped); reconcile settles it within 5 minutes."
    ),
    BatchState.ACCEPTED: _(
        "UCCX took the request (HTTP 2xx) and imports the contacts after "
        "answering: the import status below says how that went. Imported contacts are in the "
        "dialer, which calls them inside the campaign's dialing window; any UCCX did not take "
        "went back to scheduled, with the reason in their timeline."
    ),
    BatchState.REFUSED: _(
        "UCCX surely did not receive them (connection refused or request "
        "rejected). The callbacks went back to scheduled; the next export sends them again."
    ),
    BatchState.UNKNOWN: _(
        "Outcome unknown (no answer in time, or a UCCX error after "
        "sending): reconcile will ask UCCX within 5 minutes which contacts arrived; nothing is "
        "sent twice."
    ),
    BatchState.RECONCILED: _(
        "Reconcile settled every callback of this batch: those UCCX has "
        "are in the dialer, the others were scheduled again."
    ),
}


@admin.register(ExportBatch)
class ExportBatchAdmin(ReadOnlyAdmin):
    subtitle = _(
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
    search_help_text = _("An account number sent in the batch.")
    list_select_related = ("campaign",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("campaign", "kind", "state", "meaning", "contacts")}),
        (_("Times"), {"fields": ("created", "finished")}),
        (_("UCCX's answer"), {"fields": ("http_status", "location", "error")}),
        (
            _("UCCX's import (asynchronous)"),
            {"fields": ("import_state", "imported", "import_started", "import_detail")},
        ),
        (_("Contacts"), {"fields": ("account_number_list",)}),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])  # type: ignore[misc]

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, batch: ExportBatch) -> str:
        return admin_time(batch.created_at)

    @admin.display(description=_("finished"), ordering="finished_at")
    def finished(self, batch: ExportBatch) -> str:
        return admin_time(batch.finished_at)

    @admin.display(description=_("import started (UCCX's clock)"))
    def import_started(self, batch: ExportBatch) -> str:
        return admin_time(batch.import_started_at)

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, batch: ExportBatch) -> SafeString:
        # The meaning as a tooltip: the list stays narrow.
        return format_html(
            '<span title="{}">{}</span>', STATE_MEANING.get(batch.state, ""), batch.state
        )

    @admin.display(description=_("what this means"))
    def meaning(self, batch: ExportBatch) -> str | Promise:
        return STATE_MEANING.get(batch.state, "")

    @admin.display(description=_("account numbers"))
    def account_number_list(self, batch: ExportBatch) -> str:
        return ", ".join(batch.account_numbers) or "-"


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(MovedToOpsAdmin):
    subtitle = _(
        "Campaigns, skills, CSQs and agents as UCCX knows them, refreshed by "
        '"Sync the UCCX directory" (hourly). They are offered on the campaign and skill '
        "forms; change them in UCCX."
    )
    list_display = ("name", "kind", "uccx_id", "details_text", "synced")
    list_filter = ("kind",)
    search_fields = ("name", "uccx_id")
    search_help_text = _("Name or UCCX id.")
    list_select_related = False
    fields = ("kind", "uccx_id", "name", "details_text", "synced")
    readonly_fields = fields

    @admin.display(description=_("details"))
    def details_text(self, entry: DirectoryEntry) -> str:
        return counts_text(entry.details, empty="-")

    @admin.display(description=_("synced"), ordering="synced_at")
    def synced(self, entry: DirectoryEntry) -> str:
        return admin_time(entry.synced_at)
