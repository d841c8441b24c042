"""The Celery broker (Redis) down: the API still books callbacks (no request waits for
the broker: the state lives in the database, not in messages), the admin's "Run now"
says the task could not be queued instead of failing, and once the broker is back the
scheduled export catches up on everything booked meanwhile, each callback once.

No mock: the broker is a real redis-server this module starts, stops and starts again
on the same port (Debian's, installed by scripts/bootstrap.sh); "down" is that port with
nothing listening. The last test runs a real worker with embedded beat as a process,
which needs a database another process can open: PostgreSQL only.
"""

import datetime as dt
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from callbacks.models import ApiKey, ApiScope, Callback, Status
from campaign_manager.celery import app
from tests.callbacks.api_helpers import body, key_client
from tests.uccx_integration.flow_helpers import contacts
from tests.uccx_integration.test_celery_e2e import (
    SKILL,
    celery_worker,
    fast_schedule,
    open_round_the_clock,
)

REDIS_SERVER = Path("/usr/bin/redis-server")
RUN_NOW = "admin:uccx_integration_integrationstatus_run"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server without persistence on a fixed free port; `stop()` and
    `start()` again take the broker down and bring it back where clients expect it."""

    def __init__(self, directory: Path) -> None:
        assert REDIS_SERVER.exists(), f"no {REDIS_SERVER}: scripts/bootstrap.sh installs it"
        self.port, self.directory = free_port(), directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [str(REDIS_SERVER), "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--dir", str(self.directory), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            with suppress(redis.ConnectionError):
                if self.client().ping():
                    return
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def queued(self, queue: str = "celery") -> int:
        return int(self.client().llen(queue))


@pytest.fixture
def broker(tmp_path) -> Iterator[RedisServer]:
    """The broker, not started: the test starts and stops it."""
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def _drop_broker_connections() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_on(broker) -> Iterator[None]:
    """This process's Celery app publishes to `broker` (the setting is read once)."""
    before = app.conf.broker_url
    _drop_broker_connections()
    app.conf.broker_url = broker.url
    try:
        yield
    finally:
        _drop_broker_connections()
        app.conf.broker_url = before


@pytest.fixture
def admin_browser(db) -> Client:
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    browser = Client()
    browser.force_login(boss)
    return browser


def run_now(browser: Client, task: str) -> list[str]:
    response = browser.post(reverse(RUN_NOW, args=[task]), follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.usefixtures("celery_on", "frozen_now")
def test_it_books_callbacks_and_queues_nothing_while_the_broker_is_down_then_queues_again(
    demo, broker, admin_browser
):
    gadget = key_client(ApiKey.objects.create_key(name="gadget", scope=ApiScope.GADGET)[1])

    created = gadget.post("/api/v1/callbacks", body(), format="json")
    refused = run_now(admin_browser, "export_due_callbacks")

    assert created.status_code == 201, created.content
    booked = Callback.objects.get(pk=created.json()["id"])
    assert booked.status == Status.SCHEDULED
    assert "could not be queued: the Celery broker cannot be reached" in refused[0]

    broker.start()  # the broker is back
    queued = run_now(admin_browser, "export_due_callbacks")

    assert "was queued" in queued[0]
    assert broker.queued() == 1  # this one message; the refused one was not kept anywhere
    assert (
        gadget.post(
            "/api/v1/callbacks", body(phone_number="+48221234568"), format="json"
        ).status_code
        == 201
    )


# --- a real worker with beat through an outage --------------------------------------------------
def wait_until(condition: Callable[[], bool], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.25)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a worker process cannot open SQLite's in-memory test database: "
    "runs in make test's PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True)
def test_it_exports_what_was_booked_during_an_outage_once_the_broker_is_back(
    demo, broker, simulator, tmp_path
):
    fast_schedule()  # export and poll every second, as stored for beat
    open_round_the_clock()
    gadget = key_client(ApiKey.objects.create_key(name="gadget", scope=ApiScope.GADGET)[1])
    due = timezone.now() + dt.timedelta(seconds=20)
    created = gadget.post(
        "/api/v1/callbacks",
        body(scheduled_at=due.isoformat(), skill=SKILL),
        format="json",
    )
    assert created.status_code == 201, created.content
    booked = Callback.objects.get(pk=created.json()["id"])

    with celery_worker(simulator, tmp_path, broker_url=broker.url) as worker:
        log = worker.log
        # The worker starts while the broker is down: it keeps trying, nothing runs.
        wait_until(lambda: "Cannot connect to redis" in log.read_text(errors="replace"), log)
        booked.refresh_from_db()
        assert booked.status == Status.SCHEDULED

        broker.start()
        wait_until(
            lambda: Callback.objects.filter(pk=booked.pk, status=Status.IN_DIALER).exists(), log
        )

    assert contacts(simulator) == {booked.account_number: 1}
