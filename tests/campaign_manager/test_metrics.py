"""/metrics: Prometheus text, who may read it, and that it counts: request latency by URL
pattern, callbacks by status, integration task runs (in this process, in other processes
through PROMETHEUS_MULTIPROC_DIR, and from the database)."""

import datetime as dt
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from callbacks.models import Status
from campaign_manager.envconf import read_ip_networks
from campaign_manager.metrics import exposition
from ops.tracking import PartialFailure, track
from tests.callbacks.api_helpers import key_client, new_key
from uccx_integration.models import IntegrationStatus

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
LATENCY = "campaign_manager_http_request_duration_seconds"


def samples(text: str | bytes) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    if isinstance(text, bytes):
        text = text.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return samples(response.content)


def requests_counted(route: str, method: str, status: str) -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value(f"{LATENCY}_count", labels) or 0.0


# --- access ----------------------------------------------------------------------


def test_it_serves_the_metrics_to_the_loopback_address(client):
    assert scrape(client)  # the test client's REMOTE_ADDR is 127.0.0.1


def test_it_refuses_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_it_believes_the_connection_not_x_forwarded_for(client):
    response = client.get("/metrics", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403


def test_it_serves_an_allowed_network(client, settings):
    settings.METRICS_ALLOWED_IPS = [ipaddress.ip_network("10.20.0.0/16")]

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.20.30.40").status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed


def test_it_serves_anyone_with_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    outside = {"REMOTE_ADDR": "192.0.2.10"}

    with_token = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token", **outside)

    assert with_token.status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
    assert client.get("/metrics", **outside).status_code == 403


def test_it_refuses_a_setting_that_is_not_a_network(monkeypatch):
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "127.0.0.1,localhost")

    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_IPS='localhost'"):
        read_ip_networks("METRICS_ALLOWED_IPS", [])


# --- request latency -------------------------------------------------------------------


def test_it_counts_a_request_under_its_url_pattern(client, demo, frozen_now):
    _, key = new_key("gadget")
    api = key_client(key)
    route = "api/v1/callbacks/<int:pk>"
    before = requests_counted(route, "GET", "4xx")

    api.get("/api/v1/callbacks/987654")  # no such callback: 404

    assert requests_counted(route, "GET", "4xx") == before + 1
    exposed = scrape(client)
    assert exposed[(f"{LATENCY}_count", (("method", "GET"), ("route", route), ("status", "4xx")))]
    assert not any("987654" in str(labels) for _, labels in exposed)


def test_it_puts_unknown_paths_and_odd_methods_in_one_series_each(client):
    before = requests_counted("unmatched", "other", "4xx")

    client.generic("BREW", "/nothing/here/1")
    client.generic("BREW", "/nothing/else/2")

    assert requests_counted("unmatched", "other", "4xx") == before + 2


# --- callbacks and tasks ---------------------------------------------------------------


def test_it_counts_callbacks_by_status(client, make_callback, put_in):
    put_in(make_callback(), Status.COMPLETED)
    put_in(make_callback(), Status.COMPLETED)
    put_in(make_callback(), Status.IN_DIALER)
    make_callback()

    exposed = scrape(client)

    by_status = {
        dict(labels)["status"]: value
        for (name, labels), value in exposed.items()
        if name == "campaign_manager_callbacks"
    }
    assert by_status == {status.value: 0 for status in Status} | {
        "completed": 2,
        "in_dialer": 1,
        "scheduled": 1,
    }


def test_it_records_each_task_run_where_it_runs(client):
    def value(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"task": "reconcile_exports"}) or 0.0

    runs = value("campaign_manager_task_duration_seconds_count")
    failures = value("campaign_manager_task_failures_total")

    with track("reconcile_exports"):
        pass
    with track("reconcile_exports"):
        raise PartialFailure("UCCX refused one campaign", {"reconciled": 1})

    assert value("campaign_manager_task_duration_seconds_count") == runs + 2
    assert value("campaign_manager_task_failures_total") == failures + 1
    assert (
        scrape(client)[("campaign_manager_task_failures_total", (("task", "reconcile_exports"),))]
        == failures + 1
    )


def test_it_shows_each_tasks_last_run_from_the_database(client):
    succeeded = timezone.now().replace(microsecond=0)
    IntegrationStatus.objects.create(
        task="export_due_callbacks",
        last_success_at=succeeded,
        last_duration_ms=1500,
        consecutive_failures=0,
        runs=4,
    )
    IntegrationStatus.objects.create(
        task="poll_dialer_results", last_failure_at=succeeded, consecutive_failures=3, runs=3
    )
    # Never ran although its first 02:30 is days behind: unhealthy (a task still
    # waiting for its first run counts as healthy, tests/ops/test_task_health.py).
    PeriodicTask.objects.filter(task="uccx_integration.purge_dialing_lists").update(
        date_changed=succeeded - dt.timedelta(days=3)
    )

    exposed = scrape(client)

    export = (("task", "export_due_callbacks"),)
    poll = (("task", "poll_dialer_results"),)
    assert exposed[("campaign_manager_task_healthy", export)] == 1
    assert exposed[("campaign_manager_task_last_success_timestamp_seconds", export)] == (
        succeeded.timestamp()
    )
    assert exposed[("campaign_manager_task_last_duration_seconds", export)] == 1.5
    assert exposed[("campaign_manager_task_healthy", poll)] == 0
    assert exposed[("campaign_manager_task_consecutive_failures", poll)] == 3
    assert ("campaign_manager_task_last_success_timestamp_seconds", poll) not in exposed
    assert exposed[("campaign_manager_task_healthy", (("task", "purge_dialing_lists"),))] == 0


RUN_IN_A_WORKER = """
import django
django.setup()
from ops.tracking import TASK_DURATION, TASK_FAILURES
TASK_DURATION.labels("poll_dialer_results").observe(2.0)
TASK_FAILURES.labels("poll_dialer_results").inc()
"""


@pytest.mark.slow  # starts a process
def test_it_adds_up_other_processes_in_multiprocess_mode(tmp_path):
    # What a Celery worker records, /metrics shows when both share the directory.
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "campaign_manager.settings",
    }
    worker = subprocess.run(
        [sys.executable, "-c", RUN_IN_A_WORKER],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr

    exposed = samples(exposition(str(tmp_path)))

    poll = (("task", "poll_dialer_results"),)
    assert exposed[("campaign_manager_task_duration_seconds_count", poll)] == 1
    assert exposed[("campaign_manager_task_duration_seconds_sum", poll)] == 2.0
    assert exposed[("campaign_manager_task_failures_total", poll)] == 1
    assert ("campaign_manager_callbacks", (("status", "scheduled"),)) in exposed
