"""What the dialer integration keeps: import requests, task health, campaign leases and
the UCCX directory. Callbacks themselves live in the callbacks app."""

from django.db import models
from django.utils import timezone

from callbacks.models import CallbackCampaign


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


class IntegrationStatus(models.Model):
    """Last run of one integration task: shown on the admin index and by /readyz."""

    task = models.CharField(max_length=50, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_counts = models.JSONField(default=dict, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["task"]
        verbose_name = "integration status"
        verbose_name_plural = "integration status"

    def __str__(self) -> str:
        return self.task


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


class DirectoryKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    SKILL = "skill", "Skill"
    CSQ = "csq", "CSQ"
    RESOURCE = "resource", "Agent (resource)"


class DirectoryEntry(models.Model):
    """A UCCX campaign, skill, CSQ or agent as sync_uccx_directory last saw it."""

    kind = models.CharField(max_length=10, choices=DirectoryKind.choices)
    uccx_id = models.CharField(max_length=50, help_text="Id in UCCX (userID for agents).")
    name = models.CharField(max_length=150)
    details = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "uccx_id"], name="one_directory_entry")
        ]
        verbose_name = "UCCX directory entry"
        verbose_name_plural = "UCCX directory"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.uccx_id})"
