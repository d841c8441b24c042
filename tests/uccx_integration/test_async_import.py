"""UCCX imports asynchronously: the add-contacts POST answers 202 with a Location before
the import ran. Callbacks stay `exporting` until UCCX's import status reports the run;
what UCCX did not take returns to the schedule (with the reason in the timeline and the
task's health), and nothing is ever posted twice. Against the Cisco-shaped simulator,
told to import slowly, partially, or to fail after answering 202."""

import datetime as dt

import pytest
from django.test import override_settings

from callbacks.models import EventKind, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    FaultOnImport,
    at,
    contacts,
    due_callbacks,
    events,
    needs_sqlite_odbc,
    posts,
    statuses,
)
from uccx_integration import services
from uccx_integration.models import BatchState, ExportBatch, ImportState

pytestmark = pytest.mark.usefixtures("frozen_now")

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
MINUTE = dt.timedelta(minutes=1)


def export(client, informix=None, moment=BEFORE, sleeps=None):
    with at(moment):
        return services.export_due_callbacks(
            client=client, informix=informix, sleep=(sleeps or []).append
        )


def reconcile(client, informix, moment):
    with at(moment):
        return services.reconcile_exports(client=client, informix=informix)


def test_an_import_uccx_reports_puts_every_callback_in_the_dialer(campaign, simulator, client):
    due = due_callbacks(3)

    summary = export(client)

    assert statuses(due) == {Status.IN_DIALER: 3}
    batch = ExportBatch.objects.get()
    assert (batch.state, batch.import_state, batch.imported) == (
        BatchState.ACCEPTED,
        ImportState.SUCCEEDED,
        3,
    )
    assert batch.location.endswith("/adminapi/campaign/1/contacts/status")
    assert batch.import_started_at is not None
    assert summary.counts["exported"] == 3 and not summary.errors


@override_settings(UCCX_IMPORT_WAIT_SECONDS=0)
def test_a_slow_import_waits_for_the_next_run_and_is_never_posted_again(
    campaign, simulator, client
):
    due = due_callbacks(2)
    simulator.set_faults(import_delay_seconds=0.3)

    first = export(client)

    assert statuses(due) == {Status.EXPORTING: 2}  # UCCX took the request, not yet the import
    assert first.counts["imports_pending"] == 1 and not first.errors
    assert ExportBatch.objects.get().import_state == ImportState.PENDING
    simulator.wait(0.6)  # the import runs

    second = export(client, moment=BEFORE + MINUTE)

    assert statuses(due) == {Status.IN_DIALER: 2}
    assert posts(simulator) == 1
    assert contacts(simulator) == {c.account_number: 1 for c in due}
    assert second.counts["exported"] == 2
    assert ExportBatch.objects.get().import_state == ImportState.SUCCEEDED


@needs_sqlite_odbc
def test_a_partial_import_returns_what_uccx_did_not_take_with_the_reason(
    campaign, simulator, client, informix
):
    due = due_callbacks(3)
    simulator.set_faults(import_drop_last=1)

    summary = export(client, informix)

    taken, dropped = due[:2], due[2]
    assert statuses(taken) == {Status.IN_DIALER: 2}
    assert statuses([dropped]) == {Status.SCHEDULED: 1}
    retry = events(dropped, EventKind.EXPORT_RETRY)[-1]
    assert "2 of 3 contacts imported" in retry.details["reason"]
    assert any("2 of 3 contacts imported" in error for error in summary.errors)  # health box
    batch = ExportBatch.objects.get()
    assert (batch.import_state, batch.imported) == (ImportState.PARTIAL, 2)

    export(client, informix, moment=BEFORE + MINUTE)  # the dropped one, once more

    assert statuses(due) == {Status.IN_DIALER: 3}
    assert contacts(simulator) == {c.account_number: 1 for c in due}


@needs_sqlite_odbc
def test_an_import_that_fails_after_its_202_returns_every_callback(
    campaign, simulator, client, informix
):
    due = due_callbacks(2)
    simulator.set_faults(import_fail=1)

    summary = export(client, informix)

    assert statuses(due) == {Status.SCHEDULED: 2}
    assert "UCCX import FAILURE (obss.schedule.import.failure)" in summary.errors[0]
    assert ExportBatch.objects.get().import_state == ImportState.FAILED
    assert not contacts(simulator)


def test_a_failed_import_without_db_cra_stays_undecided_and_is_not_posted_again(
    campaign, simulator, client
):
    # Without db_cra nobody can tell a contact UCCX closed from one it never took.
    due = due_callbacks(2)
    simulator.set_faults(import_fail=1)

    summary = export(client, informix=None)

    assert statuses(due) == {Status.EXPORTING: 2}
    assert any("db_cra is not configured" in error for error in summary.errors)
    export(client, moment=BEFORE + MINUTE)
    assert posts(simulator) == 1


# --- reconcile against the Cisco-shaped simulator (issue: cannot dial twice) -------------
def stuck_export(client, simulator, count=1):
    """An export whose POST UCCX took but whose answer was lost (accept-then-drop)."""
    due = due_callbacks(count)
    FaultOnImport(simulator, client, 1, accept_then_drop=1)
    export(client)
    assert statuses(due) == {Status.EXPORTING: count}
    assert ExportBatch.objects.get().state == BatchState.UNKNOWN
    return due


def test_without_informix_a_stuck_export_uccx_has_goes_to_the_dialer_with_no_second_post(
    campaign, simulator, client
):
    due = stuck_export(client, simulator, 2)

    summary = reconcile(client, None, BEFORE + services.STALE_AFTER + MINUTE)

    assert statuses(due) == {Status.IN_DIALER: 2}
    assert summary.counts["found"] == 2
    export(client, moment=BEFORE + 5 * MINUTE)
    assert posts(simulator) == 1
    assert contacts(simulator) == {c.account_number: 1 for c in due}


@needs_sqlite_odbc
def test_a_contact_uccx_lacks_while_db_cra_is_down_stays_undecided_with_no_post(
    campaign, simulator, client, unreachable_informix
):
    due = stuck_export(client, simulator)
    simulator.store.delete_all_contacts(1)  # UCCX does not have it (or closed it)

    summary = reconcile(client, unreachable_informix, BEFORE + 20 * MINUTE)

    assert statuses(due) == {Status.EXPORTING: 1}
    assert summary.counts["undecided"] == 1
    export(client, moment=BEFORE + 21 * MINUTE)
    assert posts(simulator) == 1


def test_without_informix_a_contact_uccx_lacks_stays_undecided_and_turns_reconcile_red(
    campaign, simulator, client
):
    due = stuck_export(client, simulator)
    simulator.store.delete_all_contacts(1)

    with override_settings(UCCX_UNDECIDED_ALERT_MINUTES=15):
        early = reconcile(client, None, BEFORE + 10 * MINUTE)
        late = reconcile(client, None, BEFORE + 16 * MINUTE)

    assert statuses(due) == {Status.EXPORTING: 1}
    assert not any("undecided for more than" in error for error in early.errors)
    [alert] = [error for error in late.errors if "undecided for more than 15 min" in error]
    assert due[0].account_number in alert
    assert posts(simulator) == 1
