"""Issue 17 point 2: task health tells the truth on a fresh start. A task that has not
reached its first due time is "waiting (first run at …)" (ok, neutral); it turns red
only once that time is overdue by more than its period, or when a run failed.

Clock: Friday 2026-11-20 09:00 UTC (10:00 Warsaw); the schedules are as the migrations
wrote them (export/poll every 60 s, sync hourly, purge 02:30 Europe/Warsaw, ...).
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from ops.models import IntegrationStatus
from ops.tracking import MAX_AGE, task_health

pytestmark = pytest.mark.usefixtures("frozen_now")


def scheduled_at(moment: dt.datetime) -> None:
    """As if every periodic task was written (by migrate) at `moment`."""
    PeriodicTask.objects.update(date_changed=moment)


def by_task(now):
    return {health.task: health for health in task_health(now)}


def test_a_fresh_installation_waits_for_its_first_runs_and_is_never_red(db, now):
    scheduled_at(now)

    report = by_task(now)

    assert set(report) == set(MAX_AGE)
    assert all(health.ok and health.waiting for health in report.values())
    assert report["sync_uccx_directory"].summary == "waiting (first run at 2026-11-20 11:00 CET)"
    assert report["purge_dialing_lists"].summary == "waiting (first run at 2026-11-21 02:30 CET)"


def test_a_task_is_still_waiting_until_its_first_run_is_overdue_by_a_period(db, now):
    scheduled_at(now - dt.timedelta(minutes=119))  # sync due 08:01 UTC, 59 min ago

    assert by_task(now)["sync_uccx_directory"].waiting

    scheduled_at(now - dt.timedelta(minutes=121))  # due 61 min ago: more than its hour
    sync = by_task(now)["sync_uccx_directory"]

    assert not sync.ok and not sync.waiting
    assert sync.summary == "never ran, due at 2026-11-20 08:59 CET (is the Celery worker up?)"


def test_a_daily_crontab_waits_across_a_dst_change_in_its_own_zone(db):
    # Scheduled Saturday 2027-03-27 12:00 Warsaw; the clocks go forward that night.
    moment = dt.datetime(2027, 3, 27, 11, 0, tzinfo=dt.UTC)
    scheduled_at(moment)

    purge = by_task(moment)["purge_dialing_lists"]

    # 02:30 does not exist on 2027-03-28 in Warsaw: the next 02:30 is on the 29th.
    assert purge.waiting
    assert "first run at 2027-03-29 02:30 CEST" in purge.summary


def test_a_disabled_schedule_is_red_not_waiting(db, now):
    scheduled_at(now)
    PeriodicTask.objects.filter(task="uccx_integration.sync_uccx_directory").update(enabled=False)

    sync = by_task(now)["sync_uccx_directory"]

    assert not sync.ok and "not scheduled" in sync.summary


def test_the_index_and_the_reports_show_no_red_on_a_fresh_start(db, demo, now, settings):
    scheduled_at(now)
    settings.FINESSE_URL = "http://127.0.0.1:8089"  # as make run sets it (scripts/run-demo.sh)
    boss = get_user_model().objects.create_superuser("boss", "b@example.com", "pw")
    browser = Client()
    browser.force_login(boss)

    index = browser.get(reverse("admin:index")).content.decode()
    reports = browser.get(reverse("reporting:dashboard")).content.decode()

    assert 'class="uccx-bad"' not in index and "Needs attention" not in index
    assert '<span class="uccx-waiting">&#8987; Waiting</span>' in index
    assert "wait for their first run" in index
    assert "report-health-warning" not in reports


def test_a_red_task_says_why_in_the_admins_language(db, now):
    scheduled_at(now - dt.timedelta(hours=2))
    IntegrationStatus.objects.create(
        task="export_due_callbacks",
        runs=1,
        failures=1,
        consecutive_failures=1,
        last_failure_at=now,
        last_error="UccxError: connection refused",
    )
    IntegrationStatus.objects.create(
        task="poll_dialer_results", runs=1, last_success_at=now - dt.timedelta(hours=1)
    )

    with translation.override("en"):
        english = by_task(now)
    with translation.override("pl"):
        polish = by_task(now)

    assert english["export_due_callbacks"].summary == (
        "failed 1 time in a row: UccxError: connection refused"
    )
    assert polish["export_due_callbacks"].summary == (
        "nie powiodło się 1 raz z rzędu: UccxError: connection refused"
    )
    assert english["poll_dialer_results"].summary == "no success for more than 6 min"
    assert polish["poll_dialer_results"].summary == "brak udanego uruchomienia od ponad 6 min"
