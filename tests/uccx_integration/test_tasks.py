"""The Celery tasks called directly, their clients built from the environment (the
simulator and its file as db_cra): each run recorded in IntegrationStatus, and
health.task_health() red or green from it. Also expire_overdue and sync_uccx_directory."""

import datetime as dt

import pytest
from django_celery_beat.models import PeriodicTask

from callbacks import tasks as callbacks_tasks
from callbacks.models import Status
from ops import tracking as health
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    at,
    contacts,
    due_callbacks,
    needs_sqlite_odbc,
    statuses,
)
from uccx_integration import tasks
from uccx_integration.models import DirectoryEntry, DirectoryKind, IntegrationStatus

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)


def status_of(task: str) -> IntegrationStatus:
    return IntegrationStatus.objects.get(task=task)


def health_of(task: str, now: dt.datetime) -> health.TaskHealth:
    return next(h for h in health.task_health(now) if h.task == task)


def test_a_successful_run_is_recorded_with_its_counts(campaign, simulator, uccx_env):
    callbacks = due_callbacks(2)

    with at(BEFORE):
        result = tasks.export_due_callbacks.apply()

    assert result.successful()
    assert statuses(callbacks) == {Status.IN_DIALER: 2}
    assert len(contacts(simulator)) == 2
    status = status_of("export_due_callbacks")
    assert status.last_success_at == BEFORE and status.last_failure_at is None
    assert status.last_counts == {"batches": 1, "exported": 2, "returned": 0, "unknown": 0}
    assert (status.runs, status.failures, status.consecutive_failures) == (1, 0, 0)
    assert health_of("export_due_callbacks", BEFORE).ok


def test_failures_are_recorded_and_counted_until_a_run_succeeds(campaign, simulator, uccx_env):
    callbacks = due_callbacks(1)
    uccx_env.setenv("UCCX_PASSWORD", "wrong")  # 401: permanent, so not retried

    with at(BEFORE):
        tasks.export_due_callbacks()
        tasks.export_due_callbacks()

    status = status_of("export_due_callbacks")
    assert (status.runs, status.failures, status.consecutive_failures) == (2, 2, 2)
    assert "HTTP 401" in status.last_error and status.last_success_at is None
    red = health_of("export_due_callbacks", BEFORE)
    assert not red.ok and red.summary.startswith("failed 2 times in a row: ")
    assert statuses(callbacks) == {Status.SCHEDULED: 1}

    uccx_env.setenv("UCCX_PASSWORD", simulator.password)
    with at(BEFORE + dt.timedelta(minutes=1)):
        tasks.export_due_callbacks()

    status = status_of("export_due_callbacks")
    assert (status.consecutive_failures, status.failures, status.last_error) == (0, 2, "")
    assert health_of("export_due_callbacks", BEFORE + dt.timedelta(minutes=1)).ok
    assert statuses(callbacks) == {Status.IN_DIALER: 1}


def test_an_unknown_campaign_time_zone_turns_the_export_red_naming_it(
    campaign, simulator, uccx_env
):
    simulator.campaigns[1].time_zone = "Mars Standard Time"
    callbacks = due_callbacks(1)

    with at(BEFORE):
        tasks.export_due_callbacks()

    status = status_of("export_due_callbacks")
    assert status.consecutive_failures == 1
    assert status.last_error.startswith(
        "Callback_Main: export skipped: UCCX campaign 1: unknown time zone 'Mars Standard Time'"
    )
    red = health_of("export_due_callbacks", BEFORE)
    assert not red.ok and "unknown time zone 'Mars Standard Time'" in red.summary
    assert statuses(callbacks) == {Status.SCHEDULED: 1}
    assert len(contacts(simulator)) == 0


def test_a_task_that_cannot_even_start_records_why(db, uccx_env):
    uccx_env.delenv("UCCX_URL")

    with pytest.raises(ValueError, match="UCCX_URL is not set"):
        tasks.reconcile_exports()

    status = status_of("reconcile_exports")
    assert status.last_error == "ValueError: UCCX_URL is not set"
    assert status.consecutive_failures == 1


