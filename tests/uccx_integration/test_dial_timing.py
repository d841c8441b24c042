"""The first ring at the promise, never before it (issue 17 point 9, docs/uccx.md §2a).

With a clock that stands still, the simulator dials at the moment of its dial round, so
its recorded dial time (read back by the poll as the callback's first_dialed_at) can be
held against the promise exactly; how long the real import-to-dial delay is, is
measured in bench/dial_delay.py, never asserted here.

Before: the export sent everything due within the next minute (GlobalRules'
export_lead_minutes), so a run at 09:59:01 sent a 10:00 callback and UCCX rang at 09:59.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from callbacks.models import Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    at,
    dial_round,
    due_callbacks,
    needs_sqlite_odbc,
    statuses,
)
from uccx_integration import services, tasks
from uccx_integration.mapping import CallResult

pytestmark = [pytest.mark.usefixtures("frozen_now")]


@pytest.fixture(autouse=True)
def no_aimed_runs_remembered():
    cache.clear()  # aim_next_export remembers the moments it aimed at
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch) -> list[dt.datetime]:
    """The export runs aim_next_export queued (their eta), instead of the broker."""
    etas: list[dt.datetime] = []
    monkeypatch.setattr(tasks.export_due_callbacks, "apply_async", lambda eta: etas.append(eta))
    return etas


def export(client, moment):
    with at(moment):
        return services.export_due_callbacks(client=client)


def test_a_run_a_minute_before_the_promise_sends_nothing_yet(campaign, simulator, client):
    callbacks = due_callbacks(2)  # promised for Monday 10:00 Warsaw (09:00 UTC)

    export(client, MONDAY_10 - dt.timedelta(seconds=59))
    export(client, MONDAY_10 - dt.timedelta(seconds=1))
    early = statuses(callbacks)
    export(client, MONDAY_10)

    assert early == {Status.SCHEDULED: 2}
    assert statuses(callbacks) == {Status.IN_DIALER: 2}


@needs_sqlite_odbc
def test_the_first_ring_is_at_the_promise_never_before(
    campaign, simulator, client, informix, queued
):
    (callback,) = due_callbacks(1)
    periodic_run = MONDAY_10 - dt.timedelta(seconds=50)  # the minute's run, before it is due

    export(client, periodic_run)
    aimed = tasks.aim_next_export(periodic_run)  # what the task does after each run
    assert statuses([callback]) == {Status.SCHEDULED: 1}
    export(client, aimed)  # the run aimed at the promise
    with at(aimed):
        assert dial_round(simulator, CallResult.VOICE) == 1  # the simulator's next round
    with at(MONDAY_10 + dt.timedelta(minutes=2)):
        services.poll_dialer_results(informix=informix)

    callback.refresh_from_db()
    assert aimed == MONDAY_10 == callback.scheduled_at
    assert callback.first_dialed_at is not None
    assert callback.first_dialed_at >= callback.scheduled_at  # never early
    assert callback.first_dialed_at - callback.scheduled_at < dt.timedelta(seconds=1)


def test_the_lead_setting_sends_it_that_much_before_its_time(campaign, simulator, client, settings):
    settings.EXPORT_LEAD_SECONDS = 5  # a UCCX measured to ring 5 s after its import
    callbacks = due_callbacks(1)

    export(client, MONDAY_10 - dt.timedelta(seconds=6))
    early = statuses(callbacks)
    export(client, MONDAY_10 - dt.timedelta(seconds=5))

    assert early == {Status.SCHEDULED: 1}
    assert statuses(callbacks) == {Status.IN_DIALER: 1}


def test_a_run_aims_one_more_run_at_the_next_promise_once(campaign, queued, settings):
    due_callbacks(3)  # all at 10:00
    due_callbacks(1, at=MONDAY_10 + dt.timedelta(minutes=30))

    first = tasks.aim_next_export(MONDAY_10 - dt.timedelta(seconds=50))
    again = tasks.aim_next_export(MONDAY_10 - dt.timedelta(seconds=20))  # another run
    settings.EXPORT_LEAD_SECONDS = 5
    with_lead = tasks.aim_next_export(MONDAY_10 - dt.timedelta(seconds=50))

    assert (first, again) == (MONDAY_10, None)
    assert with_lead == MONDAY_10 - dt.timedelta(seconds=5)
    assert queued == [MONDAY_10, MONDAY_10 - dt.timedelta(seconds=5)]


def test_a_promise_beyond_the_horizon_is_left_to_the_periodic_run(campaign, queued):
    due_callbacks(1, at=MONDAY_10 + tasks.AIM_AHEAD + dt.timedelta(seconds=1))

    assert tasks.aim_next_export(MONDAY_10) is None
    assert tasks.aim_next_export(MONDAY_10 + dt.timedelta(seconds=1)) == (
        MONDAY_10 + tasks.AIM_AHEAD + dt.timedelta(seconds=1)
    )
    assert len(queued) == 1


def test_a_broker_that_refuses_the_aimed_run_changes_nothing(campaign, monkeypatch):
    (callback,) = due_callbacks(1)

    def refuse(eta):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.export_due_callbacks, "apply_async", refuse)

    assert tasks.aim_next_export(MONDAY_10 - dt.timedelta(seconds=50)) is None
    assert statuses([callback]) == {Status.SCHEDULED: 1}  # left to the periodic run
    monkeypatch.setattr(tasks.export_due_callbacks, "apply_async", lambda eta: None)
    assert tasks.aim_next_export(MONDAY_10 - dt.timedelta(seconds=40)) == MONDAY_10  # retried
