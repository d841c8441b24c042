"""The customer who calls in first: a call from the number reached an agent, so the
number's pending callbacks about the same problem are closed as `satisfied` and nobody
calls the customer back about something already solved.

Reported by the IVR (POST /api/v1/ivr/called-in) or by an administrator (the callbacks'
admin action). Per GlobalRules: the switch `called_in_closes_callbacks`, and the window
`called_in_window_hours`: only callbacks booked within that many hours before the call
are taken to be about it (a recall round by its promise's booking, its first round's).
Closed are the callbacks still `scheduled` or `in_dialer`
(docs/architecture.md §6); one being exported or already on a call is left to finish.
Why a terminal state of its own: docs/decisions/do-not-call-and-called-in.md.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from scheduling.models import GlobalRules

from . import states
from .models import Callback, EventKind, Status

CLOSABLE = states.sources_of(Status.SATISFIED)  # scheduled, in_dialer


@dataclass(frozen=True, slots=True)
class CalledIn:
    phone_number: str  # E.164
    enabled: bool  # the GlobalRules switch at the time
    window_hours: int
    closed: list[str] = field(default_factory=list)  # account numbers, by promised time


def callbacks_close_called_in(
    *,
    phone_number: str,
    actor: str = "",
    agent_id: str = "",
    at: dt.datetime | None = None,
    source: str = "ivr",
) -> CalledIn:
    """Close the pending callbacks of `phone_number` (E.164) booked within the window
    before `at` (now) as satisfied, each with an event saying who reported the call."""
    at = at or timezone.now()
    rules = GlobalRules.load()
    result = CalledIn(phone_number, rules.called_in_closes_callbacks, rules.called_in_window_hours)
    if not rules.called_in_closes_callbacks:
        return result
    since = at - dt.timedelta(hours=rules.called_in_window_hours)
    details = {
        "reason": "called_in",
        "detail": "the customer called in and reached an agent first",
        "by": source,
        "called_at": at.isoformat(),
        **({"agent_id": agent_id} if agent_id else {}),
    }
    with transaction.atomic():
        candidates = list(
            Callback.objects.filter(phone_number=phone_number, status__in=CLOSABLE)
            # A recall round is as old as its promise: the first round's booking.
            .annotate(booked_at=Coalesce("first_round__created_at", "created_at"))
            .filter(booked_at__gte=since, booked_at__lte=at)
            .order_by("scheduled_at", "pk")
            .values_list("pk", "status", "account_number")
        )
        moved: set[int] = set()
        for status in CLOSABLE:
            ids = [pk for pk, found, _ in candidates if found == status]
            moved.update(
                states.transition_many(
                    ids,
                    status,
                    Status.SATISFIED,
                    event=EventKind.SATISFIED,
                    actor=actor or source,
                    details=details,
                )
            )
    result.closed.extend(account for pk, _, account in candidates if pk in moved)
    return result
