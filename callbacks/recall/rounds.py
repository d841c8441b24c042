"""The next round of a callback whose round ended without reaching an agent.

Called where a round ends: the poll's closures (callbacks.dialing.observations) and the
IVR's `customer_hangup` (callbacks.ivr). Per callback, its campaign's recall policy
(callbacks.recall.models) decides:

- no policy, an outcome the policy does not retry, or rounds used up: `failed`, as
  before the policy existed (with "rounds" and the reason when a policy was exhausted);
- else the wanted time (minutes after the round ended, or the next local day at the
  first round's promised time of day) goes to the one rules engine (`suggest`, then
  `callback_validate` as any booking), which gives the next valid time at or after it:
  business hours, holidays, the customer's window, capacity, the booking horizon, and
  any rule added to the engine later. The round becomes `recalled` and a new callback
  (round + 1, linked by recall_of and first_round) is booked at that time;
- no valid time left at or after the wanted one: `expired`, as today;
- the number is on the do-not-call list at the next round's time: `cancelled` with the
  entry's reason (as at dial time), no new round.

Each callback is decided in its own transaction (savepoint) with the creations lock of
callbacks.services, so a round is never booked twice and never lost: the old round's
transition and the new callback are written together or not at all.
Decision and reporting: docs/decisions/recall-rounds.md.
"""

import datetime as dt
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from scheduling.codes import ViolationCode
from scheduling.display import local_time
from scheduling.do_not_call import barred_details, entry_for
from scheduling.rules import Candidate, RulesConfig, assess, suggest

from .. import states
from ..models import Callback, EventKind, Outcome, Status
from ..services import CustomerDetails, serialize_creations, store_validated
from ..validation import callback_validate, request_for
from .models import OUTCOME_BY_RESULT, RecallOutcome, RecallPolicy, Step

# The "fell back to skill" reason of a personal callback made standard by the policy.
ROUNDS_EXHAUSTED_PERSONAL = "rounds_exhausted_personal"
ACTOR = "recall"


def outcome_of(result: str) -> str | None:
    """The policy's outcome class of a round's last result, None if it has none."""
    return OUTCOME_BY_RESULT.get(result)


