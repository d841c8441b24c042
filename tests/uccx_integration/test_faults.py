"""Faults in the middle of the work: UCCX failing or hanging mid-export, a worker killed
between UCCX's answer and the commit, db_cra down, a purge interrupted after the delete.

Every test counts both sides and asserts the two promises of docs/architecture.md §8: ZERO
callbacks lost (each in one sensible state, and in the dialer once recovery has run)
and ZERO contacts duplicated (each account number at most once per dialing list).
"""

import datetime as dt
import time

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from callbacks.models import Callback, EventKind, Status
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    FaultOnImport,
    assert_each_imported_once,
    at,
    contacts,
    dial_one,
    due_callbacks,
    event_counts,
    needs_sqlite_odbc,
    posts,
    run_worker_that_dies,
    sqlite_dsn,
    statuses,
)
from uccx_integration import services, tasks
from uccx_integration.informix import InformixError
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.models import IntegrationStatus

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
MINUTE = dt.timedelta(minutes=1)
AFTER_STALE = services.STALE_AFTER + MINUTE
# Where an interrupted export may leave a callback until recovery has run.
IN_FLIGHT = {Status.SCHEDULED, Status.EXPORTING, Status.IN_DIALER}


def export(client, moment):
    with at(moment):
        return services.export_due_callbacks(client=client)


def reconcile(client, informix, moment):
    with at(moment):
        return services.reconcile_exports(client=client, informix=informix)


def batches_of_two(campaign, count: int) -> list[Callback]:
    campaign.batch_size = 2
    campaign.save()
    return due_callbacks(count)


def assert_none_lost_none_twice(simulator, callbacks) -> None:
    """Each callback in one sensible state; no account number twice in the dialing list;
    every callback UCCX has is one the database knows to be there or maybe there."""
    assert set(statuses(callbacks)) <= IN_FLIGHT
    assert sum(statuses(callbacks).values()) == len(callbacks)
    found = contacts(simulator)
    assert all(n == 1 for n in found.values()), found
    in_dialer = Callback.objects.filter(pk__in=[c.pk for c in callbacks], status=Status.IN_DIALER)
    assert set(in_dialer.values_list("account_number", flat=True)) <= set(found)


def assert_all_in_the_dialer_once(simulator, callbacks) -> None:
    assert statuses(callbacks) == {Status.IN_DIALER: len(callbacks)}
    assert_each_imported_once(simulator, callbacks)
    assert len(contacts(simulator)) == len(callbacks)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


# --- UCCX failing in the middle of an export ---------------------------------------------------
def test_a_server_error_on_the_second_of_three_batches(campaign, simulator, client, informix):
    callbacks = batches_of_two(campaign, 6)
    FaultOnImport(simulator, client, 2, http_500=1)

    summary = export(client, BEFORE)

    assert "HTTP 500" in summary.errors[0]
    assert [statuses(callbacks[i : i + 2]) for i in (0, 2, 4)] == [
        {Status.IN_DIALER: 2},
        {Status.EXPORTING: 2},  # unknown: nobody re-sends them blindly
        {Status.SCHEDULED: 2},  # left for the next run
    ]
    assert_none_lost_none_twice(simulator, callbacks)

    export(client, BEFORE + MINUTE)
    assert_none_lost_none_twice(simulator, callbacks)
    reconcile(client, informix, BEFORE + AFTER_STALE)
    export(client, BEFORE + AFTER_STALE + MINUTE)

    assert_all_in_the_dialer_once(simulator, callbacks)


@pytest.mark.parametrize(
    ("switches", "imported", "error"),
    [
        ({"delay_seconds": 0.6}, True, "timed out"),
        ({"timeout": True}, False, "timed out"),
        ({"accept_then_drop": 1}, True, "Connection aborted"),
    ],
    ids=["answered-too-late", "never-answered", "accepted-then-dropped"],
)
def test_no_answer_to_the_second_of_three_batches(
    campaign, simulator, make_client, informix, switches, imported, error
):
    client = make_client(read_timeout=0.2)
    callbacks = batches_of_two(campaign, 6)
    FaultOnImport(simulator, client, 2, **switches)

    summary = export(client, BEFORE)

    assert error in summary.errors[0]
    assert statuses(callbacks[2:4]) == {Status.EXPORTING: 2}
    if imported:  # UCCX carries on after the client gave up
        wait_until(lambda: len(contacts(simulator)) == 4)
    assert_none_lost_none_twice(simulator, callbacks)

    export(client, BEFORE + MINUTE)
    reconcile(client, informix, BEFORE + AFTER_STALE)
    export(client, BEFORE + AFTER_STALE + MINUTE)

    assert_all_in_the_dialer_once(simulator, callbacks)
    assert posts(simulator) == (3 if imported else 4)  # the lost batch re-sent only if lost


