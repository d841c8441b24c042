"""What ops keeps: each background task's last run, and the UCCX directory mirror
(written by uccx_integration's sync_uccx_directory, read by the admin forms). The tables
keep the names they had in uccx_integration (db_table): the rows stayed where they were."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntegrationStatus(models.Model):
    """Last run of one background task (any app's): shown on the admin index and by /readyz."""

    task = models.CharField(max_length=50, unique=True, verbose_name=_("task"))
    last_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last started at"))
    last_success_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last success at"))
    last_failure_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last failure at"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    last_counts = models.JSONField(default=dict, blank=True, verbose_name=_("last counts"))
    last_duration_ms = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("last duration ms")
    )
    runs = models.PositiveIntegerField(default=0, verbose_name=_("runs"))
    failures = models.PositiveIntegerField(default=0, verbose_name=_("failures"))
    consecutive_failures = models.PositiveIntegerField(
        default=0, verbose_name=_("consecutive failures")
    )

    class Meta:
        ordering = ["task"]
        db_table = "uccx_integration_integrationstatus"  # moved from uccx_integration
        verbose_name = _("integration status")
        verbose_name_plural = _("integration status")

    def __str__(self) -> str:
        return self.task


class DirectoryKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    SKILL = "skill", _("Skill")
    CSQ = "csq", _("CSQ")
    RESOURCE = "resource", _("Agent (resource)")


class DirectoryEntry(models.Model):
    """A UCCX campaign, skill, CSQ or agent as sync_uccx_directory last saw it."""

    kind = models.CharField(max_length=10, choices=DirectoryKind.choices, verbose_name=_("kind"))
    uccx_id = models.CharField(
        max_length=50, help_text=_("Id in UCCX (userID for agents)."), verbose_name=_("uccx id")
    )
    name = models.CharField(max_length=150, verbose_name=_("name"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    synced_at = models.DateTimeField(default=timezone.now, verbose_name=_("synced at"))

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "uccx_id"], name="one_directory_entry")
        ]
        db_table = "uccx_integration_directoryentry"  # moved from uccx_integration
        verbose_name = _("UCCX directory entry")
        verbose_name_plural = _("UCCX directory")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.uccx_id})"
