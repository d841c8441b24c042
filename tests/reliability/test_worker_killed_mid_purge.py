"""A worker killed in the middle of the nightly purge: the callbacks still waiting in the
dialing list were moved to `exporting` and then the worker died, before or after UCCX
emptied the list. Reconcile places them (still in UCCX: back in the dialer without a
new import; gone: back to the schedule), the export imports the missing ones again:
each contact once, each dial attempt counted once.

As in tests/uccx_integration/test_faults.py: on PostgreSQL a REAL second process purges
against the test database and dies with os._exit(9) at the chosen point (no rollback,
no finally, its lease left behind); on SQLite (an in-memory test database no other
process can open) a BaseException raised at the same point stands for the kill.
"""

import datetime as dt

import pytest
from django.db import connection

from callbacks.models import Callback, EventKind, Status
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    contacts,
    dial_round,
    due_callbacks,
    event_counts,
    needs_sqlite_odbc,
    run_worker_that_dies,
    sqlite_dsn,
    statuses,
)
from uccx_integration import services
from uccx_integration.mapping import CallResult

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

EXPORTED = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
DIALED = MONDAY_10 + dt.timedelta(minutes=1)
PURGE = MONDAY_10 + dt.timedelta(minutes=20)
MINUTE = dt.timedelta(minutes=1)

KILLED_PURGER = """
import datetime as dt, os, sys

import django

django.setup()
import time_machine

from uccx_integration import services
from uccx_integration.client import UccxClient
from uccx_integration.informix import InformixClient

moment, url, username, password, dsn, point = sys.argv[1:7]
client = UccxClient(url, username=username, password=password, max_retries=0)
delete_all_contacts = client.delete_all_contacts


def delete_then_die(campaign_id):
    delete_all_contacts(campaign_id)
    os._exit(9)


def die(campaign_id):
    os._exit(9)  # the worker dies: no rollback, no finally, no lease released


client.delete_all_contacts = delete_then_die if point == "after_delete" else die
with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
    with InformixClient(dsn, timeout=3) as informix:
        services.purge_dialing_lists(client=client, informix=informix)
sys.exit(0)
"""


class WorkerKilled(BaseException):
    """Stands for SIGKILL where no second process can reach the test database."""


def purge_in_a_worker_that_dies(simulator, client, informix, point: str) -> None:
    if connection.vendor == "postgresql":
        args = [PURGE.isoformat(), simulator.url, USERNAME, PASSWORD]
        run_worker_that_dies(KILLED_PURGER, [*args, sqlite_dsn(simulator.store.path), point])
        return

    delete_all_contacts = client.delete_all_contacts

    def killed(campaign_id):
        if point == "after_delete":
            delete_all_contacts(campaign_id)
        raise WorkerKilled

    client.delete_all_contacts = killed
    try:
        with at(PURGE), pytest.raises(WorkerKilled):
            services.purge_dialing_lists(client=client, informix=informix)
    finally:
        client.delete_all_contacts = delete_all_contacts


def waiting_in_the_dialer(client, simulator, informix) -> list[Callback]:
    """Three callbacks exported, dialed once (busy) and that attempt polled."""
    callbacks = due_callbacks(3)
    with at(EXPORTED):
        services.export_due_callbacks(client=client)
    with at(DIALED):
        dial_round(simulator, CallResult.BUSY)
    with at(DIALED + MINUTE):
        services.poll_dialer_results(informix=informix)
    return callbacks


def attempts_of(callbacks: list[Callback]) -> dict[int, int]:
    rows = Callback.objects.filter(pk__in=[c.pk for c in callbacks])
    return dict(rows.values_list("pk", "attempts"))


@pytest.mark.django_db(transaction=True)
def test_it_puts_callbacks_back_in_the_dialer_without_a_new_import_when_killed_before_the_delete(
    campaign, simulator, client, informix
):
    callbacks = waiting_in_the_dialer(client, simulator, informix)
    posts_before = simulator.request_count("POST", "/adminapi/campaign/1/contacts")

    purge_in_a_worker_that_dies(simulator, client, informix, "before_delete")

    assert statuses(callbacks) == {Status.EXPORTING: 3}  # the purge had claimed them
    assert_each_imported_once(simulator, callbacks)  # UCCX still has every contact
    # Reconcile needs no lease; the killed worker's lease blocks exports until it runs out.
    with at(PURGE + services.STALE_AFTER + MINUTE):
        summary = services.reconcile_exports(client=client, informix=informix)
    with at(PURGE + services.LEASE_TTL + MINUTE):
        services.export_due_callbacks(client=client)
        services.poll_dialer_results(informix=informix)

    assert summary.counts["found"] == 3
    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert simulator.request_count("POST", "/adminapi/campaign/1/contacts") == posts_before
    assert attempts_of(callbacks) == {c.pk: 1 for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}


@pytest.mark.django_db(transaction=True)
def test_it_imports_each_callback_again_once_when_killed_after_the_delete(
    campaign, simulator, client, informix
):
    callbacks = waiting_in_the_dialer(client, simulator, informix)

    purge_in_a_worker_that_dies(simulator, client, informix, "after_delete")

    assert statuses(callbacks) == {Status.EXPORTING: 3}
    assert not contacts(simulator)  # UCCX emptied the list; nothing was imported again
    with at(PURGE + services.STALE_AFTER + MINUTE):
        summary = services.reconcile_exports(client=client, informix=informix)
    assert summary.counts["returned"] == 3
    assert statuses(callbacks) == {Status.SCHEDULED: 3}
    with at(PURGE + services.LEASE_TTL + MINUTE):
        services.export_due_callbacks(client=client)
        services.poll_dialer_results(informix=informix)

    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert len(contacts(simulator)) == 3
    # The busy attempt before the purge counted once; the new contact starts at 0.
    assert attempts_of(callbacks) == {c.pk: 1 for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}
