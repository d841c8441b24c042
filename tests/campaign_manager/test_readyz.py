"""/readyz: the database, the Celery broker and the integration tasks; 200 when ready,
503 when not, JSON either way. Failures are real where they can be (a closed Redis
port, a missing broker folder); the database's is injected into the check's connection.
"""

import datetime as dt
import os
import socket
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from ops.tracking import MAX_AGE
from uccx_integration.models import IntegrationStatus

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free again once closed: nobody listens there


def ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def all_tasks_succeeded(at: dt.datetime) -> None:
    for task in MAX_AGE:
        IntegrationStatus.objects.create(task=task, last_success_at=at, runs=1)


def test_it_is_ready_on_a_fresh_installation(client):
    status, body = ready(client)

    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "transport": "filesystem"}
    # No task ran yet (each waits for its first run, or is late: ok as the admin judges
    # it, tests/ops/test_task_health.py), but none counts until its first success.
    tasks = body["checks"]["tasks"]
    assert tasks["ok"] is True
    assert set(tasks["tasks"]) == set(MAX_AGE)
    assert all(not t["counts"] and t["last_success_at"] is None for t in tasks["tasks"].values())


def test_it_fails_while_redis_is_unreachable_and_recovers(client, settings):
    default_url = settings.CELERY_BROKER_URL
    default_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    status, body = ready(client)

    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["ok"] is False
    assert "OperationalError" in body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True

    settings.CELERY_BROKER_URL = default_url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = default_options
    assert ready(client)[0] == 200


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="no REDIS_URL: runs in make test's PostgreSQL pass, inside scripts/with-redis.sh",
)
def test_it_is_ready_with_a_real_redis(client, settings):
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    status, body = ready(client)

    assert status == 200, body
    assert body["checks"]["broker"] == {"ok": True, "transport": "redis"}


def test_it_fails_while_the_embedded_brokers_folder_is_missing_and_recovers(
    client, settings, tmp_path
):
    folder = tmp_path / "broker"
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
    }

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["broker"]["ok"] is False
    assert "FileNotFoundError" in body["checks"]["broker"]["error"]

    folder.mkdir()
    assert ready(client)[0] == 200
    assert list(folder.iterdir()) == []  # the probe file is gone, nothing for the worker


class UnavailableDatabase:
    """connections[...] whose cursor fails as a database that went away does."""

    def __getitem__(self, alias):
        broken = mock.Mock()
        broken.cursor.side_effect = OperationalError("could not connect to server")
        return broken


def test_it_fails_while_the_database_is_unavailable_and_recovers(client):
    with mock.patch("campaign_manager.readiness.connections", UnavailableDatabase()):
        status, body = ready(client)

    assert status == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError: could not connect to server",
    }
    assert ready(client)[0] == 200


def test_it_answers_json_when_a_check_breaks_unexpectedly(client):
    with mock.patch("campaign_manager.readiness.task_health", side_effect=RuntimeError("boom")):
        status, body = ready(client)

    assert status == 503
    assert body["checks"]["tasks"] == {"ok": False, "error": "RuntimeError: boom"}


def test_it_is_ready_when_every_task_succeeded_recently(client):
    all_tasks_succeeded(timezone.now())

    status, body = ready(client)

    assert status == 200
    tasks = body["checks"]["tasks"]["tasks"]
    assert all(t["ok"] and t["counts"] for t in tasks.values())
    assert tasks["export_due_callbacks"]["last_success_at"] is not None


def test_it_fails_when_a_task_that_succeeded_before_goes_stale(client):
    all_tasks_succeeded(timezone.now())
    IntegrationStatus.objects.filter(task="poll_dialer_results").update(
        last_success_at=timezone.now() - MAX_AGE["poll_dialer_results"] - dt.timedelta(minutes=1)
    )

    status, body = ready(client)

    assert status == 503
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["tasks"]["poll_dialer_results"]["ok"] is False
    assert body["checks"]["tasks"]["tasks"]["export_due_callbacks"]["ok"] is True


def test_it_fails_when_a_task_that_succeeded_before_now_fails(client):
    all_tasks_succeeded(timezone.now())
    IntegrationStatus.objects.filter(task="export_due_callbacks").update(
        consecutive_failures=2, last_failure_at=timezone.now(), last_error="UccxError: 503"
    )

    status, body = ready(client)

    assert status == 503
    failing = body["checks"]["tasks"]["tasks"]["export_due_callbacks"]
    assert failing == {
        "ok": False,
        "counts": True,
        "last_success_at": failing["last_success_at"],
        "consecutive_failures": 2,
    }
    assert "UccxError" not in str(body)  # error texts stay in the admin and the log


def test_it_ignores_a_task_that_never_succeeded(client):
    all_tasks_succeeded(timezone.now())
    IntegrationStatus.objects.filter(task="sync_uccx_directory").update(
        last_success_at=None, consecutive_failures=5, last_failure_at=timezone.now()
    )

    status, body = ready(client)

    assert status == 200
    assert body["checks"]["tasks"]["tasks"]["sync_uccx_directory"]["ok"] is False
    assert body["checks"]["tasks"]["tasks"]["sync_uccx_directory"]["counts"] is False


def test_it_only_reports_tasks_when_told_not_to_require_them(client, settings):
    settings.READYZ_REQUIRE_TASKS = False
    all_tasks_succeeded(timezone.now() - dt.timedelta(days=3))

    status, body = ready(client)

    assert status == 200
    assert all(not t["ok"] for t in body["checks"]["tasks"]["tasks"].values())
