"""reconcile_exports: callbacks stuck in `exporting` are placed by asking UCCX (the REST
contact lists, then db_cra for closed contacts), never by importing them again."""

import datetime as dt

import pytest

from callbacks import dialing
from callbacks.dialing import DueWindow
from callbacks.models import CallbackCampaign, EventKind, Status
from tests.cast import contact
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    at,
    contacts,
    dial_round,
    due_callbacks,
    events,
    needs_sqlite_odbc,
    posts,
    statuses,
)
from uccx_integration import services
from uccx_integration.client import ContactRow
from uccx_integration.mapping import CallResult
from uccx_integration.models import BatchState, ExportBatch

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

CLAIMED = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
STALE = CLAIMED + services.STALE_AFTER + dt.timedelta(seconds=1)


def stuck_exporting(count: int, campaign: str = "Callback_Main"):
    """Callbacks claimed by an exporter at CLAIMED that never heard UCCX's answer."""
    callbacks = due_callbacks(count, campaign=campaign)
    with at(CLAIMED):
        claimed = dialing.callbacks_claim_due(
            campaign=CallbackCampaign.objects.get(name=campaign),
            window=DueWindow.at(CLAIMED),
            limit=count,
        )
    assert len(claimed) == count
    return callbacks


def import_behind_our_back(client, callbacks) -> None:
    """UCCX got these contacts (the exporter never learnt it)."""
    campaign = callbacks[0].campaign
    rows = [ContactRow(c.account_number, c.dial_number) for c in callbacks]
    client.add_contacts(campaign.uccx_campaign_id, campaign.name, rows)


def reconcile(client, informix, moment=STALE):
    with at(moment):
        return services.reconcile_exports(client=client, informix=informix)


def test_a_contact_uccx_lists_puts_its_callback_in_the_dialer(
    campaign, simulator, client, informix
):
    received, lost = stuck_exporting(2)
    import_behind_our_back(client, [received])
    before = posts(simulator)

    summary = reconcile(client, informix)

    assert statuses([received]) == {Status.IN_DIALER: 1}
    assert statuses([lost]) == {Status.SCHEDULED: 1}
    assert events(received, EventKind.EXPORTED)[0].details["by"] == "reconcile"
    assert events(lost, EventKind.EXPORT_RETRY)
    assert summary.counts == {"found": 1, "returned": 1}
    assert posts(simulator) == before  # never imports anything itself


def test_a_contact_uccx_lists_as_retry_counts_as_present(campaign, simulator, client, informix):
    (callback,) = stuck_exporting(1)
    import_behind_our_back(client, [callback])
    with at(CLAIMED):
        dial_round(simulator, CallResult.BUSY)  # RETRY: not in the PENDING list

    reconcile(client, informix)

    assert statuses([callback]) == {Status.IN_DIALER: 1}


def test_a_contact_already_closed_is_found_in_db_cra_and_then_closed_by_the_poll(
    campaign, simulator, client, informix
):
    (callback,) = stuck_exporting(1)
    import_behind_our_back(client, [callback])
    with at(CLAIMED):
        dial_round(simulator, CallResult.VOICE)  # CLOSED: no REST filter shows it

    reconcile(client, informix)
    assert statuses([callback]) == {Status.IN_DIALER: 1}

    with at(STALE):
        services.poll_dialer_results(informix=informix)
    assert statuses([callback]) == {Status.COMPLETED: 1}


def test_a_contact_only_in_the_dialing_list_history_counts_as_present(
    campaign, simulator, client, informix
):
    (callback,) = stuck_exporting(1)
    import_behind_our_back(client, [callback])
    with at(CLAIMED):
        dial_round(simulator, CallResult.FAX)  # closed and moved to DialingListHistory
    assert dict(contacts(simulator)) == {}
    assert dict(contacts(simulator, history=True)) == {callback.account_number: 1}

    summary = reconcile(client, informix)

    assert statuses([callback]) == {Status.IN_DIALER: 1}
    assert summary.counts == {"found": 1, "returned": 0}
    assert posts(simulator) == 1  # only our own import behind its back


