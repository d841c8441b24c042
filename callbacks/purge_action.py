"""The "Purge the UCCX dialing lists" action on callback campaigns: a confirmation page,
then the purge task queued by its Celery name ("uccx_integration.purge_dialing_lists",
through ops.queue), so the callbacks admin does not import the integration."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ops.queue import queue_task

from .dialing import DueWindow
from .models import Callback, CallbackCampaign, Status


@admin.action(
    description=_("Purge the UCCX dialing lists of selected campaigns"), permissions=["change"]
)
def purge_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset):
    """Confirmation page first; on confirm, queue the purge task for these campaigns."""
    campaigns = list(queryset.order_by("name"))
    if "confirm" not in request.POST:
        return _purge_confirmation(modeladmin, request, campaigns)
    error = queue_task("purge_dialing_lists", campaign_ids=[c.pk for c in campaigns])
    if error:
        modeladmin.message_user(request, error, messages.ERROR)
        return None
    modeladmin.message_user(
        request,
        format_html(
            gettext(
                "Purge queued for {}. The worker empties their UCCX dialing lists and imports "
                'again the callbacks still waiting; see <a href="{}">UCCX import batches</a> '
                "and the integration status for the result."
            ),
            ", ".join(c.name for c in campaigns),
            reverse("admin:uccx_integration_exportbatch_changelist") + "?kind__exact=purge",
        ),
        messages.SUCCESS,
    )
    return None


@dataclass(frozen=True)
class PurgePreview:
    campaign: CallbackCampaign
    reimported: int  # waiting in the dialer: imported again after the purge
    expired: int  # waiting, but too late to be dialed now: expired instead


def _purge_confirmation(
    modeladmin: admin.ModelAdmin, request: HttpRequest, campaigns: list[CallbackCampaign]
) -> TemplateResponse:
    # The purge expires what it finds past its dialing deadline instead of re-importing:
    # the same deadline as the export's due window.
    deadline = DueWindow.at(timezone.now()).not_before
    waiting = {
        row["campaign"]: (row["total"] - row["late"], row["late"])
        for row in Callback.objects.filter(campaign__in=campaigns, status=Status.IN_DIALER)
        .values("campaign")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(scheduled_at__lt=deadline)))
    }
    rows = [PurgePreview(c, *waiting.get(c.pk, (0, 0))) for c in campaigns]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Purge UCCX dialing lists?"),
        "opts": modeladmin.opts,
        "rows": rows,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "action": "purge_selected",
    }
    return TemplateResponse(request, "admin/uccx_integration/purge_confirmation.html", context)
