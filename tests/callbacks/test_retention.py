"""Retention (callbacks.retention): finished callbacks older than GlobalRules.retention_days
go with their events, in bounded batches, never a pending one; reschedule links to a
removed callback are cleared; old idempotency records go too; a daily periodic task runs it.

Cast (tests/conftest.py): the demo, the clock at Friday 2026-11-20 09:00 UTC,
retention 365 days (the default).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from callbacks import services, tasks
from callbacks.models import Callback, CallbackEvent, EventKind, IdempotencyRecord, Status
from callbacks.retention import callbacks_remove_expired_history
from scheduling.models import GlobalRules

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def finished(make_callback, put_in, now):
    """finished(status, days_ago) -> a callback in that final status, finished then."""

    def make(status: str = Status.COMPLETED, days_ago: float = 400) -> Callback:
        callback = put_in(make_callback(), status)
        finished_at = now - dt.timedelta(days=days_ago)
        Callback.objects.filter(pk=callback.pk).update(finished_at=finished_at)
        callback.finished_at = finished_at
        return callback

    return make


def exists(callback: Callback) -> bool:
    return Callback.objects.filter(pk=callback.pk).exists()


def test_it_removes_finished_callbacks_past_the_retention_with_their_events(finished):
    old = [finished(status, days_ago=366) for status in (Status.COMPLETED, Status.CANCELLED)]
    old.append(finished(Status.EXPIRED, days_ago=900))
    recent = finished(Status.FAILED, days_ago=364)

    removed = callbacks_remove_expired_history()

    assert not any(exists(callback) for callback in old)
    assert not CallbackEvent.objects.filter(callback_id__in=[c.pk for c in old]).exists()
    assert exists(recent)
    assert recent.events.exists()
    assert removed["callbacks"] == 3
    assert removed["events"] > 3  # created, and each step to the final status


def test_it_never_removes_a_pending_callback(make_callback, put_in, now):
    waiting = make_callback()
    dialing = put_in(make_callback(), Status.IN_DIALER)
    # A finish time a pending callback should never have: the status alone must protect it.
    Callback.objects.filter(pk__in=[waiting.pk, dialing.pk]).update(
        finished_at=now - dt.timedelta(days=1000)
    )

    removed = callbacks_remove_expired_history()

    assert exists(waiting) and exists(dialing)
    assert removed["callbacks"] == 0


def test_it_follows_the_retention_in_the_global_rules(finished):
    GlobalRules.objects.update(retention_days=30)
    gone = finished(days_ago=31)
    kept = finished(days_ago=29)

    callbacks_remove_expired_history()

    assert not exists(gone)
    assert exists(kept)


def test_it_removes_in_bounded_batches(finished):
    old = [finished(days_ago=400 + n) for n in range(5)]

    with CaptureQueriesContext(connection) as queries:
        removed = callbacks_remove_expired_history(batch=2)

    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "callbacks_callback"')]
    assert len(deletes) == 3  # 2 + 2 + 1
    assert removed == {
        "callbacks": 5,
        "events": removed["events"],
        "idempotency_records": 0,
        "batches": 3,
    }
    assert not any(exists(callback) for callback in old)


def test_it_unlinks_a_kept_callback_that_took_over_from_a_removed_one(make_callback, now):
    first = make_callback()
    successor = services.callback_reschedule(callback=first, scheduled_at="2026-11-24T10:00")
    Callback.objects.filter(pk=first.pk).update(finished_at=now - dt.timedelta(days=400))

    callbacks_remove_expired_history()

    assert not exists(first)
    successor.refresh_from_db()
    assert successor.status == Status.SCHEDULED
    assert successor.rescheduled_from is None
    # The history still names the callback it replaced.
    created = successor.events.get(kind=EventKind.CREATED)
    assert created.details["rescheduled_from"] == first.account_number


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_it_removes_a_chain_of_old_reschedules_in_any_batch_size(make_callback, put_in, now, batch):
    first = make_callback()
    second = services.callback_reschedule(callback=first, scheduled_at="2026-11-24T10:00")
    third = services.callback_reschedule(callback=second, scheduled_at="2026-11-25T10:00")
    put_in(third, Status.CANCELLED)
    kept = services.callback_reschedule(
        callback=put_in(make_callback(), Status.SCHEDULED), scheduled_at="2026-11-26T10:00"
    )
    for days, callback in ((402, first), (401, second), (400, third)):
        Callback.objects.filter(pk=callback.pk).update(finished_at=now - dt.timedelta(days=days))

    removed = callbacks_remove_expired_history(batch=batch)

    assert removed["callbacks"] == 3
    assert not any(exists(c) for c in (first, second, third))
    kept.refresh_from_db()
    assert kept.rescheduled_from is not None  # a recent link is left alone


def test_it_removes_old_idempotency_records(db, now):
    old = IdempotencyRecord.objects.create(key="a", owner="key:abc", fingerprint="f")
    recent = IdempotencyRecord.objects.create(key="b", owner="key:abc", fingerprint="f")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=366))

    removed = callbacks_remove_expired_history(batch=1)

    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert removed["idempotency_records"] == 1


def test_the_task_runs_the_retention(finished):
    old = finished(days_ago=400)

    result = tasks.remove_expired_history.apply().get()

    assert not exists(old)
    assert result["callbacks"] == 1


def test_it_is_scheduled_daily_after_the_nights_purge(db, settings):
    periodic = PeriodicTask.objects.get(task="callbacks.remove_expired_history")

    assert periodic.name == "Remove expired callback history"
    assert (periodic.crontab.hour, periodic.crontab.minute) == ("3", "15")
    assert str(periodic.crontab.timezone) == settings.TIME_ZONE
    assert periodic.enabled