def test_a_contact_absent_everywhere_returns_its_callback_to_the_schedule(
    campaign, simulator, client, informix
):
    callbacks = stuck_exporting(3)

    reconcile(client, informix)

    assert statuses(callbacks) == {Status.SCHEDULED: 3}
    assert posts(simulator) == 0


def test_without_db_cra_a_contact_missing_from_the_rest_lists_stays_undecided(
    campaign, simulator, client, unreachable_informix
):
    callbacks = stuck_exporting(2)

    summary = reconcile(client, unreachable_informix)

    assert statuses(callbacks) == {Status.EXPORTING: 2}
    assert summary.counts == {"found": 0, "undecided": 2}
    assert "cannot connect to db_cra" in summary.errors[0]


def test_a_young_export_is_left_to_its_exporter(campaign, simulator, client, informix):
    callbacks = stuck_exporting(2)

    summary = reconcile(client, informix, moment=STALE - dt.timedelta(seconds=2))

    assert statuses(callbacks) == {Status.EXPORTING: 2}
    assert summary.counts == {}


def unanswered_batch(campaign, callbacks) -> ExportBatch:
    """The POST of these callbacks got no answer (it may or may not have reached UCCX)."""
    return ExportBatch.objects.create(
        campaign=campaign,
        state=BatchState.UNKNOWN,
        contacts=len(callbacks),
        account_numbers=[c.account_number for c in callbacks],
        created_at=CLAIMED,
    )


def test_it_settles_the_batches_it_resolved(campaign, simulator, client, informix):
    callbacks = stuck_exporting(2)
    batch = unanswered_batch(campaign, callbacks)
    client.add_contacts(1, "Callback_Main", [contact(99)])  # UCCX has imported since

    summary = reconcile(client, informix)

    batch.refresh_from_db()
    assert batch.state == BatchState.RECONCILED
    assert statuses(callbacks) == {Status.SCHEDULED: 2}
    assert summary.counts["returned"] == 2


def test_an_unanswered_post_stays_undecided_until_uccx_reports_an_import_since(
    campaign, simulator, client, informix
):
    # Lists and db_cra show nothing, but UCCX has not reported any import since the
    # POST: it may still be importing it. Returning them now could dial them twice.
    callbacks = stuck_exporting(2)
    batch = unanswered_batch(campaign, callbacks)

    summary = reconcile(client, informix)

    assert statuses(callbacks) == {Status.EXPORTING: 2}
    assert summary.counts == {"found": 0, "returned": 0, "undecided": 2, "waiting_for_import": 2}
    assert posts(simulator) == 0
    batch.refresh_from_db()
    assert batch.state == BatchState.UNKNOWN
    # UCCX_IMPORT_TIMEOUT_MINUTES after the POST, still nowhere: taken as not imported.
    reconcile(client, informix, CLAIMED + dt.timedelta(minutes=11))
    assert statuses(callbacks) == {Status.SCHEDULED: 2}


def test_it_asks_each_campaign_about_its_own_contacts(campaign, simulator, client, informix):
    main = stuck_exporting(1)
    premium = stuck_exporting(1, campaign="Callback_Premium")
    # The Premium callback's account number sits in the OTHER campaign's list.
    client.add_contacts(1, "Callback_Main", [contact(0, account_number=premium[0].account_number)])
    import_behind_our_back(client, main)

    reconcile(client, informix)

    assert statuses(main) == {Status.IN_DIALER: 1}
    assert statuses(premium) == {Status.SCHEDULED: 1}


def test_what_the_rest_lists_show_is_placed_even_while_db_cra_is_down(
    campaign, simulator, client, unreachable_informix
):
    received, unknown = stuck_exporting(2)
    import_behind_our_back(client, [received])

    summary = reconcile(client, unreachable_informix)

    assert statuses([received]) == {Status.IN_DIALER: 1}
    assert statuses([unknown]) == {Status.EXPORTING: 1}
    assert summary.counts == {"found": 1, "undecided": 1}
