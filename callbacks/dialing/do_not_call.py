"""The do-not-call list at dial time: a due callback whose number has been listed since
its booking is cancelled with the entry's reason (in its timeline), never exported.

Called by `callbacks_claim_due` for the callbacks it is about to claim, so a listed one
never reaches `exporting` (from where a cancellation is not allowed, docs/architecture.md
§6). A callback UCCX already holds (`in_dialer`) when its number is listed is not pulled
back: UCCX has no call to withdraw one contact, and the IVR still routes the call.
"""

import datetime as dt

from scheduling.do_not_call import barred_details, listed_numbers

from .. import states
from ..models import EventKind, Status

ACTOR = "scheduler"


def callbacks_cancel_do_not_call(rows: list[tuple[int, str]], *, now: dt.datetime) -> set[int]:
    """Cancel the scheduled callbacks of `rows` (id, E.164) whose number is listed at
    `now`; returns their ids. One query for the list, one bulk transition."""
    listed = listed_numbers({phone for _, phone in rows}, at=now)
    if not listed:
        return set()
    details = {}
    for pk, phone in rows:
        entry = listed.get(phone)
        if entry is not None:
            details[pk] = barred_details(entry)
    return set(
        states.transition_many(
            list(details),
            Status.SCHEDULED,
            Status.CANCELLED,
            event=EventKind.CANCELLED,
            actor=ACTOR,
            details_by_id=details,
        )
    )
