"""UCCX down (nothing listens: connections refused), UCCX going down in the middle of an
export and coming back, and UCCX dropping connections: a POST reset before UCCX read it,
GETs accepted and then dropped. Each time: no callback lost, none imported twice, and
the operator sees the failure in the task's health.

(Slow UCCX, 500s and a POST accepted then dropped are in
tests/uccx_integration/test_faults.py.)
"""

import datetime as dt

import pytest
import requests
from urllib3.exceptions import ProtocolError

from callbacks.models import EventKind, Status
from ops import tracking as health
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    contacts,
    due_callbacks,
    event_counts,
    events,
    needs_sqlite_odbc,
    posts,
    statuses,
)
from uccx_integration import services, tasks
from uccx_integration.client import UccxClient
from uccx_integration.models import BatchState, ExportBatch, IntegrationStatus
from uccx_integration.simulator import Simulator

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
MINUTE = dt.timedelta(minutes=1)
AFTER_STALE = services.STALE_AFTER + MINUTE
CONTACTS = "/adminapi/campaign/1/contacts"


def batches_of_two(campaign, count: int):
    campaign.batch_size = 2
    campaign.save()
    return due_callbacks(count)


def export(client, moment):
    with at(moment):
        return services.export_due_callbacks(client=client)


def health_of(task: str, moment: dt.datetime) -> health.TaskHealth:
    return next(h for h in health.task_health(moment) if h.task == task)


# --- UCCX down -------------------------------------------------------------------------
def test_it_keeps_callbacks_waiting_while_uccx_is_down_and_exports_them_once_it_is_back(
    campaign, simulator, make_client, closed_port_url, sleeps, uccx_env
):
    callbacks = due_callbacks(3)
    down = make_client(primary_url=closed_port_url)  # its back-off recorded, not slept

    with at(BEFORE), pytest.MonkeyPatch.context() as patch:
        patch.setattr(UccxClient, "from_env", lambda **kwargs: down)
        tasks.export_due_callbacks()

    assert statuses(callbacks) == {Status.SCHEDULED: 3}  # nothing claimed, nothing sent
    assert not ExportBatch.objects.exists()
    assert sleeps == [0.25, 0.5, 1.0]  # the campaign GET retried with back-off
    red = health_of("export_due_callbacks", BEFORE)
    assert not red.ok and red.summary.startswith("failed 1 time in a row: ")
    assert "Connection refused" in red.summary

    with at(BEFORE + MINUTE):  # UCCX is back
        tasks.export_due_callbacks()

    assert statuses(callbacks) == {Status.IN_DIALER: 3}
    assert_each_imported_once(simulator, callbacks)
    assert health_of("export_due_callbacks", BEFORE + MINUTE).ok


def test_it_returns_the_rest_to_the_schedule_when_uccx_goes_down_mid_export(
    campaign, tmp_path, sleeps
):
    callbacks = batches_of_two(campaign, 6)
    path = str(tmp_path / "uccx.sqlite3")
    uccx = Simulator(path, username=USERNAME, password=PASSWORD).start()
    client = UccxClient(uccx.url, username=USERNAME, password=PASSWORD, sleep=sleeps.append)
    import_status = client.import_status
    reads = []

    def uccx_stops_once_the_first_import_is_reported(*args, **kwargs):
        status = import_status(*args, **kwargs)
        reads.append(status)
        if len(reads) == 2:  # before and after the first batch's POST
            uccx.stop()  # the node goes down: the next connection is refused
            client.import_status = import_status
        return status

    client.import_status = uccx_stops_once_the_first_import_is_reported
    summary = export(client, BEFORE)

    assert "Connection refused" in summary.errors[0]
    assert [statuses(callbacks[i : i + 2]) for i in (0, 2, 4)] == [
        {Status.IN_DIALER: 2},
        {Status.SCHEDULED: 2},  # surely never arrived: back at once, no reconcile needed
        {Status.SCHEDULED: 2},  # not claimed: the run stopped
    ]
    assert [e.kind for e in events(callbacks[2])] == [
        EventKind.EXPORT_STARTED,
        EventKind.EXPORT_RETRY,
    ]
    assert ExportBatch.objects.filter(state=BatchState.REFUSED).count() == 1

    uccx = Simulator(path, port=uccx.port, username=USERNAME, password=PASSWORD).start()
    try:
        export(client, BEFORE + MINUTE)

        assert statuses(callbacks) == {Status.IN_DIALER: 6}
        assert_each_imported_once(uccx, callbacks)
        assert len(contacts(uccx)) == 6
        assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}
    finally:
        uccx.stop()


