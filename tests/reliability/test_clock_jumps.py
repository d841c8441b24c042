"""The clock jumps (an NTP correction after a VM was paused, an operator setting the time):
every task compares stored UTC times with "now", so a jump forward makes due what became
due and expires what is now too late, by the rules, without exporting anything twice;
a jump back exports nothing again and leaves callbacks in the dialer where they are.

The tasks run as the worker calls them (clients from the environment: the simulator and
its file as db_cra), the clock moved with time-machine between runs.
"""

import datetime as dt
from collections import Counter

import pytest

from callbacks import dialing
from callbacks.models import Callback, EventKind, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    contacts,
    due_callbacks,
    event_counts,
    needs_sqlite_odbc,
    posts,
    statuses,
)
from uccx_integration import services, tasks

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

# Warsaw wall times on Monday 23 November 2026 (UTC+1); Sales is open 08:00-20:00.
NINE = MONDAY_10 - dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def run_every_task() -> None:
    """What beat would start after the jump: each task once, in the worker's way."""
    tasks.export_due_callbacks()
    tasks.expire_overdue()
    tasks.reconcile_exports()
    tasks.poll_dialer_results()


def by_status(**callbacks: Callback) -> dict[str, str]:
    fresh = {
        c.pk: c.status for c in Callback.objects.filter(pk__in=[c.pk for c in callbacks.values()])
    }
    return {name: fresh[c.pk] for name, c in callbacks.items()}


def test_it_exports_what_became_due_and_expires_what_is_too_late_after_a_jump_forward(
    campaign, simulator, uccx_env
):
    (dialed,) = due_callbacks(1, at=NINE)
    (late,) = due_callbacks(1, at=NINE + 5 * MINUTE)
    (due,) = due_callbacks(1, at=MONDAY_10)
    (later,) = due_callbacks(1, at=MONDAY_10 + 2 * HOUR)
    with at(NINE):
        run_every_task()  # exports `dialed`; the others are not due yet
    assert by_status(dialed=dialed, late=late) == {
        "dialed": Status.IN_DIALER,
        "late": Status.SCHEDULED,
    }

    # 70 minutes forward: `late` is 65 minutes overdue (expiry 60), `due` 10 minutes.
    with at(MONDAY_10 + 10 * MINUTE):
        run_every_task()
        run_every_task()

    assert by_status(dialed=dialed, late=late, due=due, later=later) == {
        "dialed": Status.IN_DIALER,  # left to be dialed; only a purge expires it
        "late": Status.EXPIRED,
        "due": Status.IN_DIALER,
        "later": Status.SCHEDULED,
    }
    assert contacts(simulator) == Counter({dialed.account_number: 1, due.account_number: 1})
    assert posts(simulator) == 2
    assert event_counts([dialed, due]) == {dialed.pk: 1, due.pk: 1}
    assert event_counts([late], EventKind.EXPIRED) == {late.pk: 1}


def test_it_exports_nothing_again_after_a_jump_back(campaign, simulator, uccx_env):
    callbacks = due_callbacks(3, at=MONDAY_10)
    with at(MONDAY_10):
        run_every_task()
    assert statuses(callbacks) == {Status.IN_DIALER: 3}

    with at(MONDAY_10 - HOUR):  # an hour back: before they were even due
        run_every_task()
    with at(MONDAY_10 + MINUTE):  # and the clock catches up again
        run_every_task()

    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert posts(simulator) == 1
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}


def test_an_unanswered_export_waits_out_a_jump_back_and_is_then_placed_once(
    campaign, simulator, uccx_env
):
    callbacks = due_callbacks(2, at=MONDAY_10)
    claimed_at = MONDAY_10
    with at(claimed_at):  # claimed by an exporter that never heard from UCCX
        dialing.callbacks_claim_due(
            campaign=campaign, window=dialing.DueWindow.at(claimed_at), limit=2
        )

    # An hour back and longer than STALE_AFTER later by the clock: the claim looks new.
    with at(claimed_at - HOUR + services.STALE_AFTER + MINUTE):
        run_every_task()
    assert statuses(callbacks) == {Status.EXPORTING: 2}
    assert posts(simulator) == 0

    with at(claimed_at + services.STALE_AFTER + MINUTE):  # the clock caught up
        run_every_task()
        run_every_task()

    assert statuses(callbacks) == {Status.IN_DIALER: 2}
    assert_each_imported_once(simulator, callbacks)
    assert event_counts(callbacks, EventKind.EXPORT_RETRY) == {c.pk: 1 for c in callbacks}
