"""Celery tasks of the callbacks app: each calls one service and records its run with
ops.tracking (the admin's health box and /readyz), like every app's tasks."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from ops.tracking import track

from .dialing import callbacks_expire_overdue
from .retention import callbacks_remove_expired_history


@shared_task(name="callbacks.expire_overdue", ignore_result=True)
def expire_overdue() -> dict[str, Any]:
    """Expire the scheduled callbacks past their expiry (was uccx_integration's)."""
    with track("expire_overdue") as counts:
        counts["expired"] = callbacks_expire_overdue()
    return counts


@shared_task(name="callbacks.remove_expired_history", ignore_result=True)
def remove_expired_history() -> dict[str, int]:
    with track("remove_expired_history") as counts:
        counts.update(callbacks_remove_expired_history())
    return counts
