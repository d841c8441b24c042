"""Callback services: every write to callbacks goes through one of these functions.

Views, admin actions, the IVR API and Celery tasks call them; they validate with
`callbacks.validation` (which stands on `scheduling.rules`) and change status only
through `callbacks.states`.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from scheduling.codes import ViolationCode
from scheduling.models import GlobalRules
from scheduling.rules import Candidate, RulesConfig, Slot, Violation, suggest

from . import states
from .dialplan import dial_string_for
from .models import (
    TERMINAL,
    Callback,
    EventKind,
    Source,
    Status,
)
from .validation import CallbackRequest, Verdict, callback_validate, request_for


class CallbackRejected(Exception):
    """The request broke rules; carries every violation and suggested slots."""

    def __init__(self, violations: list[Violation], suggestions: list[Slot] | None = None):
        self.violations = violations
        self.suggestions = suggestions or []
        super().__init__("; ".join(v.message for v in violations))


@dataclass(frozen=True, slots=True)
class CustomerDetails:
    first_name: str = ""
    last_name: str = ""
    agent_name: str = ""
    notes: str = ""
    origin_account_number: str = ""

    @classmethod
    def of(cls, callback: Callback) -> "CustomerDetails":
        """The details a stored callback carries (for the callback that takes over)."""
        return cls(
            first_name=callback.first_name,
            last_name=callback.last_name,
            agent_name=callback.agent_name,
            notes=callback.notes,
            origin_account_number=callback.origin_account_number,
        )


def serialize_creations() -> None:
    """Call inside the transaction that validates and stores a callback (here, and a
    recall round in recall/rounds.py)."""
    # Slot capacity and duplicate checks read other callbacks; locking the single
    # GlobalRules row makes concurrent creations take turns on databases with row locks
    # (PostgreSQL, SQL Server). SQLite serialises writers by itself.
    GlobalRules.objects.select_for_update().filter(pk=GlobalRules.SINGLETON_ID).exists()


def store_validated(
    request: CallbackRequest,
    verdict: Verdict,
    details: CustomerDetails,
    *,
    source: str,
    actor: str,
    rescheduled_from: Callback | None = None,
    recall_of: Callback | None = None,
    extra: dict[str, Any] | None = None,
) -> Callback:
    """Store a callback whose verdict is valid, after serialize_creations() in the same
    transaction; `recall_of`: it is the next round of that one."""
    campaign, booked = verdict.campaign, verdict.assessment
    # A valid verdict has resolved all of these.
    assert campaign and booked.phone and booked.scheduled_at and booked.skill
    e164 = booked.phone.e164
    callback = Callback(
        phone_number=e164,
        dial_number=dial_string_for(e164, campaign),
        first_name=details.first_name,
        last_name=details.last_name,
        scheduled_at=booked.scheduled_at,
        campaign=campaign,
        skill_id=booked.skill.id,
        agent_id=request.agent_id,
        agent_name=details.agent_name,
        source=source,
        created_by=actor,
        notes=details.notes,
        origin_account_number=details.origin_account_number,
        rescheduled_from=rescheduled_from,
    )
    if recall_of is not None:
        callback.round = recall_of.round + 1
        callback.recall_of = recall_of
        callback.first_round_id = recall_of.first_round_id or recall_of.pk
    callback.set_local_promise(booked.skill.zone.key)
    callback.save(force_insert=True)
    callback.account_number = Callback.account_number_for(callback.pk)
    Callback.objects.filter(pk=callback.pk).update(account_number=callback.account_number)
    states.record_creation(
        callback,
        actor=actor,
        details={
            "source": source,
            "rescheduled_from": rescheduled_from.account_number if rescheduled_from else None,
            **({"recall_of": recall_of.account_number} if recall_of else {}),
            **(extra or {}),
        },
    )
    return callback


def callback_schedule(
    *,
    request: CallbackRequest,
    details: CustomerDetails = CustomerDetails(),
    source: str = Source.API,
    actor: str = "",
    now: dt.datetime | None = None,
) -> Callback:
    """Validate and store a new callback; raises CallbackRejected with all violations."""
    with transaction.atomic():
        serialize_creations()
        verdict = callback_validate(request=request, now=now)
        if not verdict.valid:
            raise CallbackRejected(verdict.violations, verdict.suggestions)
        return store_validated(request, verdict, details, source=source, actor=actor)


def callback_schedule_earliest(
    *,
    request: CallbackRequest,
    details: CustomerDetails = CustomerDetails(),
    source: str = Source.IVR,
    actor: str = "",
    now: dt.datetime | None = None,
) -> Callback:
    """Book the earliest free slot (inbound IVR: the caller gave no time)."""
    config = RulesConfig.load()
    now = now or timezone.now()
    slots = suggest(
        Candidate(request.skill, now, request.phone_number), count=3, config=config, now=now
    )
    if not slots:
        # Why not? Everything but the time (the caller gave none), else: no free slot.
        at_now = CallbackRequest(
            request.phone_number, now, request.campaign, request.skill, request.agent_id
        )
        verdict = callback_validate(request=at_now, config=config, now=now)
        violations = [v for v in verdict.violations if v.field != "scheduled_at"] or [
            Violation(
                "scheduled_at",
                ViolationCode.SLOT_FULL,
                ngettext(
                    "No free slot for %(skill)s in the next %(days)d day.",
                    "No free slot for %(skill)s in the next %(days)d days.",
                    config.max_days_ahead,
                )
                % {"skill": request.skill, "days": config.max_days_ahead},
            )
        ]
        raise CallbackRejected(violations)
    for attempt, slot in enumerate(slots, start=1):
        timed = CallbackRequest(
            request.phone_number, slot.start, request.campaign, request.skill, request.agent_id
        )
        try:
            return callback_schedule(
                request=timed, details=details, source=source, actor=actor, now=now
            )
        except CallbackRejected as error:
            # Another booking may have taken the slot meanwhile: try the next one.
            only_full = all(v.code == ViolationCode.SLOT_FULL for v in error.violations)
            if not only_full or attempt == len(slots):
                raise
    raise AssertionError("unreachable")


def callback_reschedule(
    *,
    callback: Callback,
    scheduled_at: dt.datetime | str,
    source: str = Source.API,
    actor: str = "",
    now: dt.datetime | None = None,
    reason: dict[str, Any] | None = None,
) -> Callback:
    """A NEW callback takes over; the old one becomes `rescheduled` (history kept).

    `reason`: why, when it was not the customer's wish (kept in the event's details)."""
    if not states.can_transition(callback.status, Status.RESCHEDULED):
        raise states.TransitionRefused(callback, Status.RESCHEDULED)
    request = request_for(callback, scheduled_at)
    details = CustomerDetails.of(callback)
    with transaction.atomic():
        serialize_creations()
        verdict = callback_validate(request=request, now=now, exclude_id=callback.pk)
        if not verdict.valid:
            raise CallbackRejected(verdict.violations, verdict.suggestions)
        new_time = verdict.assessment.scheduled_at
        assert new_time is not None  # a valid verdict has resolved the time
        states.transition(
            callback,
            Status.RESCHEDULED,
            event=EventKind.RESCHEDULED,
            actor=actor,
            details={"scheduled_at": new_time.isoformat(), **(reason or {})},
        )
        new = store_validated(
            request, verdict, details, source=source, actor=actor, rescheduled_from=callback
        )
        return new


def callback_cancel(*, callback: Callback, reason: str = "", actor: str = "") -> Callback:
    return states.transition(
        callback,
        Status.CANCELLED,
        event=EventKind.CANCELLED,
        actor=actor,
        details={"reason": reason},
    )


def callback_mark_delivered(*, callback: Callback, agent_id: str = "", actor: str = "") -> Callback:
    """Flow step 13 (docs/architecture.md §7): the call reached an agent's desktop.
    Repeating it changes nothing.

    A callback the dialer already closed (completed by the poller, or cancelled after
    UCCX had it) keeps its status; the delivery is recorded in its history.
    """
    now = timezone.now()
    details = {"agent_id": agent_id}
    if callback.status in (Status.IN_IVR, Status.IN_DIALER):
        return states.transition(
            callback,
            Status.COMPLETED,
            event=EventKind.DELIVERED,
            actor=actor or agent_id,
            details=details,
            delivered_at=now,
            finished_at=now,
        )
    if callback.delivered_at is None and callback.status in TERMINAL:
        with transaction.atomic():
            Callback.objects.filter(pk=callback.pk, delivered_at__isnull=True).update(
                delivered_at=now
            )
            states.record_event(
                callback, EventKind.DELIVERED, actor=actor or agent_id, details=details
            )
        callback.delivered_at = now
        return callback
    if callback.delivered_at is not None:
        return callback
    raise states.TransitionRefused(callback, Status.COMPLETED)
