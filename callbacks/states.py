"""The callback state machine: the only code that changes Callback.status.

Each transition is a conditional UPDATE (the row changes only while it is still in an
expected state) plus a CallbackEvent, in one transaction. Two workers racing for the
same callback therefore cannot both move it: the loser's UPDATE matches no row and it
gets `False` / `TransitionRefused`, never a double export or a lost update.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import bulk
from .bulk import IN_CHUNK
from .models import TERMINAL, Callback, CallbackEvent, EventKind, Status

S = Status
ALLOWED: dict[str, frozenset[str]] = {
    # -> satisfied: the customer called in and reached an agent first (called_in.py);
    # like a cancellation, never from exporting (the exporter owns that claim).
    S.SCHEDULED: frozenset({S.EXPORTING, S.CANCELLED, S.RESCHEDULED, S.EXPIRED, S.SATISFIED}),
    # UCCX accepted the contact -> in_dialer; not received -> back to scheduled.
    # An IVR lookup may arrive before the exporter recorded UCCX's acceptance. A rule
    # that fails at dial time reschedules it (or expires it when no slot is left).
    S.EXPORTING: frozenset({S.IN_DIALER, S.SCHEDULED, S.IN_IVR, S.RESCHEDULED, S.EXPIRED}),
    # -> exporting: a purge emptied the dialing list and imports it again.
    # -> recalled: the round ended without an agent, the recall policy books the next.
    S.IN_DIALER: frozenset(
        {
            *(S.IN_IVR, S.EXPORTING, S.COMPLETED, S.FAILED, S.CANCELLED, S.RESCHEDULED),
            *(S.EXPIRED, S.RECALLED, S.SATISFIED),
        }
    ),
    # -> expired: the customer hung up in the IVR, no valid time is left for a new round.
    S.IN_IVR: frozenset({S.COMPLETED, S.FAILED, S.RESCHEDULED, S.RECALLED, S.EXPIRED}),
}
TIMESTAMP_ON_ENTRY: dict[str, str] = {
    S.IN_DIALER: "exported_at",
    S.IN_IVR: "connected_at",
    **dict.fromkeys(TERMINAL, "finished_at"),  # every final state (docs/architecture.md §6)
}


class TransitionRefused(Exception):
    """The callback is not (or no longer) in a state that allows this change."""

    def __init__(self, callback: Callback, target: str):
        self.callback = callback
        self.target = target
        super().__init__(
            _("Callback %(account)s is %(status)s; it cannot become %(target)s.")
            % {
                "account": callback.account_number,
                "status": callback.get_status_display().lower(),
                "target": Status(target).label.lower(),
            }
        )


def can_transition(current: str, target: str) -> bool:
    return target in ALLOWED.get(current, frozenset())


def sources_of(target: str) -> tuple[str, ...]:
    """The states a callback may become `target` from, in ALLOWED's order."""
    return tuple(current for current, targets in ALLOWED.items() if target in targets)


def transition(
    callback: Callback,
    target: str,
    *,
    event: str,
    actor: str = "",
    details: dict[str, Any] | None = None,
    expected: Iterable[str] | None = None,
    **fields: Any,
) -> Callback:
    """Move one callback from the state it was read in to `target`, or refuse.

    The UPDATE matches only while the row still has the status of the in-memory object,
    so a stale object (another worker moved the row) raises TransitionRefused and is
    refreshed. `expected` narrows the states the caller accepts to move from. On
    success the in-memory object carries the new status and fields.
    """
    sources = ALLOWED if expected is None else expected
    current = callback.status
    if current not in sources or not can_transition(current, target):
        raise TransitionRefused(callback, target)
    now = timezone.now()
    stamp = TIMESTAMP_ON_ENTRY.get(target)
    if stamp and stamp not in fields:
        fields[stamp] = now
    with transaction.atomic():
        # The row changes only if it is still in the state this object was read in.
        updated = Callback.objects.filter(pk=callback.pk, status=current).update(
            status=target, updated_at=now, **fields
        )
        if updated != 1:
            callback.refresh_from_db()
            raise TransitionRefused(callback, target)
        CallbackEvent.objects.create(
            callback_id=callback.pk,
            kind=event,
            from_status=current,
            to_status=target,
            actor=actor,
            details=details or {},
        )
    callback.status = target
    callback.updated_at = now
    for name, value in fields.items():
        setattr(callback, name, value)
    return callback


def transition_many(
    ids: Iterable[int],
    source: str,
    target: str,
    *,
    event: str,
    actor: str = "",
    details: dict[str, Any] | None = None,
    details_by_id: dict[int, dict[str, Any]] | None = None,
    **fields: Any,
) -> list[int]:
    """Move many callbacks from `source` to `target` in one transaction: the ids still in
    `source` move (with one event each), the others are left alone. Returns the moved ids.

    The dialer integration's bulk form of `transition`: the rows are locked (PostgreSQL,
    SQL Server; SQLite serialises writers) and only those still in `source` change.
    The events are written by `bulk.insert_events`.
    """
    if not can_transition(source, target):
        raise ValueError(f"{source} -> {target} is not a callback transition")
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    now = timezone.now()
    stamp = TIMESTAMP_ON_ENTRY.get(target)
    if stamp and stamp not in fields:
        fields[stamp] = now
    moved: list[int] = []
    with transaction.atomic():
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            rows = Callback.objects.select_for_update().filter(pk__in=chunk, status=source)
            found = list(rows.order_by("pk").values_list("pk", flat=True))
            if found:
                Callback.objects.filter(pk__in=found, status=source).update(
                    status=target, updated_at=now, **fields
                )
            moved.extend(found)
        bulk.insert_events(
            (
                (
                    pk,
                    event,
                    source,
                    target,
                    {**(details or {}), **(details_by_id or {}).get(pk, {})},
                )
                for pk in moved
            ),
            actor=actor,
            at=now,
        )
    return moved


def record_event(
    callback: Callback, kind: str, *, actor: str = "", details: dict[str, Any] | None = None
) -> CallbackEvent:
    """An observation that does not change the status (e.g. an IVR outcome)."""
    return CallbackEvent.objects.create(
        callback_id=callback.pk,
        kind=kind,
        from_status=callback.status,
        to_status=callback.status,
        actor=actor,
        details=details or {},
    )


def record_events(
    observations: Iterable[tuple[Callback, str, dict[str, Any]]],
    *,
    actor: str = "",
    times: Mapping[int, Sequence[dt.datetime]] | None = None,
    status: str | None = None,
) -> None:
    """Many observations at once: (callback, kind, details) each. `times` stamps them
    with when they happened (by callback id, its observations' times in order), e.g. a
    dial attempt at the dialer's time; else now. `status`: the one the callbacks were in
    when it happened (a dial: in the dialer, though the IVR may have it by now); else
    their status now."""
    bulk.insert_events(
        (
            (callback.pk, kind, status or callback.status, status or callback.status, details)
            for callback, kind, details in observations
        ),
        actor=actor,
        times=times,
    )


def record_creation(callback: Callback, *, actor: str, details: dict[str, Any]) -> None:
    CallbackEvent.objects.create(
        callback_id=callback.pk,
        kind=EventKind.CREATED,
        to_status=callback.status,
        actor=actor,
        details=details,
    )