def callbacks_end_rounds(
    callbacks: Iterable[Callback],
    *,
    actor: str,
    failed_event: str = EventKind.FAILED,
    details_by_id: dict[int, dict[str, Any]] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Each callback's round ended without an agent (it is `in_dialer` or `in_ivr`, its
    last_result says why): fail it, book its next round, or expire it. Returns counts by
    the status each took ({"failed": 2, "recalled": 1})."""
    now = now or timezone.now()
    callbacks = list(callbacks)
    policies = {
        p.campaign_id: p
        for p in RecallPolicy.objects.filter(campaign_id__in={c.campaign_id for c in callbacks})
    }
    counts: dict[str, int] = {}
    plain: dict[str, list[int]] = {}
    config: RulesConfig | None = None  # loaded once for the batch, when a round is booked
    for callback in callbacks:
        policy = policies.get(callback.campaign_id)
        outcome = outcome_of(callback.last_result)
        if policy is None or outcome is None:
            plain.setdefault(callback.status, []).append(callback.pk)
            continue
        config = config or RulesConfig.load()
        status = _end_round(
            callback, policy, outcome, config, actor, failed_event, details_by_id, now
        )
        counts[status] = counts.get(status, 0) + 1
    for source, ids in plain.items():  # no policy: one bulk transition, as before
        moved = states.transition_many(
            ids,
            source,
            Status.FAILED,
            event=failed_event,
            actor=actor,
            details_by_id=details_by_id,
        )
        counts[Status.FAILED] = counts.get(Status.FAILED, 0) + len(moved)
    return counts


def _end_round(
    callback: Callback,
    policy: RecallPolicy,
    outcome: str,
    config: RulesConfig,
    actor: str,
    failed_event: str,
    details_by_id: dict[int, dict[str, Any]] | None,
    now: dt.datetime,
) -> str:
    base = {**(details_by_id or {}).get(callback.pk, {}), "round": callback.round}
    step = policy.rule(outcome).step_after(callback.round)
    label = RecallOutcome(outcome).label.lower()
    if step is None:
        detail = f"{label}: the recall policy gives no further round"
        _move(callback, Status.FAILED, failed_event, actor, {**base, "detail": detail})
        return Status.FAILED
    with transaction.atomic():
        serialize_creations()
        fresh = (
            Callback.objects.select_related("campaign", "skill__business_hours", "first_round")
            .filter(pk=callback.pk, status=callback.status)
            .first()
        )
        if fresh is None:
            return "unchanged"  # another worker moved it meanwhile
        return _book_next_round(fresh, policy, outcome, step, config, actor, base, now)


def _book_next_round(
    callback: Callback,
    policy: RecallPolicy,
    outcome: str,
    step: Step,
    config: RulesConfig,
    actor: str,
    base: dict[str, Any],
    now: dt.datetime,
) -> str:
    zone = ZoneInfo(callback.skill.business_hours.time_zone)
    wanted = _wanted_time(callback, step, now, zone)
    fall_back = bool(
        callback.agent_id
        and policy.personal_to_standard_after_rounds
        and callback.round >= policy.personal_to_standard_after_rounds
    )
    agent_id = "" if fall_back else callback.agent_id
    details = CustomerDetails.of(callback)
    if fall_back:
        details = replace(details, agent_name="")
    why = f"{RecallOutcome(outcome).label.lower()}: {step} after the round ended"
    if step.next_day:
        why = f"{RecallOutcome(outcome).label.lower()}: the next day at the promised time"
    candidate = Candidate(callback.skill.name, wanted, callback.phone_number, callback.pk)
    refused: dict[str, None] = {}  # the codes that refused the offered slots, in order
    for slot in suggest(candidate, count=3, config=config, now=now):
        if slot.start < wanted:
            continue  # past the booking horizon suggest offers earlier slots: not for a round
        request = replace(request_for(callback, slot.start), agent_id=agent_id)
        verdict = callback_validate(request=request, config=config, now=now, exclude_id=callback.pk)
        if any(v.code == ViolationCode.DO_NOT_CALL for v in verdict.violations):
            return _barred(callback, slot.start, actor, {**base, "outcome": outcome})
        if not verdict.valid:
            refused.update(dict.fromkeys(v.code for v in verdict.violations))
            continue  # taken meanwhile (or the campaign or skill refuses): the next one
        moved = [] if slot.start == wanted else _codes_at(candidate, config, now)
        chosen = {
            "why": why,
            "wanted": local_time(wanted, zone),
            "scheduled": local_time(slot.start, zone),
            **({"moved_because": ", ".join(moved)} if moved else {}),
            **(
                {"fell_back": ROUNDS_EXHAUSTED_PERSONAL, "agent_id": callback.agent_id}
                if fall_back
                else {}
            ),
        }
        states.transition(
            callback,
            Status.RECALLED,
            event=EventKind.RECALLED,
            actor=actor,
            details={**base, "outcome": outcome, "next_round": callback.round + 1, **chosen},
        )
        store_validated(
            request,
            verdict,
            details,
            source=callback.source,
            actor=ACTOR,
            recall_of=callback,
            extra={"round": callback.round + 1, "outcome": outcome, **chosen},
        )
        return Status.RECALLED
    detail = f"no valid time left for round {callback.round + 1} ({why})"
    because = {"refused_because": ", ".join(refused)} if refused else {}
    _move(callback, Status.EXPIRED, EventKind.EXPIRED, actor, {**base, "detail": detail, **because})
    return Status.EXPIRED


def _barred(callback: Callback, at: dt.datetime, actor: str, base: dict[str, Any]) -> str:
    """The number is on the do-not-call list at the next round's time: no round, the
    promise ends `cancelled` with the entry's reason, as at dial time (`failed` with it
    from `in_ivr`, where the state machine allows no cancellation)."""
    entry = entry_for(callback.phone_number, at=at)  # the one the verdict found
    listed = barred_details(entry) if entry else {"reason": ViolationCode.DO_NOT_CALL.value}
    if states.can_transition(callback.status, Status.CANCELLED):
        _move(callback, Status.CANCELLED, EventKind.CANCELLED, actor, {**base, **listed})
        return Status.CANCELLED
    _move(callback, Status.FAILED, EventKind.FAILED, actor, {**base, **listed})
    return Status.FAILED


def _wanted_time(callback: Callback, step: Step, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """When the policy wants the next round (UTC). "Next day" keeps the wall clock of the
    first round's promise in the skill's zone across a DST change; a wall time the
    change skips is read with the offset before it (zoneinfo, fold=0), one hour later on
    the clock, and the rules engine takes it from there."""
    if not step.next_day:
        return now + dt.timedelta(minutes=step.minutes)
    promised = (callback.first_round or callback).scheduled_at.astimezone(zone)
    day = now.astimezone(zone).date() + dt.timedelta(days=1)
    local = dt.datetime.combine(day, promised.time().replace(tzinfo=None), tzinfo=zone)
    return local.astimezone(dt.UTC)


def _codes_at(candidate: Candidate, config: RulesConfig, now: dt.datetime) -> list[str]:
    """Why the wanted time itself was not taken: the rules it breaks (none: the next slot
    start is later, or that slot is full or was taken meanwhile)."""
    codes = [v.code for v in assess(candidate, config=config, now=now).violations]
    return codes or ["the next free slot"]


def _move(callback: Callback, target: str, event: str, actor: str, details: dict[str, Any]) -> None:
    with suppress(states.TransitionRefused):  # another worker moved it: its move stands
        states.transition(callback, target, event=event, actor=actor, details=details)


def callback_ivr_hangup(*, callback: Callback, now: dt.datetime | None = None) -> Callback:
    """The customer hung up in the IVR (the `customer_hangup` outcome): the round ended,
    failed or followed by the next round as the recall policy says. Refused like the
    transition to `failed` when the callback is not in the IVR or the dialer."""
    outcome = Outcome.CUSTOMER_HANGUP
    if not states.can_transition(callback.status, Status.FAILED):
        raise states.TransitionRefused(callback, Status.FAILED)
    with transaction.atomic():
        Callback.objects.filter(pk=callback.pk).update(last_result=outcome)
        callback.last_result = outcome
        callbacks_end_rounds(
            [callback],
            actor="ivr",
            failed_event=EventKind.IVR_OUTCOME,
            details_by_id={callback.pk: {"outcome": outcome}},
            now=now,
        )
    callback.refresh_from_db()
    return callback
