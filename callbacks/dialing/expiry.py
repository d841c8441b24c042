"""Expire scheduled callbacks that can no longer be dialed in time."""

import datetime as dt

from django.utils import timezone

from scheduling.models import GlobalRules

from .. import states
from ..models import Callback, EventKind, Status
from .export import ACTOR


def callbacks_expire_overdue(*, now: dt.datetime | None = None) -> int:
    """Scheduled callbacks whose time plus the expiry has passed were never exported (the
    campaign closed, UCCX down): they become `expired`. Those in the dialer stay there
    until a purge, which expires the ones still waiting."""
    now = now or timezone.now()
    rules = GlobalRules.load()
    deadline = now - dt.timedelta(minutes=rules.expiry_minutes)
    overdue = Callback.objects.filter(status=Status.SCHEDULED, scheduled_at__lt=deadline)
    rows = list(overdue.values_list("pk", "held_at"))
    # Held for a logged-out agent (agent_away.py) until the expiry: the timeline says so.
    held = {pk: {"detail": "held for its logged-out agent"} for pk, at in rows if at}
    return len(
        states.transition_many(
            [pk for pk, _ in rows],
            Status.SCHEDULED,
            Status.EXPIRED,
            event=EventKind.EXPIRED,
            actor=ACTOR,
            details={"reason": f"not dialed within {rules.expiry_minutes} minutes of its time"},
            details_by_id=held,
        )
    )
