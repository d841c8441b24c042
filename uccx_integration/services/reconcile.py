"""Reconcile: resolve exports whose outcome is unknown.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from callbacks import dialing
from callbacks.models import Callback, CallbackCampaign

from ..client import UccxClient, UccxError
from ..informix import InformixClient
from ..models import BatchState, ExportBatch, ImportState
from .base import OPEN_BATCH_STATES, STALE_AFTER, RunSummary, _informix_or_none
from .batches import _batch_callbacks, locate


# --- reconcile -----------------------------------------------------------------------
def reconcile_exports(
    *,
    client: UccxClient | None = None,
    informix: InformixClient | None = None,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta = STALE_AFTER,
) -> RunSummary:
    """Callbacks `exporting` for longer than `stale_after` (an unanswered POST, an import
    UCCX has not reported, a worker killed mid-way) are placed by asking UCCX (locate):
    it has the contact → `in_dialer`; it positively has not → back to `scheduled`;
    anything less → still undecided, and red once older than the alert time. Nothing
    is ever imported here."""
    client = client or UccxClient.from_env()
    informix = informix if informix is not None else _informix_or_none()
    now = now or timezone.now()
    summary = RunSummary()
    stuck = dialing.callbacks_stuck_exporting(older_than=now - stale_after)
    by_campaign: dict[CallbackCampaign, list[Callback]] = {}
    for callback in stuck:
        by_campaign.setdefault(callback.campaign, []).append(callback)
    for campaign, callbacks in by_campaign.items():
        _reconcile_campaign(client, informix, campaign, callbacks, now, stale_after, summary)
    _settle_batches(now - stale_after)
    _alert_undecided(now, summary)
    return summary


def _reconcile_campaign(
    client: UccxClient,
    informix: InformixClient | None,
    campaign: CallbackCampaign,
    callbacks: list[Callback],
    now: dt.datetime,
    stale_after: dt.timedelta,
    summary: RunSummary,
) -> None:

    claimed_before = now - stale_after
    # A POST whose import UCCX has not reported by then is taken as not imported.
    gave_up_before = now - dt.timedelta(minutes=float(settings.UCCX_IMPORT_TIMEOUT_MINUTES))
    try:
        status = client.import_status(campaign.uccx_campaign_id)
    except UccxError as error:
        summary.errors.append(f"{campaign}: {error.message}")
        summary.add("undecided", len(callbacks))
        return
    # Which batch posted each callback: the first one recorded since its claim. None:
    # no batch was recorded, so no POST was made (a batch is recorded before its POST).
    batches = list(
        ExportBatch.objects.filter(
            campaign=campaign, created_at__gte=min(c.updated_at for c in callbacks)
        ).order_by("created_at", "pk")
    )
    groups: dict[ExportBatch | None, list[Callback]] = {}
    for callback in callbacks:
        posted_by = next(
            (
                b
                for b in batches
                if b.created_at >= callback.updated_at
                and callback.account_number in b.account_numbers
            ),
            None,
        )
        groups.setdefault(posted_by, []).append(callback)
    for batch, group in groups.items():
        import_seen = (
            batch is None
            or batch.state not in OPEN_BATCH_STATES
            or status.latest(after=batch.imports_seen_before) is not None
            or batch.created_at < gave_up_before
        )
        located = locate(client, informix, campaign, group, import_seen=import_seen)
        summary.errors += located.errors
        summary.add(
            "found",
            len(
                dialing.callbacks_mark_exported(
                    located.present, batch_ref="", source="reconcile", new_contact=False
                )
            ),
        )
        returned = dialing.callbacks_return_to_schedule(
            located.absent,
            reason="not in UCCX: not in its lists, nor in db_cra (reconcile)",
            claimed_before=claimed_before,  # not one an export took again since
        )
        if not located.errors:
            summary.add("returned", len(returned))
        if located.undecided:
            summary.add("undecided", len(located.undecided))
            if not located.errors:  # UCCX has not reported an import since the POST
                summary.add("waiting_for_import", len(located.undecided))


def _settle_batches(older_than: dt.datetime) -> None:
    """Batches whose callbacks have all been placed no longer need attention."""
    open_batches = Q(state__in=[BatchState.SENDING, BatchState.UNKNOWN]) | Q(
        state=BatchState.ACCEPTED, import_state=ImportState.PENDING
    )
    for batch in ExportBatch.objects.filter(open_batches, created_at__lt=older_than):
        if _batch_callbacks(batch):
            continue
        changes: dict[str, object] = {}
        if batch.state != BatchState.ACCEPTED:
            changes.update(state=BatchState.RECONCILED, finished_at=timezone.now())
        if batch.import_state == ImportState.PENDING:
            changes.update(import_state="", import_detail="placed by reconcile")
        if changes:
            ExportBatch.objects.filter(pk=batch.pk).update(**changes)


def _alert_undecided(now: dt.datetime, summary: RunSummary) -> None:
    """Undecided for too long: UCCX may or may not have them; someone has to look."""
    limit = dt.timedelta(minutes=float(settings.UCCX_UNDECIDED_ALERT_MINUTES))
    old = dialing.callbacks_stuck_exporting(older_than=now - limit)
    if old:
        accounts = ", ".join(c.account_number or str(c.pk) for c in old[:20])
        more = f" and {len(old) - 20} more" if len(old) > 20 else ""
        summary.errors.append(
            f"{len(old)} callback(s) undecided for more than {limit.total_seconds() / 60:g} "
            f"min (UCCX may or may not have them; check its dialing list and db_cra): "
            f"{accounts}{more}"
        )
