"""Celery tasks of the callbacks app: each calls one service (see callbacks.retention)."""

from __future__ import annotations

from celery import shared_task

from .retention import callbacks_remove_expired_history


@shared_task(name="callbacks.remove_expired_history", ignore_result=True)
def remove_expired_history() -> dict[str, int]:
    return callbacks_remove_expired_history()
