"""poll_dialer_results: db_cra's DialingList rows (read through pyodbc and the SQLite3 ODBC
driver on the simulator's file) become attempts, results and closures of callbacks."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callbacks import ivr, states
from callbacks.dialing import DialerObservation, callbacks_apply_dialer_observations
from callbacks.models import Callback, EventKind, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    at,
    contacts,
    dial_round,
    dialing_list_id,
    due_callbacks,
    event_counts,
    events,
    needs_sqlite_odbc,
    statuses,
)
from uccx_integration import mapping as m
from uccx_integration import services
from uccx_integration.mapping import CallResult, CallStatus

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

EXPORTED = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
FIRST_DIAL = MONDAY_10 + dt.timedelta(minutes=1)
UNKNOWN_CODE = 99


def in_dialer(client, count: int = 1, campaign: str = "Callback_Main") -> list[Callback]:
    """Callbacks exported into the simulator's dialing list the ordinary way."""
    callbacks = due_callbacks(count, campaign=campaign)
    with at(EXPORTED):
        services.export_due_callbacks(client=client)
    assert statuses(callbacks) == {Status.IN_DIALER: count}
    return callbacks


def dial(simulator, result, moment=FIRST_DIAL, **options) -> None:
    with at(moment):
        assert dial_round(simulator, result, **options)


def poll(informix, moment=FIRST_DIAL + dt.timedelta(minutes=1)):
    with at(moment):
        return services.poll_dialer_results(informix=informix)


def fresh(callback: Callback) -> Callback:
    callback.refresh_from_db()
    return callback


def test_an_attempt_is_recorded_once_with_its_result_and_time(
    campaign, simulator, client, informix
):
    (callback,) = in_dialer(client)
    dial(simulator, CallResult.BUSY)

    summary = poll(informix)

    callback = fresh(callback)
    assert (callback.status, callback.attempts, callback.last_result) == (
        Status.IN_DIALER,
        1,
        "busy",
    )
    assert callback.first_dialed_at == FIRST_DIAL
    assert [e.details for e in events(callback, EventKind.DIAL_ATTEMPT)] == [
        {"attempt": 1, "result": "busy"}
    ]
    assert summary.counts["attempts"] == 1


def test_two_attempts_between_polls_give_two_events_and_keep_the_first_dial_time(
    campaign, simulator, client, informix
):
    (callback,) = in_dialer(client)
    dial(simulator, CallResult.NO_ANSWER)
    poll(informix)
    dial(simulator, CallResult.BUSY, FIRST_DIAL + dt.timedelta(minutes=5))

    poll(informix, FIRST_DIAL + dt.timedelta(minutes=6))

    callback = fresh(callback)
    assert (callback.attempts, callback.last_result) == (2, "busy")
    assert callback.first_dialed_at == FIRST_DIAL
    assert [e.details for e in events(callback, EventKind.DIAL_ATTEMPT)] == [
        {"attempt": 1, "result": "no_answer"},
        {"attempt": 2, "result": "busy"},
    ]


def test_a_dial_attempt_is_stamped_with_the_dialers_time_before_the_ivr_lookup_it_caused(
    campaign, simulator, client, informix
):
    # Issue 17 point 5: dialed at 10:01, the IVR looked it up at 10:01:30, the call ended
    # (and the dialer's row was updated) at 10:03, the poll read it at 10:04.
    (callback,) = in_dialer(client)
    simulator.store.record_attempt(
        contact_of(simulator, callback),
        result=CallResult.VOICE,
        status=CallStatus.CLOSED,
        resource_id=1,
        started=FIRST_DIAL,
        ended=FIRST_DIAL + dt.timedelta(minutes=2),
    )
    with at(FIRST_DIAL + dt.timedelta(seconds=30)):
        ivr.callback_route_for_ivr(account_number=callback.account_number)

    poll(informix, FIRST_DIAL + dt.timedelta(minutes=3))

    timeline = [(e.kind, e.at, e.from_status, e.to_status) for e in events(fresh(callback))]
    assert timeline[-3:] == [
        (EventKind.DIAL_ATTEMPT, FIRST_DIAL, Status.IN_DIALER, Status.IN_DIALER),
        (
            EventKind.IVR_LOOKUP,
            FIRST_DIAL + dt.timedelta(seconds=30),
            Status.IN_DIALER,
            Status.IN_IVR,
        ),
        (
            EventKind.COMPLETED,
            FIRST_DIAL + dt.timedelta(minutes=3),
            Status.IN_IVR,
            Status.COMPLETED,
        ),
    ]
    assert fresh(callback).first_dialed_at == FIRST_DIAL


