"""Export of due callbacks.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.utils import timezone

from callbacks import dialing
from callbacks.dialing import DueWindow
from callbacks.models import CallbackCampaign
from scheduling.models import GlobalRules
from scheduling.rules import RulesConfig

from .. import services  # acquire_lease via the package: see below
from ..client import Campaign, UccxClient, UccxError
from ..informix import InformixClient
from ..models import (
    BatchKind,
    BatchState,
    ExportBatch,
    ImportState,
)
from ..timezones import UnknownTimeZone, campaign_zone
from .base import RunSummary, _informix_or_none
from .batches import BatchOutcome, post_batch, settle_batch
from .leases import campaign_lease

# acquire_lease is looked up on the package at each call (services.acquire_lease), so
# that failure injection (a test patching services.acquire_lease) reaches every caller.


def campaign_window_open(campaign: Campaign, now: dt.datetime) -> bool:
    """Enabled, and `now` inside its start/end window in the zone UCCX names (a Windows
    name, see timezones.py). Raises UnknownTimeZone: no other zone stands in for it."""
    if not campaign.enabled:
        return False
    zone = campaign_zone(campaign.time_zone)
    return campaign.window_open(now.astimezone(zone).time())


def export_due_callbacks(
    *,
    client: UccxClient | None = None,
    informix: InformixClient | None = None,
    now: Callable[[], dt.datetime] = timezone.now,
    sleep: Callable[[float], None] = time.sleep,
) -> RunSummary:
    """Due callbacks of each campaign into its UCCX dialing list, in batches, while the
    UCCX campaign is enabled and inside its start/end window; each batch waits for
    UCCX's import status before the next is sent."""
    client = client or UccxClient.from_env()
    informix = informix if informix is not None else _informix_or_none()
    summary = RunSummary()
    config = RulesConfig.load()
    rules = GlobalRules.load()
    for campaign in CallbackCampaign.objects.filter(
        export_batches__state=BatchState.ACCEPTED,
        export_batches__import_state=ImportState.PENDING,
    ).distinct():
        settle_pending_imports(client, informix, campaign, summary)
    for campaign in dialing.campaigns_with_due_callbacks(DueWindow.at(now(), rules)):
        try:
            uccx_campaign = client.get_campaign(campaign.uccx_campaign_id)
        except UccxError as error:
            summary.errors.append(f"{campaign}: {error.message}")
            continue
        try:
            window_open = campaign_window_open(uccx_campaign, now())
        except UnknownTimeZone as error:
            summary.errors.append(
                f"{campaign}: export skipped: UCCX campaign {campaign.uccx_campaign_id}: {error}"
            )
            continue
        if not window_open:
            summary.add("campaigns_closed")
            continue
        with campaign_lease(campaign.uccx_campaign_id, "export") as holder:
            if not holder:
                summary.add("campaigns_busy")  # a purge is running: next run
                continue
            _export_campaign(client, informix, campaign, config, rules, now, sleep, summary, holder)
    return summary


def settle_pending_imports(
    client: UccxClient,
    informix: InformixClient | None,
    campaign: CallbackCampaign,
    summary: RunSummary,
) -> None:
    """Batches whose import UCCX had not reported when their export stopped waiting."""
    pending = ExportBatch.objects.filter(
        campaign=campaign, state=BatchState.ACCEPTED, import_state=ImportState.PENDING
    ).order_by("created_at")
    if not pending.exists():
        return
    try:
        status = client.import_status(campaign.uccx_campaign_id)
    except UccxError as error:
        summary.errors.append(f"{campaign}: import status: {error.message}")
        return
    for batch in pending:
        settled = settle_batch(client, informix, batch, status)
        summary.add("exported", settled.exported)
        summary.add("returned", settled.returned)
        summary.add("unknown", settled.undecided)
        summary.errors += settled.errors
        if settled.problem:
            summary.errors.append(f"{campaign}: {settled.problem}")


def _export_campaign(
    client: UccxClient,
    informix: InformixClient | None,
    campaign: CallbackCampaign,
    config: RulesConfig,
    rules: GlobalRules,
    now: Callable[[], dt.datetime],
    sleep: Callable[[float], None],
    summary: RunSummary,
    holder: str,
) -> None:
    presence: dialing.Presence | None = None
    while True:
        # A long export (a backlog, a slow UCCX) must not outlive its lease: a purge
        # taking an expired lease would delete contacts posted but not yet recorded.
        if not services.acquire_lease(campaign.uccx_campaign_id, holder):
            summary.errors.append(f"{campaign}: the export lost its lease to a purge")
            return
        moment = now()
        window = DueWindow.at(moment, rules)
        # Personal callbacks' agents' states, asked once per agent in this run, before the claim.
        presence = dialing.agent_presence(campaign=campaign, window=window, presence=presence)
        claimed = dialing.callbacks_claim_due(
            campaign=campaign, window=window, limit=campaign.batch_size, presence=presence
        )
        if not claimed:
            return
        ready = []
        for callback in claimed:
            violations = dialing.dial_time_violations(callback, config=config, now=moment)
            if violations:
                dialing.callback_move_to_next_slot(
                    callback=callback, violations=violations, config=config, now=moment
                )
                summary.add("moved")
            else:
                ready.append(callback)
        if not ready:
            continue
        outcome = post_batch(
            client, campaign, ready, BatchKind.EXPORT, informix=informix, sleep=sleep
        )
        if _count_batch(summary, campaign, outcome):
            return  # UCCX is in trouble, or slow to import: the rest waits for the next run


def _count_batch(summary: RunSummary, campaign: CallbackCampaign, outcome: BatchOutcome) -> bool:
    """Add a batch's outcome to the run's; True when the campaign should wait."""
    summary.add("batches")
    summary.add("exported", outcome.exported)
    summary.add("returned", outcome.returned)
    summary.add("unknown", outcome.unknown)
    if outcome.error is not None:
        summary.errors.append(f"{campaign}: {outcome.error.message}")
    if outcome.import_problem:
        summary.errors.append(f"{campaign}: {outcome.import_problem}")
    summary.errors += outcome.errors
    if outcome.pending:
        summary.add("imports_pending")
    # After an import problem the rest waits too: a contact UCCX will not take must not
    # be sent again and again in one run.
    return outcome.error is not None or outcome.pending or bool(outcome.import_problem)
