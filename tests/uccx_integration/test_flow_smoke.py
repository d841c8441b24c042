"""Smoke: one callback from scheduled to completed through the simulator."""

import datetime as dt

import pytest
import time_machine

from callbacks.models import Status
from uccx_integration import services
from uccx_integration.informix import InformixClient
from uccx_integration.mapping import CallResult
from uccx_integration.simulator.dialer import Dialer


@pytest.mark.django_db(transaction=True)
def test_smoke(make_callback, simulator, client, tmp_path):
    callback = make_callback()
    with time_machine.travel(callback.scheduled_at - dt.timedelta(seconds=30), tick=False):
        summary = services.export_due_callbacks(client=client)
    print(summary)
    callback.refresh_from_db()
    assert callback.status == Status.IN_DIALER
    Dialer(simulator.store, simulator.campaigns, mix={CallResult.VOICE: 1}).dial_round()
    dsn = f"DRIVER=SQLite3;Database={simulator.store.path};NoCreat=1"
    summary = services.poll_dialer_results(informix=InformixClient(dsn))
    print(summary)
    callback.refresh_from_db()
    assert callback.status == Status.COMPLETED, list(callback.events.values_list("kind", "details"))
