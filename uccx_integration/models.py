"""What the dialer integration keeps: import requests and campaign leases. Task health
and the UCCX directory live in ops (ops.models); callbacks in the callbacks app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callbacks.models import CallbackCampaign
from ops.models import DirectoryEntry, DirectoryKind, IntegrationStatus  # noqa: F401 (moved)


class BatchKind(models.TextChoices):
    EXPORT = "export", _("Export of due callbacks")
    PURGE = "purge", _("Re-import after a purge")


class BatchState(models.TextChoices):
    SENDING = "sending", _("Sending")
    ACCEPTED = "accepted", _("Accepted by UCCX")
    REFUSED = "refused", _("Not received by UCCX (callbacks back to scheduled)")
    UNKNOWN = "unknown", _("Outcome unknown (reconcile asks UCCX)")
    RECONCILED = "reconciled", _("Resolved by reconcile")


class ImportState(models.TextChoices):
    """What UCCX's import status said of an accepted batch (the import is asynchronous)."""

    PENDING = "pending", _("Waiting for UCCX's import status")
    SUCCEEDED = "succeeded", _("Imported")
    PARTIAL = "partial", _("Fewer contacts imported than sent")
    FAILED = "failed", _("UCCX reported the import failed")


class ExportBatch(models.Model):
    """One add-contacts request to UCCX: what was sent, and what became of it."""

    campaign = models.ForeignKey(
        CallbackCampaign,
        on_delete=models.PROTECT,
        related_name="export_batches",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(
        max_length=10, choices=BatchKind.choices, default=BatchKind.EXPORT, verbose_name=_("kind")
    )
    state = models.CharField(
        max_length=10,
        choices=BatchState.choices,
        default=BatchState.SENDING,
        verbose_name=_("state"),
    )
    contacts = models.PositiveIntegerField(default=0, verbose_name=_("contacts"))
    account_numbers = models.JSONField(
        default=list, help_text=_("Account numbers sent."), verbose_name=_("account numbers")
    )
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("http status")
    )
    location = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("UCCX's import status URL."),
        verbose_name=_("location"),
    )
    error = models.TextField(blank=True, verbose_name=_("error"))
    # UCCX imports after answering the POST; its import status tells how it went. A run
    # is this batch's when it started after the newest run seen just before the POST.
    imports_seen_before = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Start of the newest import UCCX reported just before this batch was sent."),
        verbose_name=_("imports seen before"),
    )
    import_state = models.CharField(
        max_length=10,
        choices=ImportState.choices,
        blank=True,
        help_text=_("UCCX's import status."),
        verbose_name=_("import state"),
    )
    import_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("import started at")
    )
    imported = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Contacts UCCX reports imported by this batch's run."),
        verbose_name=_("imported"),
    )
    import_detail = models.CharField(max_length=200, blank=True, verbose_name=_("import detail"))
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("UCCX import batch")
        verbose_name_plural = _("UCCX import batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.contacts} contacts)"


class CampaignLease(models.Model):
    """Who may change one UCCX campaign's dialing list now (export or purge), until when.

    A lease rather than a database lock: it works on every database, and a worker that
    dies only blocks the campaign until `expires_at`.
    """

    uccx_campaign_id = models.PositiveIntegerField(unique=True)
    holder = models.CharField(max_length=80, blank=True)
    expires_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"campaign {self.uccx_campaign_id}: {self.holder or 'free'}"
