"""Claim due callbacks for the dialer, record what UCCX accepted, send back what it did
not, and prepare a purged list's callbacks for importing again.

A claimed callback that breaks a rule changed since its booking moves to the next slot;
one whose number is on the do-not-call list is cancelled before the claim (do_not_call.py);
a personal one whose agent is logged out is held or routed to the skill (agent_away.py).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from scheduling.models import GlobalRules
from scheduling.rules import Candidate, RulesConfig, Violation, assess, suggest

from .. import states
from ..models import Callback, CallbackCampaign, EventKind, Status
from ..services import CallbackRejected, callback_reschedule
from .agent_away import ROUTING_FIELDS, Presence, hold_away, presence_for, route_away
from .do_not_call import callbacks_cancel_do_not_call

ACTOR = "scheduler"


def export_lead() -> dt.timedelta:
    """How long before its time a callback goes to UCCX: the import-to-dial delay
    (settings.EXPORT_LEAD_SECONDS, default 0), so that the first ring is not before the
    promise (docs/uccx.md §2a)."""
    return dt.timedelta(seconds=settings.EXPORT_LEAD_SECONDS)


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
            until=now + export_lead(),
        )


def next_export_at(now: dt.datetime) -> dt.datetime | None:
    """When the next scheduled callback falls due for export (its time minus the lead),
    if after `now`: an export run at that moment sends it on time."""
    first = (
        Callback.objects.filter(status=Status.SCHEDULED, scheduled_at__gt=now + export_lead())
        .order_by("scheduled_at")
        .values_list("scheduled_at", flat=True)
        .first()
    )
    return None if first is None else first - export_lead()


def campaigns_with_due_callbacks(window: DueWindow) -> list[CallbackCampaign]:
    due = Callback.objects.filter(
        status=Status.SCHEDULED,
        scheduled_at__gte=window.not_before,
        scheduled_at__lte=window.until,
    )
    return list(CallbackCampaign.objects.filter(pk__in=due.values("campaign_id")).order_by("pk"))


def _due(campaign: CallbackCampaign, window: DueWindow) -> QuerySet[Callback]:
    return Callback.objects.filter(
        campaign=campaign,
        status=Status.SCHEDULED,
        scheduled_at__gte=window.not_before,
        scheduled_at__lte=window.until,
    )


def agent_presence(
    *, campaign: CallbackCampaign, window: DueWindow, presence: Presence | None = None
) -> Presence:
    """Finesse's states of the due personal callbacks' agents (agent_away.py), read
    before `callbacks_claim_due` and outside its transaction; pass it `presence` again to
    ask only about agents not asked yet."""
    return presence_for(_due(campaign, window), presence)


def callbacks_claim_due(
    *,
    campaign: CallbackCampaign,
    window: DueWindow,
    limit: int,
    batch_ref: str = "",
    presence: Presence | None = None,
) -> list[Callback]:
    """Move up to `limit` due callbacks of a campaign to `exporting` and return them.

    Safe with many workers: rows another worker is claiming are skipped where the
    database can (`SKIP LOCKED`), and the conditional update in `states` moves each row
    once whatever the database. With `presence` (agent_presence), personal callbacks of
    logged-out agents are held or routed to the skill as the campaign says.
    """
    with transaction.atomic():
        due = _due(campaign, window).order_by("scheduled_at", "pk")
        if presence is not None:
            due = hold_away(due, campaign=campaign, presence=presence, now=timezone.now())
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        while True:
            rows = list(due.values_list("pk", "phone_number", *ROUTING_FIELDS)[:limit])
            # A number listed since its booking: cancelled here, never claimed.
            barred = callbacks_cancel_do_not_call(
                [(pk, phone) for pk, phone, *_ in rows], now=timezone.now()
            )
            kept = [(pk, *routing) for pk, _, *routing in rows if pk not in barred]
            if kept or not barred:
                break
        ids = [pk for pk, *_ in kept]
        notes = route_away(kept, campaign=campaign, presence=presence) if presence else {}
        claimed = states.transition_many(
            ids,
            Status.SCHEDULED,
            Status.EXPORTING,
            event=EventKind.EXPORT_STARTED,
            actor=ACTOR,
            details={"batch": batch_ref} if batch_ref else None,
            details_by_id=notes,
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


def _codes(violations: list[Violation]) -> list[dict[str, str]]:
    return [{"code": v.code, "message": v.message} for v in violations]
