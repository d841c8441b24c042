"""Posting one batch, the asynchronous import settle, and locating a batch's callbacks in
UCCX.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from callbacks import dialing
from callbacks.models import Callback, CallbackCampaign

from .. import mapping as m
from ..client import ContactRow, ImportStatus, UccxClient, UccxError
from ..informix import InformixClient, InformixError
from ..models import BatchState, ExportBatch, ImportState
from .base import IMPORT_POLL_SECONDS

logger = logging.getLogger(__name__)


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
