"""What ops keeps: each background task's last run, and the UCCX directory mirror
(written by uccx_integration's sync_uccx_directory, read by the admin forms). The tables
keep the names they had in uccx_integration (db_table): the rows stayed where they were."""

from django.db import models
from django.utils import timezone


class IntegrationStatus(models.Model):
    """Last run of one background task (any app's): shown on the admin index and by /readyz."""

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
        db_table = "uccx_integration_integrationstatus"  # moved from uccx_integration
        verbose_name = "integration status"
        verbose_name_plural = "integration status"

    def __str__(self) -> str:
        return self.task


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
        db_table = "uccx_integration_directoryentry"  # moved from uccx_integration
        verbose_name = "UCCX directory entry"
        verbose_name_plural = "UCCX directory"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.uccx_id})"