# --- a worker killed between UCCX's answer and the commit --------------------------------------
KILLED_EXPORTER = """
import datetime as dt, os, sys
from unittest import mock

import django

django.setup()
import time_machine

from callbacks import dialing
from uccx_integration import services
from uccx_integration.client import UccxClient

moment, url, username, password = sys.argv[1:5]


def killed(*args, **kwargs):
    os._exit(9)  # the worker dies: no rollback, no finally, no lease released


client = UccxClient(url, username=username, password=password, max_retries=0)
with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
    with mock.patch.object(dialing, "callbacks_mark_exported", killed):
        services.export_due_callbacks(client=client)
sys.exit(0)
"""


class WorkerKilled(BaseException):
    """Stands for SIGKILL where no second process can reach the test database."""


def export_in_a_worker_that_dies(simulator, client, moment) -> None:
    """PostgreSQL: a REAL second process exports against the test database and calls
    os._exit(9) right after UCCX accepted the first batch. SQLite (an in-memory test
    database no other process can open): the same point raises a BaseException in this
    process, which nothing in the exporter catches."""
    if connection.vendor == "postgresql":
        run_worker_that_dies(
            KILLED_EXPORTER, [moment.isoformat(), simulator.url, USERNAME, PASSWORD]
        )
        return

    def killed(*args, **kwargs):
        raise WorkerKilled

    with at(moment), pytest.MonkeyPatch.context() as patch:
        patch.setattr("callbacks.dialing.callbacks_mark_exported", killed)
        with pytest.raises(WorkerKilled):
            services.export_due_callbacks(client=client)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_uccx_accepted_a_batch(campaign, simulator, client, informix):
    """On PostgreSQL the exporter runs in a real second process killed with os._exit(9)
    right after UCCX accepted its first batch. On SQLite the test database is in memory,
    so no second process can reach it: a BaseException raised at the same point in this
    process stands for the kill (the lease is then released, as a real kill would not)."""
    callbacks = batches_of_two(campaign, 4)

    export_in_a_worker_that_dies(simulator, client, BEFORE)

    assert statuses(callbacks[:2]) == {Status.EXPORTING: 2}  # UCCX has them; we never heard
    assert statuses(callbacks[2:]) == {Status.SCHEDULED: 2}
    assert set(contacts(simulator)) == {c.account_number for c in callbacks[:2]}
    assert_none_lost_none_twice(simulator, callbacks)

    # A killed worker's lease blocks the campaign until it runs out.
    later = BEFORE + services.LEASE_TTL + MINUTE
    reconcile(client, informix, later)
    export(client, later)

    assert_all_in_the_dialer_once(simulator, callbacks)
    assert posts(simulator) == 2
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}


# --- db_cra down -------------------------------------------------------------------------------
@pytest.fixture
def db_cra_down(uccx_env, tmp_path):
    uccx_env.setenv("INFORMIX_DSN", sqlite_dsn(str(tmp_path / "down" / "db_cra")))
    uccx_env.setenv("INFORMIX_TIMEOUT", "1")


def test_db_cra_down_during_poll_and_purge_changes_nothing(
    campaign, simulator, client, db_cra_down
):
    callbacks = due_callbacks(2)
    export(client, BEFORE)
    with at(MONDAY_10 + MINUTE):
        dial_one(simulator, callbacks[0].account_number, CallResult.FAX, CallStatus.CLOSED)
    before = list(Callback.objects.filter(pk__in=[c.pk for c in callbacks]).values())
    rows_before = simulator.store.list_contacts(1, tuple(CallStatus))

    with at(MONDAY_10 + 2 * MINUTE):
        with pytest.raises(InformixError):
            tasks.poll_dialer_results()
        tasks.purge_dialing_lists()

    assert list(Callback.objects.filter(pk__in=[c.pk for c in callbacks]).values()) == before
    assert simulator.store.list_contacts(1, tuple(CallStatus)) == rows_before
    assert simulator.request_count("DELETE", "/adminapi/campaign/1/contacts") == 0
    failed = IntegrationStatus.objects.filter(consecutive_failures=1, last_error__contains="db_cra")
    assert set(failed.values_list("task", flat=True)) == {
        "poll_dialer_results",
        "purge_dialing_lists",
    }


