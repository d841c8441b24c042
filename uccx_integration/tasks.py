"""Celery tasks: each takes no arguments (or ids), calls one service and records its run
in IntegrationStatus (ops.tracking). Every one is idempotent; beat runs them on the
schedule stored in django-celery-beat (see uccx_integration.schedule)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from callbacks import dialing
from callbacks import tasks as callbacks_tasks
from callbacks.models import CallbackCampaign
from ops.tracking import PartialFailure, track

from . import services

logger = logging.getLogger(__name__)


def _run(task: str, work: Callable[[], services.RunSummary]) -> dict[str, Any]:
    with track(task) as counts:
        summary = work()
        counts.update(summary.counts)
        if summary.errors:
            raise PartialFailure("; ".join(summary.errors), summary.counts)
    return counts


# A run aims one more run at the next callback falling due within this horizon, so it
# is sent at its time rather than at the next periodic run (up to its interval late).
AIM_AHEAD = dt.timedelta(minutes=10)


@shared_task(name="uccx_integration.export_due_callbacks", ignore_result=True)
def export_due_callbacks() -> dict[str, Any]:
    try:
        return _run("export_due_callbacks", services.export_due_callbacks)
    finally:
        aim_next_export()


def aim_next_export(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue an export run for the moment the next callback falls due (its time minus
    EXPORT_LEAD_SECONDS), when that is within AIM_AHEAD; once per moment (cache).

    Best effort: a run that is lost (broker down, worker restarted) only leaves that
    callback to the periodic run; claims are atomic, so an extra run exports nothing
    twice. Returns the moment aimed at, or None.
    """
    now = now or timezone.now()
    at = dialing.next_export_at(now)
    if at is None or at - now > AIM_AHEAD:
        return None
    key = f"uccx-export-aimed:{at.isoformat()}"
    if not cache.add(key, True, timeout=int(AIM_AHEAD.total_seconds()) * 2):
        return None  # a run is already aimed at that moment
    try:
        export_due_callbacks.apply_async(eta=at)
    except Exception:  # the broker: the periodic run still sends the callback
        cache.delete(key)
        logger.warning("could not queue the export run aimed at %s", at, exc_info=True)
        return None
    return at


@shared_task(name="uccx_integration.poll_dialer_results", ignore_result=True)
def poll_dialer_results() -> dict[str, Any]:
    return _run("poll_dialer_results", services.poll_dialer_results)


@shared_task(name="uccx_integration.reconcile_exports", ignore_result=True)
def reconcile_exports() -> dict[str, Any]:
    return _run("reconcile_exports", services.reconcile_exports)


@shared_task(name="uccx_integration.purge_dialing_lists", ignore_result=True)
def purge_dialing_lists(campaign_ids: list[int] | None = None) -> dict[str, Any]:
    """All campaigns, or those with these CallbackCampaign ids (the admin's action)."""
    campaigns = None
    if campaign_ids is not None:
        campaigns = list(CallbackCampaign.objects.filter(pk__in=campaign_ids))
    return _run("purge_dialing_lists", lambda: services.purge_dialing_lists(campaigns=campaigns))


@shared_task(name="uccx_integration.expire_overdue", ignore_result=True)
def expire_overdue() -> dict[str, Any]:
    """The old name of callbacks.expire_overdue (migration callbacks/0009 moves the
    periodic task): a message queued under it before an upgrade still runs."""
    return callbacks_tasks.expire_overdue()


@shared_task(name="uccx_integration.sync_uccx_directory", ignore_result=True)
def sync_uccx_directory() -> dict[str, Any]:
    return _run("sync_uccx_directory", services.sync_uccx_directory)
