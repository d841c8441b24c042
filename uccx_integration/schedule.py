"""The default beat schedule, written into django-celery-beat once;
administrators change it afterwards under Periodic tasks (any interval or crontab)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from ops import beat

# name shown in the admin → (task, every N seconds | crontab "minute hour")
DEFAULT_SCHEDULE: beat.Schedule = {
    gettext_noop("Export due callbacks to UCCX"): ("uccx_integration.export_due_callbacks", 60),
    gettext_noop("Poll UCCX dialing results"): ("uccx_integration.poll_dialer_results", 120),
    gettext_noop("Reconcile unanswered exports"): ("uccx_integration.reconcile_exports", 300),
    gettext_noop("Sync the UCCX directory"): ("uccx_integration.sync_uccx_directory", 3600),
    gettext_noop("Purge UCCX dialing lists"): ("uccx_integration.purge_dialing_lists", "30 2"),
}


def ensure_periodic_tasks(
    periodic_task: Any, interval_schedule: Any, crontab_schedule: Any, time_zone: str
) -> list[str]:
    """Write DEFAULT_SCHEDULE into django-celery-beat (ops.beat: missing
    tasks only, never one an administrator edited). Returns the names created."""
    return beat.ensure_periodic_tasks(
        DEFAULT_SCHEDULE, periodic_task, interval_schedule, crontab_schedule, time_zone
    )