# --- purge ------------------------------------------------------------------------------------
PURGE = MONDAY_10 + dt.timedelta(minutes=20)


def purge(client, informix, moment=PURGE):
    with at(moment):
        return services.purge_dialing_lists(client=client, informix=informix)


def test_a_purge_while_contacts_wait_to_be_dialed_imports_each_again_once(
    campaign, simulator, client, informix
):
    callbacks = batches_of_two(campaign, 5)
    export(client, BEFORE)
    with at(MONDAY_10 + MINUTE):
        for callback in callbacks[::2]:
            dial_one(simulator, callback.account_number, CallResult.BUSY, CallStatus.RETRY)

    summary = purge(client, informix)

    assert summary.counts["reimported"] == 5 and not summary.errors
    assert_all_in_the_dialer_once(simulator, callbacks)
    assert event_counts(callbacks) == {c.pk: 2 for c in callbacks}  # export + re-import
    assert event_counts(callbacks, EventKind.PURGED) == {c.pk: 1 for c in callbacks}


@pytest.mark.parametrize("failing_post", [1, 2])
def test_a_failure_right_after_the_delete(campaign, simulator, client, informix, failing_post):
    callbacks = batches_of_two(campaign, 4)
    export(client, BEFORE)
    FaultOnImport(simulator, client, failing_post, http_500=1)

    summary = purge(client, informix)

    assert "re-import failed" in summary.errors[0]
    reimported = 2 * (failing_post - 1)
    assert statuses(callbacks) == {
        Status.EXPORTING: 4 - reimported,
        **({Status.IN_DIALER: reimported} if reimported else {}),
    }
    assert len(contacts(simulator)) == reimported
    assert_none_lost_none_twice(simulator, callbacks)

    # The batch answered 500 may have been imported (UCCX said nothing of it) and UCCX
    # reports no import since: undecided. The batch never sent goes back at once.
    reconcile(client, informix, PURGE + AFTER_STALE)
    assert statuses(callbacks) == {
        Status.EXPORTING: 2,
        **({Status.SCHEDULED: 2} if failing_post == 1 else {Status.IN_DIALER: 2}),
    }
    assert posts(simulator) == (1 if failing_post == 1 else 2) + 2  # the export's, the purge's
    # Past the import timeout, absent from the lists and from db_cra: not imported.
    late = PURGE + dt.timedelta(minutes=settings.UCCX_IMPORT_TIMEOUT_MINUTES + 1)
    reconcile(client, informix, late)
    assert statuses(callbacks) == {
        Status.SCHEDULED: 4 - reimported,
        **({Status.IN_DIALER: reimported} if reimported else {}),
    }
    export(client, late + MINUTE)

    assert_all_in_the_dialer_once(simulator, callbacks)


# --- an export that outlives its lease ---------------------------------------------------------
class PurgeDuringSecondImport:
    """Wraps the exporter's add_contacts: UCCX takes so long over the first batch that
    the lease's time runs out before the second (a slow UCCX, a big backlog), and while
    UCCX takes the second the nightly purge starts. Failure injection: time and the
    purge are put between real requests."""

    def __init__(self, client, traveller, purge_client, informix) -> None:
        self.add_contacts, self.calls, self.traveller = client.add_contacts, 0, traveller
        self.purge_client, self.informix = purge_client, informix
        self.purge_summary = None
        client.add_contacts = self

    def __call__(self, *args, **kwargs):
        self.calls += 1
        result = self.add_contacts(*args, **kwargs)
        if self.calls == 1:
            self.traveller.shift(services.LEASE_TTL + MINUTE)
        elif self.calls == 2:
            self.purge_summary = services.purge_dialing_lists(
                client=self.purge_client, informix=self.informix, wait_seconds=0
            )
        return result


def test_an_export_that_outlives_its_lease_loses_nothing_to_a_purge(
    campaign, simulator, client, make_client, informix
):
    callbacks = batches_of_two(campaign, 4)

    with time_machine.travel(BEFORE, tick=False) as traveller:
        racing = PurgeDuringSecondImport(client, traveller, make_client(), informix)
        services.export_due_callbacks(client=client)

    assert_none_lost_none_twice(simulator, callbacks)
    assert_all_in_the_dialer_once(simulator, callbacks)
    assert "an export held the dialing list" in racing.purge_summary.errors[0]