def test_health_is_red_until_every_task_ran_and_stays_green_only_while_recent(
    campaign, simulator, uccx_env
):
    # Scheduled three days before and never run: every first run is overdue by more
    # than its period (before that they wait, tests/ops/test_task_health.py).
    PeriodicTask.objects.update(date_changed=BEFORE - dt.timedelta(days=3))
    assert {h.task for h in health.task_health(BEFORE) if not h.ok} == set(health.MAX_AGE)
    with at(BEFORE):
        for task in (
            tasks.export_due_callbacks,
            tasks.poll_dialer_results,
            tasks.reconcile_exports,
            tasks.purge_dialing_lists,
            tasks.expire_overdue,
            tasks.sync_uccx_directory,
            # Tracked like every app's task since ops.tracking (issue 14).
            callbacks_tasks.remove_expired_history,
        ):
            task()

    assert all(h.ok for h in health.task_health(BEFORE)), health.task_health(BEFORE)
    later = BEFORE + health.MAX_AGE["export_due_callbacks"] + dt.timedelta(seconds=1)
    stale = health_of("export_due_callbacks", later)
    assert not stale.ok and stale.summary == "no success for more than 3 min"
    assert health_of("purge_dialing_lists", later).ok


def test_the_purge_task_purges_only_the_campaigns_asked_for(campaign, simulator, uccx_env):
    due_callbacks(1)
    with at(BEFORE):
        tasks.export_due_callbacks()
        counts = tasks.purge_dialing_lists(campaign_ids=[campaign.pk])

    assert counts["campaigns_purged"] == 1 and counts["reimported"] == 1
    assert simulator.request_count("DELETE", "/adminapi/campaign/1/contacts") == 1
    assert simulator.request_count("DELETE", "/adminapi/campaign/2/contacts") == 0


# --- expire_overdue ----------------------------------------------------------------------
def test_expire_overdue_expires_scheduled_callbacks_past_their_expiry_only(campaign):
    overdue = due_callbacks(2, at=MONDAY_10 - dt.timedelta(minutes=61))
    late = due_callbacks(1, at=MONDAY_10 - dt.timedelta(minutes=59))
    dialing = due_callbacks(1, at=MONDAY_10 - dt.timedelta(hours=3), status=Status.IN_DIALER)

    with at(MONDAY_10):
        counts = tasks.expire_overdue()

    assert counts == {"expired": 2}
    assert statuses(overdue) == {Status.EXPIRED: 2}
    assert statuses(late) == {Status.SCHEDULED: 1}
    assert statuses(dialing) == {Status.IN_DIALER: 1}  # a purge decides about those
    assert status_of("expire_overdue").last_counts == {"expired": 2}


# --- sync_uccx_directory ---------------------------------------------------------------------
def directory() -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for entry in DirectoryEntry.objects.all():
        found.setdefault(entry.kind, set()).add((entry.uccx_id, entry.name))
    return found


def test_the_directory_mirrors_uccx_and_forgets_what_uccx_removed(db, simulator, uccx_env):
    DirectoryEntry.objects.create(kind=DirectoryKind.SKILL, uccx_id="99", name="Retired")
    DirectoryEntry.objects.create(kind=DirectoryKind.CAMPAIGN, uccx_id="1", name="Old name")

    result = tasks.sync_uccx_directory.apply()

    assert result.successful()
    assert directory() == {
        DirectoryKind.CAMPAIGN: {("1", "Callback_Main"), ("2", "Callback_Premium")},
        DirectoryKind.SKILL: {("1", "Sales"), ("2", "Support"), ("3", "Premium")},
        DirectoryKind.CSQ: {("1", "CSQ_Sales"), ("2", "CSQ_Support"), ("3", "CSQ_Premium")},
        DirectoryKind.RESOURCE: {("agent001", "Anna Nowak"), ("agent002", "Piotr Wiśniewski")},
    }
    agent = DirectoryEntry.objects.get(kind=DirectoryKind.RESOURCE, uccx_id="agent001")
    assert agent.details == {"extension": "1001", "team": "Default"}
    assert status_of("sync_uccx_directory").last_counts["skill_removed"] == 1

    simulator.campaigns.pop(2)
    tasks.sync_uccx_directory()

    assert directory()[DirectoryKind.CAMPAIGN] == {("1", "Callback_Main")}
    assert DirectoryEntry.objects.count() == 9
