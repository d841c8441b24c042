"""The scheduler's work against UCCX (ARCHITECTURE.md §5): export due callbacks, resolve
unknown exports, apply dialing results, purge dialing lists, sync the directory.

The rule everywhere: a callback is never lost and a contact never imported twice.
- A batch is claimed (`exporting`) and recorded BEFORE it is posted. UCCX answering
  "accepted" moves it to `in_dialer`; a request that surely never arrived (refused
  connection, a 4xx) returns it to `scheduled`; anything in between (timeout, dropped
  connection, 5xx, a worker killed mid-way) leaves it `exporting` for reconcile, which
  asks UCCX and never imports blindly.
- Export and purge change a campaign's dialing list only while they hold its lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from callbacks import dialing
from callbacks.dialing import DialerObservation, DueWindow
from callbacks.models import Callback, CallbackCampaign
from scheduling.models import GlobalRules
from scheduling.rules import RulesConfig

from . import mapping as m
from .client import Campaign, ContactRow, UccxClient, UccxError
from .informix import DialingRow, InformixClient, InformixError
from .models import BatchKind, BatchState, CampaignLease, DirectoryEntry, DirectoryKind, ExportBatch
from .timezones import UnknownTimeZone, campaign_zone

logger = logging.getLogger(__name__)

# A batch older than this without an answer is reconciled (longer than a POST may take).
STALE_AFTER = dt.timedelta(minutes=2)
LEASE_TTL = dt.timedelta(minutes=10)
# How long a purge waits for an export holding the campaign's lease.
PURGE_WAIT_SECONDS = 300.0


# --- leases --------------------------------------------------------------------------
def acquire_lease(uccx_campaign_id: int, holder: str, ttl: dt.timedelta = LEASE_TTL) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            CampaignLease.objects.get_or_create(uccx_campaign_id=uccx_campaign_id)
    except IntegrityError:
        pass  # created by a concurrent worker
    free = Q(expires_at__lt=now) | Q(holder="") | Q(holder=holder)
    taken = CampaignLease.objects.filter(free, uccx_campaign_id=uccx_campaign_id).update(
        holder=holder, expires_at=now + ttl
    )
    return taken == 1


def release_lease(uccx_campaign_id: int, holder: str) -> None:
    CampaignLease.objects.filter(uccx_campaign_id=uccx_campaign_id, holder=holder).update(
        holder="", expires_at=timezone.now()
    )


@contextmanager
def campaign_lease(
    uccx_campaign_id: int, purpose: str, *, wait_seconds: float = 0.0
) -> Iterator[str]:
    """Yields the holder's name when the lease was taken (waiting up to `wait_seconds`
    for it), "" when not. Work that may outlast LEASE_TTL renews it with acquire_lease."""
    holder = f"{purpose}:{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + wait_seconds
    taken = acquire_lease(uccx_campaign_id, holder)
    while not taken and time.monotonic() < deadline:
        time.sleep(1.0)
        taken = acquire_lease(uccx_campaign_id, holder)
    try:
        yield holder if taken else ""
    finally:
        if taken:
            release_lease(uccx_campaign_id, holder)


# --- posting one batch -----------------------------------------------------------------
def contact_row(callback: Callback) -> ContactRow:
    return ContactRow(
        account_number=callback.account_number or "",
        phone1=callback.dial_number,
        first_name=callback.first_name,
        last_name=callback.last_name,
    )


@dataclass
class BatchOutcome:
    batch: ExportBatch
    exported: int = 0
    returned: int = 0
    unknown: int = 0
    error: UccxError | None = None


def post_batch(
    client: UccxClient, campaign: CallbackCampaign, callbacks: Sequence[Callback], kind: str
) -> BatchOutcome:
    """Import claimed (`exporting`) callbacks in ONE request and settle them by the answer."""
    batch = ExportBatch.objects.create(
        campaign=campaign,
        kind=kind,
        contacts=len(callbacks),
        account_numbers=[c.account_number for c in callbacks],
    )
    ref = f"{kind}-{batch.pk}"
    ids = [c.pk for c in callbacks]
    outcome = BatchOutcome(batch)
    try:
        result = client.add_contacts(
            campaign.uccx_campaign_id,
            campaign.name,
            [contact_row(c) for c in callbacks],
            batch_size=max(1, len(callbacks)),
        )
    except UccxError as error:
        outcome.error = error
        batch.finished_at = timezone.now()
        batch.http_status = error.status
        batch.error = error.message[:2000]
        if error.maybe_applied:
            # Nobody knows whether UCCX has them: reconcile asks it, nothing is re-sent.
            batch.state = BatchState.UNKNOWN
            outcome.unknown = len(ids)
        else:
            batch.state = BatchState.REFUSED
            outcome.returned = len(
                dialing.callbacks_return_to_schedule(ids, reason=error.message, batch_ref=ref)
            )
        batch.save(update_fields=["state", "finished_at", "http_status", "error"])
        logger.warning("UCCX batch %s for %s: %s (%s)", ref, campaign, batch.state, error)
        return outcome
    accepted = result.batches[0] if result.batches else None
    with transaction.atomic():
        outcome.exported = len(dialing.callbacks_mark_exported(ids, batch_ref=ref))
        batch.state = BatchState.ACCEPTED
        batch.finished_at = timezone.now()
        batch.http_status = accepted.status if accepted else None
        batch.location = (accepted.location or "") if accepted else ""
        batch.save(update_fields=["state", "finished_at", "http_status", "location"])
    return outcome


# --- export --------------------------------------------------------------------------
@dataclass
class RunSummary:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def campaign_window_open(campaign: Campaign, now: dt.datetime) -> bool:
    """Enabled, and `now` inside its start/end window in the zone UCCX names (a Windows
    name, see timezones.py). Raises UnknownTimeZone: no other zone stands in for it."""
    if not campaign.enabled:
        return False
    zone = campaign_zone(campaign.time_zone)
    return campaign.window_open(now.astimezone(zone).time())


def export_due_callbacks(
    *, client: UccxClient | None = None, now: Callable[[], dt.datetime] = timezone.now
) -> RunSummary:
    """Flow steps 5-6: due callbacks of each campaign into its UCCX dialing list, in
    batches, while the UCCX campaign is enabled and inside its start/end window."""
    client = client or UccxClient.from_env()
    summary = RunSummary()
    config = RulesConfig.load()
    rules = GlobalRules.load()
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
            _export_campaign(client, campaign, config, rules, now, summary, holder)
    return summary


def _export_campaign(
    client: UccxClient,
    campaign: CallbackCampaign,
    config: RulesConfig,
    rules: GlobalRules,
    now: Callable[[], dt.datetime],
    summary: RunSummary,
    holder: str,
) -> None:
    while True:
        # A long export (a backlog, a slow UCCX) must not outlive its lease: a purge
        # taking an expired lease would delete contacts posted but not yet recorded.
        if not acquire_lease(campaign.uccx_campaign_id, holder):
            summary.errors.append(f"{campaign}: the export lost its lease to a purge")
            return
        moment = now()
        claimed = dialing.callbacks_claim_due(
            campaign=campaign, window=DueWindow.at(moment, rules), limit=campaign.batch_size
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
        outcome = post_batch(client, campaign, ready, BatchKind.EXPORT)
        summary.add("batches")
        summary.add("exported", outcome.exported)
        summary.add("returned", outcome.returned)
        summary.add("unknown", outcome.unknown)
        if outcome.error is not None:
            summary.errors.append(f"{campaign}: {outcome.error.message}")
            return  # UCCX is in trouble: the rest waits for the next run


# --- reconcile -----------------------------------------------------------------------
def reconcile_exports(
    *,
    client: UccxClient | None = None,
    informix: InformixClient | None = None,
    now: dt.datetime | None = None,
    stale_after: dt.timedelta = STALE_AFTER,
) -> RunSummary:
    """Callbacks `exporting` for longer than `stale_after` (an unanswered POST, a worker
    killed mid-way): UCCX has the contact → `in_dialer`; UCCX surely has not → back to
    `scheduled`. The REST list shows open contacts only; closed ones are looked up in
    db_cra. When that is unreachable, an undecided callback waits for the next run."""
    client = client or UccxClient.from_env()
    informix = informix if informix is not None else _informix_or_none()
    now = now or timezone.now()
    summary = RunSummary()
    stuck = dialing.callbacks_stuck_exporting(older_than=now - stale_after)
    by_campaign: dict[CallbackCampaign, list[Callback]] = {}
    for callback in stuck:
        by_campaign.setdefault(callback.campaign, []).append(callback)
    for campaign, callbacks in by_campaign.items():
        try:
            present, db_cra_error = _accounts_in_uccx(client, informix, campaign, callbacks)
        except UccxError as error:
            summary.errors.append(f"{campaign}: {error}")
            summary.add("undecided", len(callbacks))
            continue
        found = [c.pk for c in callbacks if c.account_number in present]
        missing = [c.pk for c in callbacks if c.account_number not in present]
        summary.add(
            "found",
            len(
                dialing.callbacks_mark_exported(
                    found, batch_ref="", source="reconcile", new_contact=False
                )
            ),
        )
        if db_cra_error is not None:
            # What the REST lists showed is placed; the rest may be closed in db_cra.
            summary.errors.append(f"{campaign}: {db_cra_error}")
            summary.add("undecided", len(missing))
            continue
        summary.add(
            "returned",
            len(
                dialing.callbacks_return_to_schedule(
                    missing,
                    reason="not in the UCCX dialing list (reconcile)",
                    claimed_before=now - stale_after,  # not one an export took again since
                )
            ),
        )
    _settle_unknown_batches(now - stale_after)
    return summary


def _accounts_in_uccx(
    client: UccxClient,
    informix: InformixClient | None,
    campaign: CallbackCampaign,
    callbacks: list[Callback],
) -> tuple[set[str], InformixError | None]:
    """The callbacks' account numbers UCCX has, and db_cra's error if it could not say
    about those the REST lists do not show."""
    wanted = {c.account_number or "" for c in callbacks}
    present: set[str] = set()
    for status in m.REST_STATUS_FILTERS.values():
        contacts = client.list_contacts(campaign.uccx_campaign_id, status)
        present.update(c.account_number for c in contacts if c.account_number in wanted)
    if informix is not None and wanted - present:
        try:
            rows = informix.dialing_rows_for_accounts(
                campaign.uccx_campaign_id, sorted(wanted - present)
            )
        except InformixError as error:
            return present, error
        present.update(row.account_number for row in rows)
    return present, None


def _settle_unknown_batches(older_than: dt.datetime) -> None:
    """Batches whose callbacks reconcile has all placed no longer need attention."""
    for batch in ExportBatch.objects.filter(
        state__in=[BatchState.UNKNOWN, BatchState.SENDING], created_at__lt=older_than
    ):
        waiting = Callback.objects.filter(
            account_number__in=batch.account_numbers, status="exporting"
        ).exists()
        if not waiting:
            ExportBatch.objects.filter(pk=batch.pk).update(
                state=BatchState.RECONCILED, finished_at=timezone.now()
            )


# --- poll ----------------------------------------------------------------------------
def observation(row: DialingRow, agent_connected: bool) -> DialerObservation:
    """A db_cra DialingList row in callback terms (all codes through mapping.py)."""
    result = row.call_result
    if result is not None:
        last_result = result.name.lower()
    elif row.call_result_code is not None:
        last_result = f"code {row.call_result_code}"
    else:
        last_result = ""
    closed = row.call_status in (m.CallStatus.CLOSED, m.CallStatus.MAX_CALLS)
    return DialerObservation(
        account_number=row.account_number,
        attempts=row.attempts,
        last_result=last_result,
        closed=closed,
        answered=result == m.CallResult.VOICE,
        agent_connected=agent_connected,
        last_attempt_at=row.last_update,
    )


def poll_dialer_results(
    *,
    informix: InformixClient | None = None,
    campaigns: Sequence[CallbackCampaign] | None = None,
    batch: int = 1000,
) -> RunSummary:
    """Flow steps 7-9: read the callback campaigns' DialingList rows from db_cra in
    batches and apply attempts, results and closures; a query or two per batch."""
    informix = informix or InformixClient.from_env()
    campaigns = list(campaigns if campaigns is not None else CallbackCampaign.objects.all())
    summary = RunSummary()
    ids = [c.uccx_campaign_id for c in campaigns]
    for rows in informix.dialing_batches(ids, batch=batch):
        closed_ids = [
            r.dialing_list_id
            for r in rows
            if r.call_status in (m.CallStatus.CLOSED, m.CallStatus.MAX_CALLS)
        ]
        connected = {a.dialing_list_id for a in informix.agent_connections(closed_ids)}
        applied = dialing.callbacks_apply_dialer_observations(
            [observation(r, r.dialing_list_id in connected) for r in rows]
        )
        summary.add("batches")
        for name, value in applied.as_dict().items():
            summary.add(name, value)
        summary.add("unknown_codes", sum(1 for r in rows if r.has_unknown_code))
    return summary


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
        outcome = post_batch(
            client, campaign, callbacks[start : start + campaign.batch_size], BatchKind.PURGE
        )
        summary.add("reimported", outcome.exported)
        summary.add("returned", outcome.returned)
        summary.add("unknown", outcome.unknown)
        if outcome.error is not None:
            summary.errors.append(f"{campaign}: re-import failed: {outcome.error.message}")
            return  # the rest stay `exporting`: reconcile finds them absent, export resends


# --- directory -----------------------------------------------------------------------
def sync_uccx_directory(*, client: UccxClient | None = None) -> RunSummary:
    """Campaigns, skills, CSQs and agents as UCCX knows them, for admin choices."""
    client = client or UccxClient.from_env()
    entries: dict[str, list[tuple[str, str, dict]]] = {
        DirectoryKind.CAMPAIGN: [
            (str(c.id), c.name, {"enabled": c.enabled, "type": c.campaign_type})
            for c in client.list_campaigns()
        ],
        DirectoryKind.SKILL: [(str(s.id), s.name, {}) for s in client.list_skills()],
        DirectoryKind.CSQ: [
            (str(q.id), q.name, {"queue_type": q.queue_type}) for q in client.list_csqs()
        ],
        DirectoryKind.RESOURCE: [
            (
                r.user_id,
                f"{r.first_name} {r.last_name}".strip() or r.user_id,
                {"extension": r.extension, "team": r.team},
            )
            for r in client.list_resources()
        ],
    }
    summary = RunSummary()
    now = timezone.now()
    with transaction.atomic():
        for kind, items in entries.items():
            for uccx_id, name, details in items:
                DirectoryEntry.objects.update_or_create(
                    kind=kind,
                    uccx_id=uccx_id,
                    defaults={"name": name[:150], "details": details, "synced_at": now},
                )
            gone = DirectoryEntry.objects.filter(kind=kind).exclude(
                uccx_id__in=[uccx_id for uccx_id, _, _ in items]
            )
            summary.add(f"{kind}_removed", gone.delete()[0])
            summary.add(kind, len(items))
    return summary


# --- helpers -------------------------------------------------------------------------
def _informix_or_none() -> InformixClient | None:
    try:
        return InformixClient.from_env()
    except InformixError:
        return None  # not configured: reconcile relies on the REST list alone
