"""The scheduler's work against UCCX (docs/uccx.md): export due callbacks, resolve
unknown exports, apply dialing results, purge dialing lists, sync the directory.

The rule everywhere: a callback is never lost and a contact never imported twice.
- A batch is claimed (`exporting`) and recorded BEFORE it is posted. A request that
  surely never arrived (refused connection, a 4xx) returns it to `scheduled`.
- UCCX imports asynchronously: its 2xx only says it took the request. The callbacks stay
  `exporting` until UCCX's import status reports the run (settle_batch): all imported →
  `in_dialer`; otherwise each is placed by asking UCCX (locate).
- A callback goes back to `scheduled` only when UCCX positively does not have it: its
  REST lists were read, db_cra (DialingList and DialingListHistory) was read and shows
  no row, and, when the batch may have reached UCCX, UCCX has reported an import run
  since it was sent (or UCCX_IMPORT_TIMEOUT_MINUTES have passed). Anything less
  leaves it `exporting` (undecided); undecided for longer than
  UCCX_UNDECIDED_ALERT_MINUTES turns reconcile red with the account numbers.
- Export and purge change a campaign's dialing list only while they hold its lease.
See docs/uccx.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from callbacks import dialing
from callbacks.dialing import DialerObservation, DueWindow
from callbacks.models import Callback, CallbackCampaign
from scheduling.models import GlobalRules
from scheduling.rules import RulesConfig

from . import mapping as m
from .client import Campaign, ContactRow, ImportStatus, UccxClient, UccxError
from .informix import DialingRow, InformixClient, InformixError
from .models import (
    BatchKind,
    BatchState,
    CampaignLease,
    DirectoryEntry,
    DirectoryKind,
    ExportBatch,
    ImportState,
)
from .timezones import UnknownTimeZone, campaign_zone

logger = logging.getLogger(__name__)

# A batch older than this without an answer is reconciled (longer than a POST may take).
STALE_AFTER = dt.timedelta(minutes=2)
LEASE_TTL = dt.timedelta(minutes=10)
# How long a purge waits for an export holding the campaign's lease.
PURGE_WAIT_SECONDS = 300.0
# How often an export asks for the import status while it waits for it.
IMPORT_POLL_SECONDS = 0.5
# Batches still being settled: their callbacks may be on their way into UCCX.
OPEN_BATCH_STATES = (BatchState.SENDING, BatchState.UNKNOWN, BatchState.ACCEPTED)


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
    pending: bool = False  # UCCX has not reported the import yet
    error: UccxError | None = None
    import_problem: str = ""  # UCCX's import failed or took fewer contacts than sent
    errors: list[str] = field(default_factory=list)  # why some could not be placed


def post_batch(
    client: UccxClient,
    campaign: CallbackCampaign,
    callbacks: Sequence[Callback],
    kind: str,
    *,
    informix: InformixClient | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchOutcome:
    """Import claimed (`exporting`) callbacks in ONE request, then wait (up to
    UCCX_IMPORT_WAIT_SECONDS) for UCCX's import status and settle them by it."""
    ids = [c.pk for c in callbacks]
    batch = ExportBatch.objects.create(
        campaign=campaign,
        kind=kind,
        contacts=len(callbacks),
        account_numbers=[c.account_number for c in callbacks],
    )
    ref = batch_ref(batch)
    outcome = BatchOutcome(batch)
    try:
        # The newest run before the POST: the run it starts is the first one after it.
        before = client.import_status(campaign.uccx_campaign_id).latest()
        batch.imports_seen_before = before.started_at if before else None
        batch.save(update_fields=["imports_seen_before"])
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
    batch.state = BatchState.ACCEPTED
    batch.import_state = ImportState.PENDING
    batch.finished_at = timezone.now()
    batch.http_status = accepted.status if accepted else None
    batch.location = (accepted.location or "") if accepted else ""
    batch.save(update_fields=["state", "import_state", "finished_at", "http_status", "location"])
    status, problem = _await_import(client, batch, sleep)
    if status is None:
        outcome.pending, outcome.unknown, outcome.import_problem = True, len(ids), problem
        return outcome
    settled = settle_batch(client, informix, batch, status, alone=True)
    outcome.exported, outcome.returned = settled.exported, settled.returned
    outcome.unknown, outcome.pending = settled.undecided, settled.pending
    outcome.import_problem, outcome.errors = settled.problem, settled.errors
    return outcome


def batch_ref(batch: ExportBatch) -> str:
    return f"{batch.kind}-{batch.pk}"


def _await_import(
    client: UccxClient, batch: ExportBatch, sleep: Callable[[float], None]
) -> tuple[ImportStatus | None, str]:
    """UCCX's import status once it lists a run newer than the batch's POST; None (and
    why) when it does not within the wait or cannot be read: the batch stays pending."""
    deadline = time.monotonic() + float(settings.UCCX_IMPORT_WAIT_SECONDS)
    while True:
        try:
            status = client.import_status(batch.campaign.uccx_campaign_id)
        except UccxError as error:
            return None, f"import status of batch {batch.pk} unreadable: {error.message}"
        if status.latest(after=batch.imports_seen_before) is not None:
            return status, ""
        if time.monotonic() >= deadline:
            return None, ""  # not an error: a slow import is settled by the next run
        sleep(IMPORT_POLL_SECONDS)


