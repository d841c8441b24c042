"""Callback services for the dialer integration: claim due callbacks, record what UCCX
accepted, apply what the dialer did, expire what can no longer be dialed in time.

They speak of callbacks only; `uccx_integration` turns UCCX's rows and codes into the
`DialerObservation`s below. Every status change goes through `callbacks.states`, in
bulk, so a batch of 500 costs a handful of queries, not 500.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from scheduling.models import GlobalRules
from scheduling.rules import Candidate, RulesConfig, Violation, assess, suggest

from . import bulk, states
from .models import Callback, CallbackCampaign, EventKind, Status
from .services import CallbackRejected, callback_reschedule

ACTOR = "scheduler"


# --- export --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DueWindow:
    """Callbacks scheduled in [not_before, until] are due for the dialer now."""

    not_before: dt.datetime
    until: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime, rules: GlobalRules | None = None) -> "DueWindow":
        rules = rules or GlobalRules.load()
        return cls(
            not_before=now - dt.timedelta(minutes=rules.expiry_minutes),
            until=now + dt.timedelta(minutes=rules.export_lead_minutes),
        )


def campaigns_with_due_callbacks(window: DueWindow) -> list[CallbackCampaign]:
    due = Callback.objects.filter(
        status=Status.SCHEDULED,
        scheduled_at__gte=window.not_before,
        scheduled_at__lte=window.until,
    )
    return list(CallbackCampaign.objects.filter(pk__in=due.values("campaign_id")).order_by("pk"))


def callbacks_claim_due(
    *, campaign: CallbackCampaign, window: DueWindow, limit: int, batch_ref: str = ""
) -> list[Callback]:
    """Move up to `limit` due callbacks of a campaign to `exporting` and return them.

    Safe with many workers: rows another worker is claiming are skipped where the
    database can (`SKIP LOCKED`), and the conditional update in `states` moves each row
    once whatever the database.
    """
    with transaction.atomic():
        due = Callback.objects.filter(
            campaign=campaign,
            status=Status.SCHEDULED,
            scheduled_at__gte=window.not_before,
            scheduled_at__lte=window.until,
        ).order_by("scheduled_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        claimed = states.transition_many(
            ids,
            Status.SCHEDULED,
            Status.EXPORTING,
            event=EventKind.EXPORT_STARTED,
            actor=ACTOR,
            details={"batch": batch_ref} if batch_ref else None,
        )
    return list(
        Callback.objects.filter(pk__in=claimed)
        .select_related("campaign", "skill")
        .order_by("scheduled_at", "pk")
    )


def dial_time_violations(
    callback: Callback, *, config: RulesConfig, now: dt.datetime
) -> list[Violation]:
    """The rules a stored callback breaks now that it is about to be dialed (a holiday
    added, hours changed), leaving out those of the booking moment (lead, capacity)."""
    candidate = Candidate(callback.skill.name, callback.scheduled_at, callback.phone_number)
    return assess(candidate, config=config, now=now, booking=False).violations


def callback_move_to_next_slot(
    *, callback: Callback, violations: list[Violation], config: RulesConfig, now: dt.datetime
) -> Callback:
    """A rule now fails for a claimed callback: a NEW callback takes the next valid slot
    (the reasons in its history); with no slot left it expires. Returns the one in charge."""
    reason = {"reason": "rules changed before dialing", "violations": _codes(violations)}
    candidate = Candidate(callback.skill.name, now, callback.phone_number, replaces=callback.pk)
    for slot in suggest(candidate, config=config, now=now):
        try:
            return callback_reschedule(
                callback=callback, scheduled_at=slot.start, actor=ACTOR, now=now, reason=reason
            )
        except CallbackRejected:
            continue  # taken meanwhile: the next one
    return states.transition(
        callback,
        Status.EXPIRED,
        event=EventKind.EXPIRED,
        actor=ACTOR,
        details={**reason, "detail": "no valid slot left to move it to"},
    )


def callbacks_mark_exported(
    ids: list[int], *, batch_ref: str, source: str = "", new_contact: bool = True
) -> list[int]:
    """UCCX has these callbacks' contacts. `new_contact`: UCCX just accepted them as new
    contacts, whose dial attempts count from 0 (also after a purge's re-import)."""
    fresh: dict[str, Any] = {"dialer_attempts": 0} if new_contact else {}
    return states.transition_many(
        ids,
        Status.EXPORTING,
        Status.IN_DIALER,
        event=EventKind.EXPORTED,
        actor=ACTOR,
        details={"batch": batch_ref, **({"by": source} if source else {})},
        **fresh,
    )


def callbacks_return_to_schedule(
    ids: list[int],
    *,
    reason: str,
    batch_ref: str = "",
    claimed_before: dt.datetime | None = None,
) -> list[int]:
    """UCCX surely did not receive them: back to `scheduled`, tried again next run.

    `claimed_before` (reconcile): only callbacks still in a claim older than that. One
    claimed again since (another reconcile returned it and an export took it) is that
    export's to settle: returning it would let the export post it a second time.
    """
    details = {"reason": reason, **({"batch": batch_ref} if batch_ref else {})}
    with transaction.atomic():
        if claimed_before is not None:
            ids = _still_claimed_before(ids, claimed_before)
        return states.transition_many(
            ids,
            Status.EXPORTING,
            Status.SCHEDULED,
            event=EventKind.EXPORT_RETRY,
            actor=ACTOR,
            details=details,
        )


def _still_claimed_before(ids: list[int], moment: dt.datetime) -> list[int]:
    """Those of `ids` still `exporting` since before `moment`, locked until the commit."""
    found: list[int] = []
    for start in range(0, len(ids), 1000):  # IN lists within every database's limits
        found += (
            Callback.objects.select_for_update()
            .filter(
                pk__in=ids[start : start + 1000], status=Status.EXPORTING, updated_at__lt=moment
            )
            .values_list("pk", flat=True)
        )
    return found


def callbacks_stuck_exporting(*, older_than: dt.datetime) -> list[Callback]:
    return list(
        Callback.objects.filter(status=Status.EXPORTING, updated_at__lt=older_than)
        .select_related("campaign")
        .order_by("campaign_id", "pk")
    )


# --- purge ---------------------------------------------------------------------------
def callbacks_in_dialer(campaign: CallbackCampaign) -> list[Callback]:
    return list(
        Callback.objects.filter(campaign=campaign, status=Status.IN_DIALER)
        .select_related("campaign")
        .order_by("scheduled_at", "pk")
    )


def callbacks_prepare_reimport(
    callbacks: list[Callback], *, now: dt.datetime, batch_ref: str
) -> tuple[list[int], list[int]]:
    """Before a purge empties the dialing list: callbacks still waiting in it return to
    `exporting` (to be imported again); those past their expiry become `expired`.
    Returns (to re-import, expired)."""
    rules = GlobalRules.load()
    deadline = now - dt.timedelta(minutes=rules.expiry_minutes)
    late = [c.pk for c in callbacks if c.scheduled_at < deadline]
    keep = [c.pk for c in callbacks if c.scheduled_at >= deadline]
    expired = states.transition_many(
        late,
        Status.IN_DIALER,
        Status.EXPIRED,
        event=EventKind.EXPIRED,
        actor=ACTOR,
        details={"reason": "not dialed in time; removed from the dialing list by a purge"},
    )
    again = states.transition_many(
        keep,
        Status.IN_DIALER,
        Status.EXPORTING,
        event=EventKind.PURGED,
        actor=ACTOR,
        details={"batch": batch_ref, "detail": "dialing list purged; imported again"},
    )
    return again, expired


# --- dialing results -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DialerObservation:
    """What the dialer shows of one contact, in callback terms."""

    account_number: str
    attempts: int
    last_result: str = ""  # e.g. "busy"; "" when not dialed yet
    closed: bool = False  # the dialer will not dial it again
    answered: bool = False  # the last call was answered by the customer
    agent_connected: bool = False  # an agent took the call
    last_attempt_at: dt.datetime | None = None


@dataclass
class ApplySummary:
    seen: int = 0
    updated: int = 0
    attempts: int = 0
    completed: int = 0
    failed: int = 0

    def add(self, other: "ApplySummary") -> None:
        self.seen += other.seen
        self.updated += other.updated
        self.attempts += other.attempts
        self.completed += other.completed
        self.failed += other.failed

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.seen,
            "updated": self.updated,
            "attempts": self.attempts,
            "completed": self.completed,
            "failed": self.failed,
        }


