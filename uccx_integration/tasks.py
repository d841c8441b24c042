"""Celery tasks: each takes no arguments (or ids), calls one service and records its run
in IntegrationStatus (ops.tracking). Every one is idempotent; beat runs them on the
schedule stored in django-celery-beat (see uccx_integration.schedule)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task

from callbacks import tasks as callbacks_tasks
from callbacks.models import CallbackCampaign
from ops.tracking import PartialFailure, track

from . import services


def _run(task: str, work: Callable[[], services.RunSummary]) -> dict[str, Any]:
    with track(task) as counts:
        summary = work()
        counts.update(summary.counts)
        if summary.errors:
            raise PartialFailure("; ".join(summary.errors), summary.counts)
    return counts


@shared_task(name="uccx_integration.export_due_callbacks", ignore_result=True)
def export_due_callbacks() -> dict[str, Any]:
    return _run("export_due_callbacks", services.export_due_callbacks)


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
