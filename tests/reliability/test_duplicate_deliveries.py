"""Duplicate deliveries of a task: Celery acknowledges after the task (`acks_late`), so a
message whose worker died is delivered again, and beat may queue a task while its last
run is still going. Every task must then be a no-op the second time (one after the
other) and must not count anything twice when two runs overlap (at once, on PostgreSQL:
threads, each with its own database connection, UCCX client and db_cra connection).

The overlaps are forced, not hoped for: the second run is started at the moment the
first has read and not yet written (a wrapper around one internal step: failure
injection only; both runs do their real work against the simulator over HTTP).
"""

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from callbacks import dialing
from callbacks.dialing import observations
from callbacks.models import Callback, EventKind, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    contacts,
    dial_round,
    due_callbacks,
    event_counts,
    needs_sqlite_odbc,
    posts,
    sqlite_dsn,
    statuses,
)
from uccx_integration import services, tasks
from uccx_integration.client import ContactRow
from uccx_integration.informix import InformixClient
from uccx_integration.mapping import CallResult

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two runs at once need a second database connection to the test database: "
    "runs in make test's PostgreSQL pass",
)

EXPORTED = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
DIALED = MONDAY_10 + dt.timedelta(minutes=1)
POLLED = MONDAY_10 + dt.timedelta(minutes=2)
PURGE = MONDAY_10 + dt.timedelta(minutes=20)


def in_dialer(client, count: int) -> list[Callback]:
    callbacks = due_callbacks(count)
    with at(EXPORTED):
        services.export_due_callbacks(client=client)
    assert statuses(callbacks) == {Status.IN_DIALER: count}
    return callbacks


def attempts_of(callbacks: list[Callback]) -> dict[int, tuple[int, int]]:
    """pk -> (attempts, dialer_attempts), read fresh."""
    rows = Callback.objects.filter(pk__in=[c.pk for c in callbacks])
    return {pk: (a, d) for pk, a, d in rows.values_list("pk", "attempts", "dialer_attempts")}


def db_cra(simulator) -> InformixClient:
    """A db_cra connection of its own (pyodbc connections are not shared across threads)."""
    return InformixClient(sqlite_dsn(simulator.store.path), timeout=3)


class Overlap:
    """Runs `second` in another thread while the first run is inside `target`, then lets
    the first run carry on once the second has finished or waits for a row lock the first
    holds (seen in pg_stat_activity; or whatever `blocked` says). Install it with
    monkeypatch in place of `target`."""

    def __init__(
        self,
        original: Callable,
        second: Callable[[], object],
        blocked: Callable[[], bool] | None = None,
    ) -> None:
        self.original, self.second = original, second
        self.blocked = blocked or waiting_for_a_lock
        self.thread: threading.Thread | None = None
        self.failures: list[BaseException] = []
        self.second_blocked = False

    def __call__(self, *args, **kwargs):
        if self.thread is None:
            self.thread = threading.Thread(target=self._run_second)
            self.thread.start()
            self._wait_until_second_done_or_blocked()
        return self.original(*args, **kwargs)

    def _run_second(self) -> None:
        try:
            self.second()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.failures.append(error)
        finally:
            connections.close_all()

    def _wait_until_second_done_or_blocked(self) -> None:
        assert self.thread is not None
        deadline = time.monotonic() + 30
        while self.thread.is_alive():
            if self.blocked():
                self.second_blocked = True
                return
            assert time.monotonic() < deadline, "the second run neither ended nor waited"
            self.thread.join(timeout=0.02)

    def join(self) -> None:
        assert self.thread is not None, "the second run never started"
        self.thread.join(timeout=120)
        assert not self.failures, self.failures


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing its first snapshot of the activity.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


# --- one after the other (a redelivered message) ------------------------------------------
def test_it_exports_nothing_twice_when_the_export_task_is_delivered_again(
    campaign, simulator, uccx_env
):
    callbacks = due_callbacks(3)

    with at(EXPORTED):
        tasks.export_due_callbacks.apply()
        tasks.export_due_callbacks.apply()

    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert posts(simulator) == 1
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}


def test_it_counts_attempts_once_when_the_poll_task_is_delivered_again(
    campaign, simulator, client, uccx_env
):
    callbacks = in_dialer(client, 3)
    with at(DIALED):
        dial_round(simulator, CallResult.BUSY)

    with at(POLLED):
        tasks.poll_dialer_results.apply()
        tasks.poll_dialer_results.apply()

    assert attempts_of(callbacks) == {c.pk: (1, 1) for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}


