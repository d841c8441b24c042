"""Apply what the dialer did: new attempts and results, answered and closed contacts.

`uccx_integration` turns UCCX's rows into the `DialerObservation`s below; a batch is
applied with bulk UPDATEs and transitions, so a poll of 500 costs a handful of queries.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .. import bulk, states
from ..models import Callback, EventKind, Status
from ..recall.rounds import callbacks_end_rounds


@dataclass(frozen=True, slots=True)
class DialerObservation:
    """What the dialer shows of one contact, in callback terms."""

    account_number: str
    attempts: int
    last_result: str = ""  # e.g. "busy"; "" when not dialed yet
    closed: bool = False  # the dialer will not dial it again
    answered: bool = False  # the last call was answered by the customer
    agent_connected: bool = False  # an agent took the call
    last_attempt_at: dt.datetime | None = None  # the dialer's last update of the contact
    # When the dialer made each attempt on this contact, oldest first (UTC); may be
    # shorter than `attempts` (or empty) when the dialer does not say.
    dial_times: tuple[dt.datetime, ...] = ()


@dataclass
class ApplySummary:
    seen: int = 0
    updated: int = 0
    attempts: int = 0
    completed: int = 0
    failed: int = 0
    recalled: int = 0  # a new round booked (callbacks.recall)
    expired: int = 0  # no valid time left for the next round
    cancelled: int = 0  # the next round's number is on the do-not-call list

    def add(self, other: "ApplySummary") -> None:
        self.seen += other.seen
        self.updated += other.updated
        self.attempts += other.attempts
        self.completed += other.completed
        self.failed += other.failed
        self.recalled += other.recalled
        self.expired += other.expired
        self.cancelled += other.cancelled

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.seen,
            "updated": self.updated,
            "attempts": self.attempts,
            "completed": self.completed,
            "failed": self.failed,
            "recalled": self.recalled,
            "expired": self.expired,
            "cancelled": self.cancelled,
        }


FOLLOWED = (Status.IN_DIALER, Status.IN_IVR)


@transaction.atomic
def callbacks_apply_dialer_observations(observations: list[DialerObservation]) -> ApplySummary:
    """Apply one batch: new attempts and results in one bulk UPDATE, one event per new
    attempt, closures as bulk transitions. Repeating a batch changes nothing, and so does
    a second poll running at the same time (a purge's poll, a redelivered task): the
    callbacks are read locked, so it waits and then sees the attempts as already counted.

    A contact an agent took completes its callback (so does an answered call the
    campaign's external script took over); any other closure ends the round: failed
    with the last result, or the next round as the campaign's recall policy says.
    Callbacks still `exporting` are left to the exporter and reconcile.
    """
    summary = ApplySummary(seen=len(observations))
    by_account = {o.account_number: o for o in observations if o.account_number}
    if not by_account:
        return summary
    followed = Callback.objects.filter(account_number__in=list(by_account), status__in=FOLLOWED)
    callbacks = list(
        _for_update(followed)
        .order_by("pk")
        .select_related("campaign")
        .only(
            "pk",
            "account_number",
            "status",
            "attempts",
            "dialer_attempts",
            "last_result",
            "first_dialed_at",
            "exported_at",
            "campaign_id",
            "campaign__external_script",
        )
    )
    now = timezone.now()
    changed: list[Callback] = []
    attempt_events: list[tuple[Callback, dict[str, Any]]] = []
    attempt_times: dict[int, list[dt.datetime]] = {}
    completed: dict[str, list[int]] = {}
    ended: list[Callback] = []  # closed without an agent: the round ended
    for callback in callbacks:
        seen = by_account[callback.account_number or ""]
        new = _new_attempts(seen.attempts, callback.dialer_attempts)
        before = (callback.attempts, callback.dialer_attempts, callback.last_result)
        if new:
            total = callback.attempts + new
            times = _dial_times(seen, new, now, floor=callback.exported_at)
            for number in range(callback.attempts + 1, total + 1):
                details: dict[str, Any] = {"attempt": number}
                if number == total:
                    details["result"] = seen.last_result
                attempt_events.append((callback, details))
            attempt_times[callback.pk] = times
            callback.attempts = total
            if callback.first_dialed_at is None:
                callback.first_dialed_at = times[0]
        callback.dialer_attempts = seen.attempts
        if seen.last_result:
            callback.last_result = seen.last_result
        if (callback.attempts, callback.dialer_attempts, callback.last_result) != before:
            changed.append(callback)
        if seen.closed:
            took_over = seen.answered and bool(callback.campaign.external_script)
            if seen.agent_connected or took_over:
                completed.setdefault(callback.status, []).append(callback.pk)
            else:
                ended.append(callback)
    if changed:
        _save_dialing_progress(changed)
    if attempt_events:
        states.record_events(
            [(callback, EventKind.DIAL_ATTEMPT, details) for callback, details in attempt_events],
            actor="dialer",
            times=attempt_times,
            status=Status.IN_DIALER,  # where a callback is when the dialer dials it
        )
    for source, ids in completed.items():
        summary.completed += len(
            states.transition_many(
                ids,
                source,
                Status.COMPLETED,
                event=EventKind.COMPLETED,
                actor="dialer",
                details={"detail": "the dialer connected the customer"},
            )
        )
    if ended:
        # The round ended without an agent: failed, or its next round (recall policy).
        ends = callbacks_end_rounds(
            ended,
            actor="dialer",
            details_by_id={c.pk: {"result": c.last_result, "attempts": c.attempts} for c in ended},
        )
        summary.failed += ends.get(Status.FAILED, 0)
        summary.recalled += ends.get(Status.RECALLED, 0)
        summary.expired += ends.get(Status.EXPIRED, 0)
        summary.cancelled += ends.get(Status.CANCELLED, 0)
    summary.updated = len(changed)
    summary.attempts = len(attempt_events)
    return summary


def _for_update(callbacks: QuerySet[Callback]) -> QuerySet[Callback]:
    """Lock the callback rows (not their campaigns, where the database can tell them
    apart). SQLite has no row locks: its immediate transactions serialise writers."""
    if connection.features.has_select_for_update_of:
        return callbacks.select_for_update(of=("self",))
    return callbacks.select_for_update()


def _dial_times(
    seen: DialerObservation, new: int, now: dt.datetime, *, floor: dt.datetime | None
) -> list[dt.datetime]:
    """When each of the `new` attempts (the contact's last ones) was dialed: the
    dialer's own times when it gives one per attempt, else its last update of the contact
    (or now). Never later than now (a dialer clock ahead of ours), never before `floor`,
    when UCCX took the contact (a clock behind, or one that keeps whole seconds: the
    simulator's), never out of order."""
    if len(seen.dial_times) >= seen.attempts:
        times = list(seen.dial_times[seen.attempts - new : seen.attempts])
    else:
        times = [seen.last_attempt_at or now] * new
    low = min(floor or now, now)
    times = [min(max(t, low), now) for t in times]
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1])
    return times


def _new_attempts(seen: int, last_seen: int) -> int:
    """Dial attempts made since the last poll. The dialer counts per contact; fewer than
    last time means a new contact (a purge imported it again), counting from 0."""
    return seen - last_seen if seen >= last_seen else seen


# Parameters a row: two per field, one for the IN list. 100 rows stay under SQLite's 999
# (older builds) and SQL Server's 2,100.
_PROGRESS_FIELDS = ("attempts", "dialer_attempts", "last_result")
_CASE_ROWS = 100


def _save_dialing_progress(changed: list[Callback]) -> None:
    """The dialing fields of many callbacks, one UPDATE per 100 callbacks.

    Not bulk_update: it builds and resolves a When(pk=...) per row and field, 0.2-0.4 ms
    each, which was 80 % of a poll (bench/poll.py). The same CASE written as SQL text
    costs microseconds; the values still go through each field's own conversion.
    """
    for start in range(0, len(changed), _CASE_ROWS):
        chunk = changed[start : start + _CASE_ROWS]
        values = {
            name: bulk.case_by_pk(Callback, name, {c.pk: getattr(c, name) for c in chunk})
            for name in _PROGRESS_FIELDS
        }
        first_dialed = {c.pk: c.first_dialed_at for c in chunk if c.first_dialed_at}
        if first_dialed:
            values["first_dialed_at"] = bulk.case_by_pk(Callback, "first_dialed_at", first_dialed)
        Callback.objects.filter(pk__in=[c.pk for c in chunk]).update(**values)