def test_attempts_read_in_one_poll_keep_each_its_own_dial_time(
    campaign, simulator, client, informix
):
    (callback,) = in_dialer(client)
    second = FIRST_DIAL + dt.timedelta(minutes=5)
    dial(simulator, CallResult.NO_ANSWER)
    dial(simulator, CallResult.BUSY, second)

    poll(informix, second + dt.timedelta(minutes=1))

    attempts = events(fresh(callback), EventKind.DIAL_ATTEMPT)
    assert [(e.details["attempt"], e.at) for e in attempts] == [(1, FIRST_DIAL), (2, second)]
    assert fresh(callback).first_dialed_at == FIRST_DIAL


@pytest.mark.parametrize(
    ("dial_times", "last_update", "stamped"),
    [
        # No call legs: the contact's last update. A dialer clock ahead of ours: now.
        ((), FIRST_DIAL, FIRST_DIAL),
        ((FIRST_DIAL + dt.timedelta(hours=1),), None, FIRST_DIAL + dt.timedelta(minutes=1)),
        ((), None, FIRST_DIAL + dt.timedelta(minutes=1)),
        # A dialer clock behind ours (or one keeping whole seconds): not before the export.
        ((EXPORTED - dt.timedelta(seconds=1),), None, EXPORTED),
    ],
)
def test_an_attempt_without_a_dialer_time_is_stamped_as_best_known(
    campaign, client, dial_times, last_update, stamped
):
    (callback,) = due_callbacks(1)
    with at(EXPORTED):
        states.transition(callback, Status.EXPORTING, event=EventKind.REVALIDATED)
        states.transition(
            callback, Status.IN_DIALER, event=EventKind.EXPORTED, exported_at=EXPORTED
        )
    seen = DialerObservation(
        callback.account_number, 1, "busy", last_attempt_at=last_update, dial_times=dial_times
    )

    with at(FIRST_DIAL + dt.timedelta(minutes=1)):
        callbacks_apply_dialer_observations([seen])

    (attempt,) = events(fresh(callback), EventKind.DIAL_ATTEMPT)
    assert attempt.at == stamped


def contact_of(simulator, callback: Callback) -> dict:
    rows = simulator.store.list_contacts(1, tuple(CallStatus))
    return next(r for r in rows if r[m.ACCOUNT_NUMBER] == callback.account_number)


def test_a_call_an_agent_took_completes_the_callback(campaign, simulator, client, informix):
    callbacks = in_dialer(client, 2)
    dial(simulator, CallResult.VOICE)

    poll(informix)

    assert statuses(callbacks) == {Status.COMPLETED: 2}
    assert event_counts(callbacks, EventKind.COMPLETED) == {c.pk: 1 for c in callbacks}


@pytest.mark.parametrize(
    ("campaign_name", "outcome"),
    [("Callback_Premium", Status.COMPLETED), ("Callback_Main", Status.FAILED)],
    ids=["external-script", "no-script"],
)
def test_an_answered_call_without_an_agent_completes_only_where_a_script_takes_over(
    campaign, simulator, client, informix, campaign_name, outcome
):
    callbacks = in_dialer(client, campaign=campaign_name)
    dial(simulator, CallResult.VOICE, script=True)

    poll(informix)

    assert statuses(callbacks) == {outcome: 1}


def test_busy_until_the_last_attempt_fails_the_callback(campaign, simulator, client, informix):
    (callback,) = in_dialer(client)
    for minute in (1, 2):
        dial(simulator, CallResult.BUSY, FIRST_DIAL + dt.timedelta(minutes=minute))
        poll(informix, FIRST_DIAL + dt.timedelta(minutes=minute, seconds=30))
        assert fresh(callback).status == Status.IN_DIALER
    dial(simulator, CallResult.BUSY, FIRST_DIAL + dt.timedelta(minutes=3))  # MAX_CALLS

    poll(informix, FIRST_DIAL + dt.timedelta(minutes=4))

    callback = fresh(callback)
    assert (callback.status, callback.attempts, callback.last_result) == (Status.FAILED, 3, "busy")
    assert events(callback, EventKind.FAILED)[0].details == {"result": "busy", "attempts": 3}


@pytest.mark.parametrize("result", [CallResult.FAX, CallResult.INVALID_NUMBER])
def test_a_number_that_cannot_answer_fails_at_once(campaign, simulator, client, informix, result):
    (callback,) = in_dialer(client)
    dial(simulator, result)

    poll(informix)

    callback = fresh(callback)
    assert (callback.status, callback.last_result) == (Status.FAILED, result.name.lower())


