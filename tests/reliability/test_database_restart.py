"""The database restarted (a failover, a restart for an upgrade): every open connection is
cut. Here that is pg_terminate_backend() on every backend of the test database, sent
from a connection of its own, as a restart would cut them.

- The web side: gunicorn (a real process, one sync worker keeping its connection, as
  DB_CONN_MAX_AGE does in production) answers the very first request after the cut,
  because CONN_HEALTH_CHECKS makes Django test a kept connection before reusing it.
- The worker side: an export cut between UCCX's "accepted" and the commit leaves its
  callbacks `exporting` (never back to `scheduled` blindly); the next tasks, on a fresh
  connection as the Celery worker opens one for every task, place them through
  reconcile and export the rest: each callback once.

PostgreSQL only: SQLite has no server to restart.
"""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import requests
from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection

from callbacks.models import ApiKey, ApiScope, Callback, Status
from campaign_manager.celery import app
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
    test_database_url,
)
from uccx_integration import services

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no database server to restart: runs in make test's PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True),
    needs_sqlite_odbc,
]

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
MINUTE = dt.timedelta(minutes=1)


def restart_the_database() -> int:
    """Cut every connection to the test database, from a connection of our own (as a
    restart would); returns how many were cut."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None,
        dbname=db["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(cut[0]) if cut else 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(tmp_path) -> Iterator[str]:
    """The app under gunicorn with ONE sync worker on the test database; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": test_database_url(),
        "DB_CONN_MAX_AGE": "600",  # the worker keeps its connection between requests
        "CM_VAR_DIR": str(tmp_path / "web-var"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "campaign_manager.wsgi"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        print(f"--- gunicorn log ---\n{log.read_text(errors='replace')[-3000:]}")


def key_header(scope: str) -> dict[str, str]:
    return {"Authorization": f"Api-Key {ApiKey.objects.create_key(name=scope, scope=scope)[1]}"}


def test_it_answers_the_first_request_after_the_database_restarted(demo, tmp_path):
    gadget = key_header(ApiScope.GADGET)
    ivr = key_header(ApiScope.IVR)
    with gunicorn(tmp_path) as url:
        # The worker's connection is open and kept.
        assert requests.get(f"{url}/api/v1/config", headers=gadget, timeout=30).status_code == 200

        assert restart_the_database() >= 1  # gunicorn's connection (and ours) cut

        first = requests.post(
            f"{url}/api/v1/ivr/callbacks",
            json={"phone_number": "+48225550199", "campaign": "Callback_Main", "skill": "Support"},
            headers=ivr,
            timeout=30,
        )
        again = requests.get(f"{url}/api/v1/config", headers=gadget, timeout=30)

    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    close_old_connections()  # this process at its own "request" boundary: reconnects too
    assert Callback.objects.filter(pk=first.json()["id"], status=Status.SCHEDULED).exists()


@pytest.mark.usefixtures("frozen_now")
def test_an_export_cut_off_by_a_database_restart_loses_nothing_and_sends_nothing_twice(
    campaign, simulator, client, informix
):
    campaign.batch_size = 2
    campaign.save()
    callbacks = due_callbacks(4)
    add_contacts = client.add_contacts

    def database_restarts_after_uccx_accepted(*args, **kwargs):
        result = add_contacts(*args, **kwargs)
        restart_the_database()
        return result

    client.add_contacts = database_restarts_after_uccx_accepted
    with at(BEFORE), pytest.raises(OperationalError):
        services.export_due_callbacks(client=client)
    client.add_contacts = add_contacts

    # The Celery worker closes the connections before every task (celery.fixups.django).
    DjangoWorkerFixup(app).close_database()
    assert statuses(callbacks[:2]) == {Status.EXPORTING: 2}  # UCCX has them; unrecorded
    assert statuses(callbacks[2:]) == {Status.SCHEDULED: 2}
    assert set(contacts(simulator)) == {c.account_number for c in callbacks[:2]}

    # The cut export could not release its lease either: the campaign waits out its TTL.
    with at(BEFORE + services.STALE_AFTER + MINUTE):
        reconciled = services.reconcile_exports(client=client, informix=informix)
    with at(BEFORE + services.LEASE_TTL + MINUTE):
        services.export_due_callbacks(client=client)

    assert reconciled.counts["found"] == 2
    assert statuses(callbacks) == {Status.IN_DIALER: 4}
    assert_each_imported_once(simulator, callbacks)
    assert posts(simulator) == 2
    assert event_counts(callbacks) == {c.pk: 1 for c in callbacks}