def test_it_imports_each_callback_once_when_the_purge_task_is_delivered_again(
    campaign, simulator, client, uccx_env
):
    callbacks = in_dialer(client, 3)
    with at(DIALED):
        dial_round(simulator, CallResult.BUSY)

    with at(PURGE):
        tasks.purge_dialing_lists.apply()
        tasks.purge_dialing_lists.apply()
        tasks.poll_dialer_results.apply()

    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert len(contacts(simulator)) == 3
    # The busy attempt counted once; each re-imported contact starts again at 0.
    assert attempts_of(callbacks) == {c.pk: (1, 0) for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}


def test_it_places_each_callback_once_when_the_reconcile_task_is_delivered_again(
    campaign, simulator, client, uccx_env
):
    callbacks = due_callbacks(2)
    with at(EXPORTED):
        dialing.callbacks_claim_due(
            campaign=campaign, window=dialing.DueWindow.at(EXPORTED), limit=2
        )
    later = EXPORTED + services.STALE_AFTER + dt.timedelta(minutes=1)

    with at(later):
        tasks.reconcile_exports.apply()
        tasks.reconcile_exports.apply()
        tasks.export_due_callbacks.apply()

    assert statuses(callbacks) == {Status.IN_DIALER: 2}
    assert event_counts(callbacks, EventKind.EXPORT_RETRY) == {c.pk: 1 for c in callbacks}
    assert_each_imported_once(simulator, callbacks)


