"""Purge: empty campaigns' dialing lists, import again what still waits.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from callbacks import dialing
from callbacks.models import Callback, CallbackCampaign

from ..client import UccxClient, UccxError
from ..informix import InformixClient, InformixError
from ..models import BatchKind
from .base import PURGE_WAIT_SECONDS, RunSummary
from .batches import post_batch
from .leases import campaign_lease
from .poll import poll_dialer_results


# --- purge ---------------------------------------------------------------------------
def purge_dialing_lists(
    *,
    client: UccxClient | None = None,
    informix: InformixClient | None = None,
    campaigns: Sequence[CallbackCampaign] | None = None,
    now: dt.datetime | None = None,
    wait_seconds: float = PURGE_WAIT_SECONDS,
) -> RunSummary:
    """Keep dialing lists small: per campaign, under its lease, apply the latest dialing
    results, empty the list (UCCX deletes only all contacts), and import again the
    callbacks still waiting in it. A failure after the delete leaves them `exporting`,
    which reconcile resolves: none lost, none twice."""
    client = client or UccxClient.from_env()
    informix = informix or InformixClient.from_env()
    campaigns = list(campaigns if campaigns is not None else CallbackCampaign.objects.all())
    summary = RunSummary()
    for campaign in campaigns:
        with campaign_lease(
            campaign.uccx_campaign_id, "purge", wait_seconds=wait_seconds
        ) as leased:
            if not leased:
                summary.errors.append(f"{campaign}: an export held the dialing list too long")
                continue
            try:
                _purge_campaign(client, informix, campaign, now or timezone.now(), summary)
            except (UccxError, InformixError) as error:
                summary.errors.append(f"{campaign}: {error}")
    return summary


def _purge_campaign(
    client: UccxClient,
    informix: InformixClient,
    campaign: CallbackCampaign,
    now: dt.datetime,
    summary: RunSummary,
) -> None:

    # Results first: a contact closed since the last poll must not be imported again.
    polled = poll_dialer_results(informix=informix, campaigns=[campaign])
    summary.add("polled_rows", polled.counts.get("rows", 0))
    waiting = dialing.callbacks_in_dialer(campaign)
    ref = f"purge-{campaign.uccx_campaign_id}-{now:%Y%m%dT%H%M%S}"
    again, expired = dialing.callbacks_prepare_reimport(waiting, now=now, batch_ref=ref)
    summary.add("expired", len(expired))
    client.delete_all_contacts(campaign.uccx_campaign_id)
    summary.add("campaigns_purged")
    callbacks = list(Callback.objects.filter(pk__in=again).order_by("scheduled_at", "pk"))
    for start in range(0, len(callbacks), campaign.batch_size):
        chunk = callbacks[start : start + campaign.batch_size]
        outcome = post_batch(client, campaign, chunk, BatchKind.PURGE, informix=informix)
        summary.add("reimported", outcome.exported)
        summary.add("returned", outcome.returned)
        summary.add("unknown", outcome.unknown)
        if outcome.import_problem:
            summary.errors.append(f"{campaign}: re-import: {outcome.import_problem}")
        if outcome.error is not None or outcome.pending:
            problem = outcome.error.message if outcome.error else "import not reported yet"
            summary.errors.append(f"{campaign}: re-import failed: {problem}")
            return  # the rest stay `exporting`: reconcile finds them absent, export resends
