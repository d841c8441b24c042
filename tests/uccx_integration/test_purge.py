"""purge_dialing_lists: results applied first, the dialing list emptied, the callbacks
still waiting in it imported again exactly once (counted in the simulator's store)."""

import datetime as dt

import pytest

from callbacks.models import Callback, CallbackCampaign, EventKind, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    contacts,
    dial_one,
    due_callbacks,
    events,
    needs_sqlite_odbc,
    posts,
    statuses,
)
from uccx_integration import services
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.models import BatchKind, BatchState, ExportBatch

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

EXPORTED = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
DIALED = MONDAY_10 + dt.timedelta(minutes=1)
PURGE = MONDAY_10 + dt.timedelta(minutes=30)  # within the 60-minute expiry
TOO_LATE = MONDAY_10 + dt.timedelta(minutes=61)


def in_dialer(client, count: int, campaign: str = "Callback_Main") -> list[Callback]:
    callbacks = due_callbacks(count, campaign=campaign)
    with at(EXPORTED):
        services.export_due_callbacks(client=client)
    assert statuses(callbacks) == {Status.IN_DIALER: count}
    return callbacks


def purge(client, informix, moment=PURGE, **options):
    with at(moment):
        return services.purge_dialing_lists(client=client, informix=informix, **options)


def deletes(simulator, uccx_campaign_id: int = 1) -> int:
    return simulator.request_count("DELETE", f"/adminapi/campaign/{uccx_campaign_id}/contacts")


def test_open_contacts_are_imported_again_exactly_once(campaign, simulator, client, informix):
    pending, retrying = in_dialer(client, 2)
    with at(DIALED):
        dial_one(simulator, retrying.account_number, CallResult.BUSY, CallStatus.RETRY)

    summary = purge(client, informix)

    assert deletes(simulator) == 1
    assert_each_imported_once(simulator, [pending, retrying])
    assert set(contacts(simulator)) == {pending.account_number, retrying.account_number}
    assert statuses([pending, retrying]) == {Status.IN_DIALER: 2}
    for callback in (pending, retrying):
        assert [e.kind for e in events(callback)][-2:] == [EventKind.PURGED, EventKind.EXPORTED]
    batch = ExportBatch.objects.get(kind=BatchKind.PURGE)
    assert (batch.state, batch.contacts) == (BatchState.ACCEPTED, 2)
    assert summary.counts["reimported"] == 2 and not summary.errors


def test_closed_contacts_are_applied_first_and_not_imported_again(
    campaign, simulator, client, informix
):
    answered, fax, waiting = in_dialer(client, 3)
    with at(DIALED):  # closed since the last poll
        dial_one(
            simulator, answered.account_number, CallResult.VOICE, CallStatus.CLOSED, agent=True
        )
        dial_one(simulator, fax.account_number, CallResult.FAX, CallStatus.CLOSED)

    summary = purge(client, informix)

    assert statuses([answered]) == {Status.COMPLETED: 1}
    assert statuses([fax]) == {Status.FAILED: 1}
    assert statuses([waiting]) == {Status.IN_DIALER: 1}
    assert contacts(simulator) == {waiting.account_number: 1}
    assert summary.counts["reimported"] == 1


def test_past_expiry_waiting_callbacks_expire_instead_of_returning(
    campaign, simulator, client, informix
):
    callbacks = in_dialer(client, 2)

    summary = purge(client, informix, TOO_LATE)

    assert statuses(callbacks) == {Status.EXPIRED: 2}
    assert not contacts(simulator)
    assert posts(simulator) == 1  # the export; nothing re-imported
    assert summary.counts["expired"] == 2


def test_it_purges_only_the_campaigns_asked_for(campaign, simulator, client, informix):
    main = in_dialer(client, 1)
    premium = in_dialer(client, 1, campaign="Callback_Premium")

    purge(client, informix, campaigns=[CallbackCampaign.objects.get(name="Callback_Premium")])

    assert deletes(simulator, 1) == 0 and deletes(simulator, 2) == 1
    assert contacts(simulator, 1) == {main[0].account_number: 1}
    assert_each_imported_once(simulator, premium, 2)


def test_it_refuses_when_db_cra_is_unreachable(campaign, simulator, client, unreachable_informix):
    callbacks = in_dialer(client, 2)

    summary = purge(client, unreachable_informix)

    assert "cannot connect to db_cra" in summary.errors[0]
    assert deletes(simulator) == 0
    assert_each_imported_once(simulator, callbacks)
    assert statuses(callbacks) == {Status.IN_DIALER: 2}


def test_it_gives_up_on_a_campaign_an_export_holds(campaign, simulator, client, informix):
    callbacks = in_dialer(client, 1)
    with at(PURGE):
        assert services.acquire_lease(1, "export:test")

    summary = purge(client, informix, wait_seconds=0)

    assert "an export held the dialing list" in summary.errors[0]
    assert deletes(simulator) == 0
    assert statuses(callbacks) == {Status.IN_DIALER: 1}


def test_attempts_after_a_purge_keep_counting(campaign, simulator, client, informix):
    (callback,) = in_dialer(client, 1)
    with at(DIALED):
        dial_one(simulator, callback.account_number, CallResult.BUSY, CallStatus.RETRY)
    purge(client, informix)  # applies attempt 1, then imports the contact afresh
    with at(PURGE + dt.timedelta(minutes=1)):
        dial_one(simulator, callback.account_number, CallResult.NO_ANSWER, CallStatus.RETRY)

    with at(PURGE + dt.timedelta(minutes=2)):
        services.poll_dialer_results(informix=informix)

    callback.refresh_from_db()
    assert (callback.attempts, callback.last_result) == (2, "no_answer")
    assert [e.details for e in events(callback, EventKind.DIAL_ATTEMPT)] == [
        {"attempt": 1, "result": "busy"},
        {"attempt": 2, "result": "no_answer"},
    ]
