"""Data retention: finished callbacks, with their events, and idempotency records are
deleted once older than GlobalRules.retention_days; daily, by the periodic task
"Remove expired callback history" (callbacks.tasks)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from scheduling.models import GlobalRules

from .models import TERMINAL, Callback, CallbackEvent, IdempotencyRecord

logger = logging.getLogger(__name__)


def callbacks_remove_expired_history(
    *, now: dt.datetime | None = None, batch: int = 500
) -> dict[str, int]:
    """Delete what finished before the retention period, `batch` callbacks (or records)
    per transaction, so that no statement locks much at once and an interrupted run
    keeps what it did. A callback is removed only in a final status (never a pending
    one) and only when it finished before the cut-off. Returns the counts."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=GlobalRules.load().retention_days)
    removed = {"callbacks": 0, "events": 0, "idempotency_records": 0, "batches": 0}
    while callbacks := _remove_callbacks(cutoff, batch):
        removed["callbacks"] += callbacks[0]
        removed["events"] += callbacks[1]
        removed["batches"] += 1
    while records := _remove_idempotency_records(cutoff, batch):
        removed["idempotency_records"] += records
        removed["batches"] += 1
    logger.info("retention (finished before %s): removed %s", cutoff.isoformat(), removed)
    return removed


def _remove_callbacks(cutoff: dt.datetime, batch: int) -> tuple[int, int] | None:
    with transaction.atomic():
        ids = list(
            Callback.objects.filter(status__in=TERMINAL, finished_at__lt=cutoff)
            .order_by("finished_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return None
        # A reschedule's new callback points back at the old one (PROTECT). The newer one
        # may be kept (finished later, or still pending): it loses the link, while its
        # "created" event still names the old account number. Within the batch the
        # links go too, so the rows can be deleted in any order.
        Callback.objects.filter(rescheduled_from__in=ids).update(rescheduled_from=None)
        # Recall rounds likewise (a later round keeps its round number).
        Callback.objects.filter(recall_of__in=ids).update(recall_of=None)
        Callback.objects.filter(first_round__in=ids).update(first_round=None)
        events = CallbackEvent.objects.filter(callback__in=ids).delete()[0]
        callbacks = Callback.objects.filter(pk__in=ids).delete()[0]
    return callbacks, events


def _remove_idempotency_records(cutoff: dt.datetime, batch: int) -> int:
    # The stored answers hold the customer's number and name: they go with the callbacks.
    with transaction.atomic():
        ids = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        return IdempotencyRecord.objects.filter(pk__in=ids).delete()[0] if ids else 0