# --- UCCX dropping connections ---------------------------------------------------------------
class ResetNthPost:
    """The n-th add-contacts POST dies with "connection reset by peer" before UCCX read
    it (a load balancer or firewall dropping the connection). Failure injection only:
    every other request goes to the simulator over HTTP."""

    def __init__(self, client: UccxClient, n: int) -> None:
        self.request, self.n, self.posts = client.session.request, n, 0
        client.session.request = self

    def __call__(self, method, url, **kwargs):
        if method == "POST" and url.endswith(CONTACTS):
            self.posts += 1
            if self.posts == self.n:
                reset = ConnectionResetError(104, "Connection reset by peer")
                raise requests.ConnectionError(ProtocolError("Connection aborted.", reset))
        return self.request(method, url, **kwargs)


def test_a_post_reset_before_uccx_read_it_is_resent_once_after_reconcile(
    campaign, simulator, client, informix
):
    callbacks = batches_of_two(campaign, 6)
    ResetNthPost(client, 2)

    summary = export(client, BEFORE)

    assert "Connection aborted" in summary.errors[0]
    # Nobody knows whether UCCX got the second batch: it waits for reconcile.
    assert statuses(callbacks[2:4]) == {Status.EXPORTING: 2}
    assert ExportBatch.objects.filter(state=BatchState.UNKNOWN).count() == 1
    export(client, BEFORE + MINUTE)  # the third batch; the unknown one is not re-sent
    assert statuses(callbacks[2:4]) == {Status.EXPORTING: 2}

    with at(BEFORE + AFTER_STALE):
        reconciled = services.reconcile_exports(client=client, informix=informix)
    export(client, BEFORE + AFTER_STALE + MINUTE)

    assert reconciled.counts["returned"] == 2
    assert statuses(callbacks) == {Status.IN_DIALER: 6}
    assert_each_imported_once(simulator, callbacks)
    assert posts(simulator) == 3  # the reset POST never reached UCCX
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}


def test_reconcile_decides_nothing_while_uccx_drops_its_lookups(
    campaign, simulator, client, informix, sleeps
):
    callbacks = batches_of_two(campaign, 4)
    ResetNthPost(client, 1)
    export(client, BEFORE)  # the first batch's answer lost; the second waits
    export(client, BEFORE + MINUTE)
    assert statuses(callbacks[:2]) == {Status.EXPORTING: 2}
    simulator.set_faults(accept_then_drop=100)  # every GET answered, then the line dropped

    with at(BEFORE + AFTER_STALE):
        summary = services.reconcile_exports(client=client, informix=informix)

    assert "Connection aborted" in summary.errors[0]
    assert summary.counts["undecided"] == 2
    assert statuses(callbacks[:2]) == {Status.EXPORTING: 2}  # neither placed nor resent
    assert sleeps  # the GET was retried with back-off first

    simulator.clear_faults()
    with at(BEFORE + AFTER_STALE + MINUTE):
        services.reconcile_exports(client=client, informix=informix)
    export(client, BEFORE + AFTER_STALE + 2 * MINUTE)

    assert statuses(callbacks) == {Status.IN_DIALER: 4}
    assert_each_imported_once(simulator, callbacks)
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}


def test_the_operator_sees_a_dropped_export_in_the_task_health(
    campaign, simulator, uccx_env, monkeypatch
):
    batches_of_two(campaign, 4)
    client = UccxClient.from_env()
    ResetNthPost(client, 1)
    monkeypatch.setattr(UccxClient, "from_env", lambda **kwargs: client)

    with at(BEFORE):
        tasks.export_due_callbacks()

    status = IntegrationStatus.objects.get(task="export_due_callbacks")
    assert "Connection aborted" in status.last_error
    assert status.last_counts["unknown"] == 2
    assert not health_of("export_due_callbacks", BEFORE).ok