def test_a_contact_closed_and_moved_to_the_history_between_two_polls_is_applied_once(
    campaign, simulator, client, informix
):
    (callback,) = in_dialer(client)
    dial(simulator, CallResult.BUSY)
    poll(informix)
    dial(simulator, CallResult.NO_ANSWER, FIRST_DIAL + dt.timedelta(minutes=5))
    dial(simulator, CallResult.BUSY, FIRST_DIAL + dt.timedelta(minutes=6))  # MAX_CALLS
    assert dict(contacts(simulator)) == {}  # UCCX moved it out of DialingList

    poll(informix, FIRST_DIAL + dt.timedelta(minutes=7))
    summary = poll(informix, FIRST_DIAL + dt.timedelta(minutes=8))

    callback = fresh(callback)
    assert (callback.status, callback.attempts, callback.last_result) == (Status.FAILED, 3, "busy")
    assert [e.details for e in events(callback, EventKind.DIAL_ATTEMPT)] == [
        {"attempt": 1, "result": "busy"},
        {"attempt": 2},  # between two polls: only the last result is known
        {"attempt": 3, "result": "busy"},
    ]
    assert event_counts([callback], EventKind.FAILED) == {callback.pk: 1}
    assert (summary.counts["rows"], summary.counts["attempts"]) == (1, 0)


def test_an_answered_contact_found_only_in_the_history_completes_its_callback(
    campaign, simulator, client, informix
):
    (callback,) = in_dialer(client)
    dial(simulator, CallResult.VOICE)
    assert set(contacts(simulator, history=True)) == {callback.account_number}
    assert dict(contacts(simulator)) == {}

    poll(informix)

    assert statuses([callback]) == {Status.COMPLETED: 1}


def test_unknown_codes_never_close_a_callback(campaign, simulator, client, informix):
    unknown_status, unknown_result = in_dialer(client, 2)
    simulator.store.set_status(
        dialing_list_id(simulator, unknown_status.account_number), UNKNOWN_CODE
    )
    simulator.store.set_status(
        dialing_list_id(simulator, unknown_result.account_number), CallStatus.RETRY, UNKNOWN_CODE
    )

    summary = poll(informix)

    assert statuses([unknown_status, unknown_result]) == {Status.IN_DIALER: 2}
    assert fresh(unknown_result).last_result == f"code {UNKNOWN_CODE}"
    assert summary.counts["unknown_codes"] == 2


def test_polling_again_changes_nothing(campaign, simulator, client, informix):
    callbacks = in_dialer(client, 3)
    dial(simulator, CallResult.BUSY)
    with at(FIRST_DIAL):
        simulator.store.set_status(
            dialing_list_id(simulator, callbacks[0].account_number),
            CallStatus.CLOSED,
            CallResult.FAX,
        )
    poll(informix)
    before = list(Callback.objects.filter(pk__in=[c.pk for c in callbacks]).values())
    events_before = event_counts(callbacks, EventKind.DIAL_ATTEMPT)

    summary = poll(informix, FIRST_DIAL + dt.timedelta(minutes=5))

    assert list(Callback.objects.filter(pk__in=[c.pk for c in callbacks]).values()) == before
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == events_before
    assert (summary.counts["updated"], summary.counts["attempts"]) == (0, 0)


def test_rows_of_other_campaigns_are_ignored(campaign, simulator, client, informix):
    (callback,) = in_dialer(client)
    # Campaign 3 is not a callback campaign; its row happens to carry the same account.
    simulator.store.add_contacts(
        3,
        [{m.ACCOUNT_NUMBER: callback.account_number, m.PHONE_01: callback.dial_number}],
        allow_duplicates=False,
    )
    simulator.store.set_status(
        dialing_list_id(simulator, callback.account_number, 3), CallStatus.CLOSED, CallResult.FAX
    )

    summary = poll(informix)

    callback = fresh(callback)
    assert (callback.status, callback.attempts, callback.last_result) == (Status.IN_DIALER, 0, "")
    assert summary.counts["rows"] == 1  # its own row, not dialed yet


def queries_to_poll(simulator, client, informix, count: int) -> int:
    """Database queries of one poll that applies `count` attempts (half of them closing)."""
    callbacks = in_dialer(client, count)
    dial(simulator, CallResult.BUSY)
    for callback in callbacks[::2]:
        simulator.store.set_status(
            dialing_list_id(simulator, callback.account_number), CallStatus.CLOSED, CallResult.FAX
        )
    with CaptureQueriesContext(connection) as queries:
        summary = poll(informix)
    assert summary.counts["attempts"] == count
    assert statuses(callbacks) == {Status.FAILED: count // 2, Status.IN_DIALER: count // 2}
    simulator.store.delete_all_contacts(1)
    return len(queries)


def test_a_batch_costs_the_same_queries_whatever_its_size(campaign, simulator, client, informix):
    small = queries_to_poll(simulator, client, informix, 4)
    large = queries_to_poll(simulator, client, informix, 40)

    assert large == small
