"""What the dialer integration keeps: import requests and campaign leases. Task health
and the UCCX directory live in ops (ops.models); callbacks in the callbacks app."""

from django.db import models
from django.utils import timezone

from callbacks.models import CallbackCampaign
from ops.models import DirectoryEntry, DirectoryKind, IntegrationStatus  # noqa: F401 (moved)


class BatchKind(models.TextChoices):
    EXPORT = "export", "Export of due callbacks"
    PURGE = "purge", "Re-import after a purge"


class BatchState(models.TextChoices):
    SENDING = "sending", "Sending"
    ACCEPTED = "accepted", "Accepted by UCCX"
    REFUSED = "refused", "Not received by UCCX (callbacks back to scheduled)"
    UNKNOWN = "unknown", "Outcome unknown (reconcile asks UCCX)"
    RECONCILED = "reconciled", "Resolved by reconcile"


class ImportState(models.TextChoices):
    """What UCCX's import status said of an accepted batch (the import is asynchronous)."""

    PENDING = "pending", "Waiting for UCCX's import status"
    SUCCEEDED = "succeeded", "Imported"
    PARTIAL = "partial", "Fewer contacts imported than sent"
    FAILED = "failed", "UCCX reported the import failed"


class ExportBatch(models.Model):
    """One add-contacts request to UCCX: what was sent, and what became of it."""

    campaign = models.ForeignKey(
        CallbackCampaign, on_delete=models.PROTECT, related_name="export_batches"
    )
    kind = models.CharField(max_length=10, choices=BatchKind.choices, default=BatchKind.EXPORT)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.SENDING)
    contacts = models.PositiveIntegerField(default=0)
    account_numbers = models.JSONField(default=list, help_text="Account numbers sent.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True, help_text="UCCX's import status URL.")
    error = models.TextField(blank=True)
    # UCCX imports after answering the POST; its import status tells how it went. A run
    # is this batch's when it started after the newest run seen just before the POST.
    imports_seen_before = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Start of the newest import UCCX reported just before this batch was sent.",
    )
    import_state = models.CharField(
        max_length=10, choices=ImportState.choices, blank=True, help_text="UCCX's import status."
    )
    import_started_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(
        null=True, blank=True, help_text="Contacts UCCX reports imported by this batch's run."
    )
    import_detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "UCCX import batch"
        verbose_name_plural = "UCCX import batches"

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