@dataclass
class Settled:
    exported: int = 0
    returned: int = 0
    undecided: int = 0
    pending: bool = False
    problem: str = ""
    errors: list[str] = field(default_factory=list)


def settle_batch(
    client: UccxClient,
    informix: InformixClient | None,
    batch: ExportBatch,
    status: ImportStatus,
    *,
    alone: bool = False,
) -> Settled:
    """Settle a posted batch's callbacks still `exporting` by UCCX's import status.

    No run since the POST: nothing is decided (pending). All contacts imported, and
    `alone` (no other batch of the campaign was in flight, so the run is this one's):
    all go `in_dialer`. Otherwise each callback is placed by asking UCCX (locate), the
    run being the sign that UCCX has dealt with the POST."""
    settled = Settled()
    run = status.latest(after=batch.imports_seen_before)
    waiting = _batch_callbacks(batch)
    if run is None:
        settled.pending, settled.undecided = True, len(waiting)
        return settled
    ref = batch_ref(batch)
    imported = run.contacts_imported or 0
    if run.succeeded and imported >= batch.contacts:
        state = ImportState.SUCCEEDED
    else:
        state = ImportState.FAILED if run.failed else ImportState.PARTIAL
        settled.problem = (
            f"UCCX import {run.result or 'result unknown'}"
            f"{f' ({run.message_key})' if run.message_key else ''}: "
            f"{imported} of {batch.contacts} contacts imported"
        )
    if state == ImportState.SUCCEEDED and alone:
        found, absent = [c.pk for c in waiting], []
    else:
        located = locate(client, informix, batch.campaign, waiting, import_seen=True)
        found, absent = located.present, located.absent
        settled.undecided = len(located.undecided)
        settled.errors += located.errors
    with transaction.atomic():
        settled.exported = len(dialing.callbacks_mark_exported(found, batch_ref=ref))
        settled.returned = len(
            dialing.callbacks_return_to_schedule(
                absent,
                reason=f"{settled.problem}; UCCX does not have it",
                batch_ref=ref,
                claimed_before=batch.created_at + dt.timedelta(microseconds=1),
            )
        )
        ExportBatch.objects.filter(pk=batch.pk).update(
            import_state=state,
            import_started_at=run.started_at,
            imported=run.contacts_imported,
            import_detail=(settled.problem or f"UCCX import {run.result}")[:200],
        )
    if settled.problem:
        logger.warning("UCCX batch %s: %s", ref, settled.problem)
    return settled


def _batch_callbacks(batch: ExportBatch) -> list[Callback]:
    """The batch's callbacks still `exporting` from the claim it posted (one claimed
    again since belongs to a later batch)."""
    return list(
        Callback.objects.filter(
            campaign=batch.campaign,
            account_number__in=batch.account_numbers,
            status="exporting",
            updated_at__lte=batch.created_at,
        ).order_by("pk")
    )


@dataclass
class Located:
    present: list[int] = field(default_factory=list)
    absent: list[int] = field(default_factory=list)
    undecided: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def locate(
    client: UccxClient,
    informix: InformixClient | None,
    campaign: CallbackCampaign,
    callbacks: Sequence[Callback],
    *,
    import_seen: bool,
) -> Located:
    """Does UCCX have these callbacks' contacts? Present: a REST list or db_cra shows
    it. Absent, positively: the REST lists were read, db_cra was read and shows no row
    (DialingList and DialingListHistory), and `import_seen` (UCCX has reported an import
    since the POST, or UCCX_IMPORT_TIMEOUT_MINUTES have passed since it, or the batch
    never reached UCCX). Anything less: undecided."""
    located = Located()
    wanted = {c.account_number or "": c.pk for c in callbacks}
    if not wanted:
        return located
    present: set[str] = set()
    try:
        for filter_name in m.REST_STATUS_FILTERS.values():
            contacts = client.list_contacts(campaign.uccx_campaign_id, filter_name)
            present.update(c.account_number for c in contacts if c.account_number in wanted)
    except UccxError as error:
        located.undecided = list(wanted.values())
        located.errors.append(f"{campaign}: {error.message}")
        return located
    unlisted = sorted(set(wanted) - present)
    db_cra_read = False
    if unlisted and informix is None:
        located.errors.append(
            f"{campaign}: db_cra is not configured (INFORMIX_DSN): UCCX's REST lists do not "
            "show closed contacts, so a contact they do not list may still be in UCCX"
        )
    elif unlisted and informix is not None:
        try:
            rows = informix.dialing_rows_for_accounts(campaign.uccx_campaign_id, unlisted)
        except InformixError as error:
            located.errors.append(f"{campaign}: {error.message}")
        else:
            db_cra_read = True
            present.update(row.account_number for row in rows)
    for account, pk in wanted.items():
        if account in present:
            located.present.append(pk)
        elif db_cra_read and import_seen:
            located.absent.append(pk)
        else:
            located.undecided.append(pk)
    return located


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
    """Status flow A-C (docs/architecture.md §7): read the callback campaigns' DialingList
    rows from db_cra in batches and apply attempts, results and closures; a query or two
    per batch."""
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