# --- two runs at once -------------------------------------------------------------------
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_counts_each_dial_attempt_once_when_two_polls_overlap(
    campaign, simulator, client, monkeypatch
):
    callbacks = in_dialer(client, 3)
    with at(DIALED):
        dial_round(simulator, CallResult.BUSY)

    def second_poll() -> None:
        with db_cra(simulator) as informix:
            services.poll_dialer_results(informix=informix)

    # The second poll starts when the first has read the callbacks and not yet written.
    overlap = Overlap(observations._save_dialing_progress, second_poll)
    monkeypatch.setattr(observations, "_save_dialing_progress", overlap)
    with at(POLLED), db_cra(simulator) as informix:
        services.poll_dialer_results(informix=informix)
        overlap.join()

    assert attempts_of(callbacks) == {c.pk: (1, 1) for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_closes_each_callback_once_when_two_polls_overlap(
    campaign, simulator, client, monkeypatch
):
    callbacks = in_dialer(client, 3)
    with at(DIALED):
        dial_round(simulator, CallResult.FAX)  # closes every contact at once

    def second_poll() -> None:
        with db_cra(simulator) as informix:
            services.poll_dialer_results(informix=informix)

    overlap = Overlap(observations._save_dialing_progress, second_poll)
    monkeypatch.setattr(observations, "_save_dialing_progress", overlap)
    with at(POLLED), db_cra(simulator) as informix:
        services.poll_dialer_results(informix=informix)
        overlap.join()

    assert statuses(callbacks) == {Status.FAILED: 3}
    assert event_counts(callbacks, EventKind.FAILED) == {c.pk: 1 for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}
    assert attempts_of(callbacks) == {c.pk: (1, 1) for c in callbacks}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_places_each_callback_once_when_two_reconciles_overlap(
    campaign, simulator, client, make_client, monkeypatch
):
    callbacks = due_callbacks(4)
    with at(EXPORTED):
        claimed = dialing.callbacks_claim_due(
            campaign=campaign, window=dialing.DueWindow.at(EXPORTED), limit=4
        )
    # UCCX got the first two (the exporter never heard back); the others never arrived.
    rows = [ContactRow(c.account_number, c.dial_number) for c in claimed[:2]]
    client.add_contacts(1, campaign.name, rows)
    later = EXPORTED + services.STALE_AFTER + dt.timedelta(minutes=1)

    def second_reconcile() -> None:
        with db_cra(simulator) as informix:
            services.reconcile_exports(client=make_client(), informix=informix)

    # The second run starts when the first has asked UCCX and not yet moved anything.
    overlap = Overlap(dialing.callbacks_mark_exported, second_reconcile)
    monkeypatch.setattr(dialing, "callbacks_mark_exported", overlap)
    with at(later), db_cra(simulator) as informix:
        services.reconcile_exports(client=client, informix=informix)
        overlap.join()
        services.export_due_callbacks(client=client)

    assert statuses(callbacks) == {Status.IN_DIALER: 4}
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}
    assert event_counts(callbacks, EventKind.EXPORT_RETRY) == {c.pk: 1 for c in callbacks[2:]}
    assert_each_imported_once(simulator, callbacks)
    assert len(contacts(simulator)) == 4


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_imports_each_callback_once_when_two_purges_overlap(
    campaign, simulator, client, make_client, monkeypatch
):
    callbacks = in_dialer(client, 3)
    with at(DIALED):
        dial_round(simulator, CallResult.BUSY)

    summaries: list[services.RunSummary] = []
    refused = threading.Event()
    take_lease = services.acquire_lease

    def acquire_lease(*args, **kwargs) -> bool:
        taken = take_lease(*args, **kwargs)
        if not taken:
            refused.set()
        return taken

    def second_purge() -> None:
        with db_cra(simulator) as informix:
            summaries.append(
                services.purge_dialing_lists(
                    client=make_client(), informix=informix, wait_seconds=30
                )
            )

    # The second purge starts while the first holds the campaign's lease mid-purge: it
    # waits for the lease, then purges again.
    monkeypatch.setattr(services, "acquire_lease", acquire_lease)
    overlap = Overlap(dialing.callbacks_prepare_reimport, second_purge, blocked=refused.is_set)
    monkeypatch.setattr(dialing, "callbacks_prepare_reimport", overlap)
    with at(PURGE), db_cra(simulator) as informix:
        first = services.purge_dialing_lists(client=client, informix=informix)
        overlap.join()
        services.poll_dialer_results(informix=informix)

    assert not first.errors and not summaries[0].errors
    assert summaries[0].counts["reimported"] == 3
    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert len(contacts(simulator)) == 3
    assert attempts_of(callbacks) == {c.pk: (1, 0) for c in callbacks}
    assert event_counts(callbacks, EventKind.DIAL_ATTEMPT) == {c.pk: 1 for c in callbacks}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_late_reconcile_leaves_a_callback_to_the_export_that_claimed_it_again(
    campaign, simulator, client, make_client, monkeypatch
):
    """Two reconciles overlap (a slow UCCX makes one outlast its period). The quicker one
    returns a lost export to the schedule and the next export claims it again; the slower
    one, deciding on what it saw before, must not pull it back from under that export."""
    callbacks = due_callbacks(2)
    with at(EXPORTED):  # claimed by an exporter that died before posting
        dialing.callbacks_claim_due(
            campaign=campaign, window=dialing.DueWindow.at(EXPORTED), limit=2
        )
    later = EXPORTED + services.STALE_AFTER + dt.timedelta(minutes=1)
    claimed_again, first_done = threading.Event(), threading.Event()

    def quicker_reconcile_then_export() -> None:
        with db_cra(simulator) as informix:
            services.reconcile_exports(client=make_client(), informix=informix)
        exporter = make_client()
        add_contacts = exporter.add_contacts

        def post_once_the_slower_reconcile_decided(*args, **kwargs):
            claimed_again.set()
            assert first_done.wait(timeout=30)
            return add_contacts(*args, **kwargs)

        exporter.add_contacts = post_once_the_slower_reconcile_decided
        services.export_due_callbacks(client=exporter)

    overlap = Overlap(
        dialing.callbacks_return_to_schedule,
        quicker_reconcile_then_export,
        blocked=claimed_again.is_set,
    )

    slower = threading.current_thread()

    def return_to_schedule(*args, **kwargs):
        try:
            return overlap(*args, **kwargs)
        finally:
            if threading.current_thread() is slower:
                first_done.set()

    monkeypatch.setattr(dialing, "callbacks_return_to_schedule", return_to_schedule)
    with at(later), db_cra(simulator) as informix:
        services.reconcile_exports(client=client, informix=informix)
        overlap.join()

    assert statuses(callbacks) == {Status.IN_DIALER: 2}
    assert_each_imported_once(simulator, callbacks)
    assert posts(simulator) == 1
    assert event_counts(callbacks, EventKind.EXPORT_RETRY) == {c.pk: 1 for c in callbacks}
