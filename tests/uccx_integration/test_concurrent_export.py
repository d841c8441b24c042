"""Two exporters at once over 2,000 due callbacks, on PostgreSQL: each callback imported
into UCCX exactly once. Threads, each with its own database connection and UCCX client,
against the in-process simulator over real HTTP."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from callbacks.models import Callback, Status
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    assert_each_imported_once,
    at,
    due_callbacks,
    event_counts,
    statuses,
)
from uccx_integration import services
from uccx_integration.models import BatchState, ExportBatch

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_now"),
]

TOTAL = 2000


def export_twice_at_once(make_client) -> list[services.RunSummary]:
    """Two threads start export_due_callbacks together; returns both summaries."""
    start = threading.Barrier(2)
    summaries: list[services.RunSummary] = []
    failures: list[BaseException] = []

    def exporter() -> None:
        client = make_client()  # a requests session per thread
        try:
            start.wait(timeout=10)
            summaries.append(services.export_due_callbacks(client=client))
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connections.close_all()

    with at(MONDAY_10):  # the clock stands still for both threads
        threads = [threading.Thread(target=exporter) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not failures, failures
    assert len(summaries) == 2
    return summaries


def assert_exported_exactly_once(simulator, by_campaign: dict[int, list[Callback]]) -> None:
    everyone = [c for callbacks in by_campaign.values() for c in callbacks]
    assert statuses(everyone) == {Status.IN_DIALER: TOTAL}
    assert event_counts(everyone) == {c.pk: 1 for c in everyone}
    for uccx_campaign_id, callbacks in by_campaign.items():
        assert_each_imported_once(simulator, callbacks, uccx_campaign_id)
    sent = Counter(
        account
        for batch in ExportBatch.objects.filter(state=BatchState.ACCEPTED)
        for account in batch.account_numbers
    )
    assert sent == {c.account_number: 1 for c in everyone}
    assert not ExportBatch.objects.exclude(state=BatchState.ACCEPTED).exists()


def test_two_exporters_import_each_callback_once(campaign, simulator, make_client):
    by_campaign = {
        1: due_callbacks(TOTAL // 2, at=MONDAY_10),
        2: due_callbacks(TOTAL // 2, campaign="Callback_Premium", at=MONDAY_10),
    }

    summaries = export_twice_at_once(make_client)

    assert sum(s.counts.get("exported", 0) for s in summaries) == TOTAL
    assert not [e for s in summaries for e in s.errors]
    assert_exported_exactly_once(simulator, by_campaign)


def test_without_the_lease_the_row_claim_alone_keeps_each_callback_to_one_import(
    campaign, simulator, make_client, monkeypatch
):
    """As when an exporter's lease ran out while it still worked: both exporters on one
    campaign at once, kept apart only by SELECT ... FOR UPDATE SKIP LOCKED and the
    conditional state change. (Failure injection: the lease is taken out.)"""
    monkeypatch.setattr(services, "acquire_lease", lambda *args, **kwargs: True)
    callbacks = due_callbacks(TOTAL, at=MONDAY_10)

    summaries = export_twice_at_once(make_client)

    assert sum(s.counts.get("exported", 0) for s in summaries) == TOTAL
    assert_exported_exactly_once(simulator, {1: callbacks})
