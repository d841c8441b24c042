"""The one state machine: allowed moves, refusals, timestamps, events, races."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from callbacks import states
from callbacks.models import Callback, CallbackEvent, EventKind, Status

pytestmark = pytest.mark.usefixtures("frozen_now")

ALLOWED_PAIRS = sorted(
    (source, target) for source, targets in states.ALLOWED.items() for target in targets
)
REFUSED_PAIRS = sorted(
    (source, target)
    for source in Status.values
    for target in Status.values
    if target not in states.ALLOWED.get(source, frozenset())
)
TERMINAL = [
    Status.COMPLETED,
    Status.FAILED,
    Status.CANCELLED,
    Status.RESCHEDULED,
    Status.EXPIRED,
    Status.RECALLED,
    Status.SATISFIED,
]


def snapshot(callback: Callback) -> dict:
    """Every stored field of the row, to prove that nothing changed."""
    return Callback.objects.filter(pk=callback.pk).values().get()


def test_it_allows_exactly_the_documented_transitions():
    s = Status
    assert set(ALLOWED_PAIRS) == {
        (s.SCHEDULED, s.EXPORTING),
        (s.SCHEDULED, s.CANCELLED),
        (s.SCHEDULED, s.RESCHEDULED),
        (s.SCHEDULED, s.EXPIRED),
        (s.SCHEDULED, s.SATISFIED),  # the customer called in first
        (s.EXPORTING, s.IN_DIALER),
        (s.EXPORTING, s.SCHEDULED),
        (s.EXPORTING, s.IN_IVR),  # the IVR lookup may beat the exporter's bookkeeping
        (s.EXPORTING, s.RESCHEDULED),  # a rule fails at dial time: the next free slot
        (s.EXPORTING, s.EXPIRED),  # ... or no slot is left
        (s.IN_DIALER, s.IN_IVR),
        (s.IN_DIALER, s.EXPORTING),  # a purge emptied the dialing list: imported again
        (s.IN_DIALER, s.COMPLETED),
        (s.IN_DIALER, s.FAILED),
        (s.IN_DIALER, s.CANCELLED),
        (s.IN_DIALER, s.RESCHEDULED),
        (s.IN_DIALER, s.EXPIRED),
        (s.IN_DIALER, s.RECALLED),  # the round ended: the recall policy books the next
        (s.IN_DIALER, s.SATISFIED),
        (s.IN_IVR, s.COMPLETED),
        (s.IN_IVR, s.FAILED),
        (s.IN_IVR, s.RESCHEDULED),
        (s.IN_IVR, s.RECALLED),  # hung up in the IVR, or abandoned in the queue
        (s.IN_IVR, s.EXPIRED),  # ... and no valid time left for the next round
    }
    assert len(ALLOWED_PAIRS) + len(REFUSED_PAIRS) == len(Status.values) ** 2


@pytest.mark.parametrize(("source", "target"), ALLOWED_PAIRS)
def test_it_makes_every_allowed_transition_with_one_event(
    make_callback, put_in, now, source, target
):
    callback = put_in(make_callback(), source)
    before, events_before = snapshot(callback), callback.events.count()
    stamp = states.TIMESTAMP_ON_ENTRY.get(target)
    later = now + dt.timedelta(minutes=7)

    with time_machine.travel(later, tick=False):
        moved = states.transition(
            callback, target, event=EventKind.REVALIDATED, actor="worker-1", details={"n": 1}
        )

    stored = Callback.objects.get(pk=callback.pk)
    assert stored.status == moved.status == target
    assert stored.updated_at == later
    assert callback.events.count() == events_before + 1
    event = callback.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("revalidated", source, target)
    assert (event.actor, event.details, event.at) == ("worker-1", {"n": 1}, later)
    if stamp:
        assert getattr(stored, stamp) == later
    for other in set(states.TIMESTAMP_ON_ENTRY.values()) - {stamp}:
        assert getattr(stored, other) == before[other]


@pytest.mark.parametrize(("source", "target"), REFUSED_PAIRS)
def test_it_refuses_every_other_pair_without_a_trace(make_callback, put_in, source, target):
    callback = put_in(make_callback(), source)
    before = snapshot(callback)
    events_before = CallbackEvent.objects.count()

    with pytest.raises(states.TransitionRefused) as refused:
        states.transition(callback, target, event=EventKind.REVALIDATED, actor="worker-1")

    assert snapshot(callback) == before
    assert CallbackEvent.objects.count() == events_before
    assert refused.value.target == target
    assert callback.status == source


@pytest.mark.parametrize("terminal", TERMINAL)
def test_it_allows_nothing_out_of_a_terminal_state(terminal):
    assert states.ALLOWED.get(terminal, frozenset()) == frozenset()
    assert not any(states.can_transition(terminal, target) for target in Status.values)


def test_it_writes_a_given_stamp_instead_of_now(make_callback, put_in):
    callback = put_in(make_callback(), Status.EXPORTING)
    accepted = dt.datetime(2026, 11, 20, 8, 59, 30, tzinfo=dt.UTC)

    states.transition(callback, Status.IN_DIALER, event=EventKind.EXPORTED, exported_at=accepted)

    assert Callback.objects.get(pk=callback.pk).exported_at == accepted


def test_it_refuses_a_stale_object_another_worker_already_moved(make_callback):
    mine = make_callback()
    theirs = Callback.objects.get(pk=mine.pk)
    states.transition(theirs, Status.EXPORTING, event=EventKind.EXPORTED, actor="worker-2")

    with pytest.raises(states.TransitionRefused):
        states.transition(mine, Status.EXPORTING, event=EventKind.EXPORTED, actor="worker-1")

    assert mine.status == Status.EXPORTING  # refreshed: the caller sees the truth
    claims = CallbackEvent.objects.filter(callback=mine, to_status=Status.EXPORTING)
    assert [e.actor for e in claims] == ["worker-2"]


def test_it_refuses_when_the_row_changes_between_read_and_update(make_callback):
    # Another worker commits its claim after this worker read `scheduled` but before its
    # UPDATE runs: the UPDATE is conditional on `scheduled`, so it must match no row.
    # (Simulated on this connection, so the refusal's rollback also undoes the "other"
    # write; the PostgreSQL test below races real connections.)
    callback = make_callback()
    raced = []

    def other_worker_first(execute, sql, params, many, context):
        if not raced and sql.startswith("UPDATE") and "callbacks_callback" in sql:
            raced.append(True)
            Callback.objects.filter(pk=callback.pk).update(status=Status.EXPORTING)
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(other_worker_first),
        pytest.raises(states.TransitionRefused),
    ):
        states.transition(callback, Status.EXPORTING, event=EventKind.EXPORTED, actor="me")

    assert raced
    assert callback.status == Status.EXPORTING  # what the loser saw when refused
    assert not callback.events.filter(to_status=Status.EXPORTING).exists()


def test_it_moves_only_from_the_expected_sources(make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_DIALER)

    with pytest.raises(states.TransitionRefused):
        states.transition(
            callback, Status.CANCELLED, event=EventKind.CANCELLED, expected=[Status.SCHEDULED]
        )
    assert Callback.objects.get(pk=callback.pk).status == Status.IN_DIALER

    states.transition(
        callback,
        Status.CANCELLED,
        event=EventKind.CANCELLED,
        expected=[Status.SCHEDULED, Status.IN_DIALER],
    )
    assert Callback.objects.get(pk=callback.pk).status == Status.CANCELLED


def test_it_ignores_expected_sources_the_machine_does_not_allow(make_callback):
    callback = make_callback()

    with pytest.raises(states.TransitionRefused):
        states.transition(
            callback, Status.COMPLETED, event=EventKind.COMPLETED, expected=[Status.SCHEDULED]
        )

    assert Callback.objects.get(pk=callback.pk).status == Status.SCHEDULED


def test_it_records_an_observation_without_changing_the_status(make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_IVR)

    event = states.record_event(
        callback, EventKind.IVR_OUTCOME, actor="ivr", details={"outcome": "queued_skill"}
    )

    assert (event.from_status, event.to_status) == (Status.IN_IVR, Status.IN_IVR)
    assert Callback.objects.get(pk=callback.pk).status == Status.IN_IVR


WORKERS = 8


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so threads cannot race there",
)
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_many_racing_workers_claim_a_callback(make_callback):
    callback = make_callback()
    start = threading.Barrier(WORKERS)
    outcomes: list[object] = []

    def worker(number: int) -> None:
        try:
            mine = Callback.objects.get(pk=callback.pk)
            start.wait(timeout=10)
            states.transition(mine, Status.EXPORTING, event=EventKind.EXPORTED, actor=str(number))
            outcomes.append("claimed")
        except states.TransitionRefused:
            outcomes.append("refused")
        except Exception as error:  # anything else is a failure of the test
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes)) == ["claimed"] + ["refused"] * (WORKERS - 1)
    assert Callback.objects.get(pk=callback.pk).status == Status.EXPORTING
    assert CallbackEvent.objects.filter(callback=callback, to_status=Status.EXPORTING).count() == 1