FOLLOWED = (Status.IN_DIALER, Status.IN_IVR)


@transaction.atomic
def callbacks_apply_dialer_observations(observations: list[DialerObservation]) -> ApplySummary:
    """Apply one batch: new attempts and results in one bulk UPDATE, one event per new
    attempt, closures as bulk transitions. Repeating a batch changes nothing, and so does
    a second poll running at the same time (a purge's poll, a redelivered task): the
    callbacks are read locked, so it waits and then sees the attempts as already counted.

    A contact an agent took completes its callback (so does an answered call the
    campaign's external script took over); any other closure fails it with the last
    result. Callbacks still `exporting` are left to the exporter and reconcile.
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
            "campaign__external_script",
        )
    )
    changed: list[Callback] = []
    attempt_events: list[tuple[Callback, dict[str, Any]]] = []
    completed: dict[str, list[int]] = {}
    failed: dict[str, list[int]] = {}
    for callback in callbacks:
        seen = by_account[callback.account_number or ""]
        new = _new_attempts(seen.attempts, callback.dialer_attempts)
        before = (callback.attempts, callback.dialer_attempts, callback.last_result)
        if new:
            total = callback.attempts + new
            for number in range(callback.attempts + 1, total + 1):
                details: dict[str, Any] = {"attempt": number}
                if number == total:
                    details["result"] = seen.last_result
                attempt_events.append((callback, details))
            callback.attempts = total
            if callback.first_dialed_at is None:
                callback.first_dialed_at = seen.last_attempt_at or timezone.now()
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
                failed.setdefault(callback.status, []).append(callback.pk)
    if changed:
        _save_dialing_progress(changed)
    if attempt_events:
        states.record_events(
            [(callback, EventKind.DIAL_ATTEMPT, details) for callback, details in attempt_events],
            actor="dialer",
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
    for source, ids in failed.items():
        by_pk = {c.pk: c for c in callbacks}
        summary.failed += len(
            states.transition_many(
                ids,
                source,
                Status.FAILED,
                event=EventKind.FAILED,
                actor="dialer",
                details_by_id={
                    pk: {"result": by_pk[pk].last_result, "attempts": by_pk[pk].attempts}
                    for pk in ids
                },
            )
        )
    summary.updated = len(changed)
    summary.attempts = len(attempt_events)
    return summary


def _for_update(callbacks: QuerySet[Callback]) -> QuerySet[Callback]:
    """Lock the callback rows (not their campaigns, where the database can tell them
    apart). SQLite has no row locks: its immediate transactions serialise writers."""
    if connection.features.has_select_for_update_of:
        return callbacks.select_for_update(of=("self",))
    return callbacks.select_for_update()


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


# --- expiry --------------------------------------------------------------------------
def callbacks_expire_overdue(*, now: dt.datetime | None = None) -> int:
    """Scheduled callbacks whose time plus the expiry has passed were never exported (the
    campaign closed, UCCX down): they become `expired`. Those in the dialer stay there
    until a purge, which expires the ones still waiting."""
    now = now or timezone.now()
    rules = GlobalRules.load()
    deadline = now - dt.timedelta(minutes=rules.expiry_minutes)
    ids = list(
        Callback.objects.filter(status=Status.SCHEDULED, scheduled_at__lt=deadline).values_list(
            "pk", flat=True
        )
    )
    return len(
        states.transition_many(
            ids,
            Status.SCHEDULED,
            Status.EXPIRED,
            event=EventKind.EXPIRED,
            actor=ACTOR,
            details={"reason": f"not dialed within {rules.expiry_minutes} minutes of its time"},
        )
    )


def _codes(violations: list[Violation]) -> list[dict[str, str]]:
    return [{"code": v.code, "message": v.message} for v in violations]
