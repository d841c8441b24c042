"""A callback closed because the customer called in first, as the report views count it:
its own status and daily-summary column, never judged for punctuality, and the summary's
identity still holds. Runs on SQLite and (make test's second pass) on PostgreSQL."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from callbacks.called_in import callbacks_close_called_in
from callbacks.models import Status

pytestmark = pytest.mark.usefixtures("frozen_now")

NUMBER = "+48221234567"
LATER = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)  # the day after the promise


def rows(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_a_satisfied_callback_is_counted_apart_from_cancellations(make_callback, put_in):
    satisfied = make_callback(phone_number=NUMBER)
    callbacks_close_called_in(phone_number=NUMBER)
    cancelled = put_in(make_callback(phone_number="+48601234567"), Status.CANCELLED)
    waiting = make_callback(phone_number="+48601234568")

    with time_machine.travel(LATER, tick=False):
        report = {
            r["callback_id"]: r
            for r in rows(
                "SELECT callback_id, status_code, status_name, on_time FROM cm_callback_report"
            )
        }
        summary = rows("SELECT * FROM cm_daily_summary")

    assert report[satisfied.pk] == {
        "callback_id": satisfied.pk,
        "status_code": "satisfied",
        "status_name": "Satisfied (customer called in)",
        "on_time": None,  # withdrawn: not a broken promise
    }
    assert report[cancelled.pk]["on_time"] is None
    assert report[waiting.pk]["on_time"] == 0  # never dialed: broken
    (day,) = summary
    assert (day["requested"], day["satisfied"], day["cancelled"], day["pending"]) == (3, 1, 1, 1)
    assert day["late"] == 1
    parts = ("completed", "failed", "expired", "cancelled", "rescheduled", "pending", "satisfied")
    assert sum(day[name] for name in parts) == day["requested"]
    assert list(day)[-1] == "satisfied"  # a column added at the end, none renamed
