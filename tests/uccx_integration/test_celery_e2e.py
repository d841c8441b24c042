"""End to end with every real part: a callback booked through the service is exported,
dialed, routed by the IVR and closed by a real Celery worker with embedded beat, on a
real Redis broker, against the UCCX simulator, with nobody touching it.

- The worker is a subprocess (`celery -A campaign_manager worker -B --scheduler
  django_celery_beat.schedulers:DatabaseScheduler`) on pytest-django's test database,
  so it needs a server database: on SQLite the test database is in memory and another
  process cannot see it. The test runs in make test's PostgreSQL pass, which runs inside
  scripts/with-redis.sh (REDIS_URL).
- The simulator runs in this process with its dialer loop (every answer a voice call)
  and calls the IVR API of a `live_server` with a real IVR key, as the callback script
  would; the worker reads its dialing list through unixODBC's SQLite3 driver.
- The schedule is django-celery-beat's, as in production, with export and poll every
  second; the rules allow a callback at any hour, so the test passes at night and on
  holidays too.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from callbacks.models import TERMINAL, ApiKey, ApiScope, Callback, EventKind, Source, Status
from callbacks.services import CustomerDetails, callback_schedule
from callbacks.validation import CallbackRequest
from scheduling.models import BusinessHours, GlobalRules, OpeningPeriod, Skill, Weekday
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from uccx_integration.mapping import CallResult
from uccx_integration.models import IntegrationStatus
from uccx_integration.schedule import ensure_periodic_tasks
from uccx_integration.simulator import Simulator
from uccx_integration.simulator.ivr import IvrScript

from .flow_helpers import test_database_url

REDIS_URL = os.environ.get("REDIS_URL", "")
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pytestmark = [
    pytest.mark.skipif(
        not REDIS_URL,
        reason="no REDIS_URL: runs in make test's PostgreSQL pass, inside scripts/with-redis.sh",
    ),
    pytest.mark.skipif(
        ON_SQLITE,
        reason="SQLite's in-memory test database cannot be shared with a worker process: "
        "runs in make test's PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True),
]

SKILL = "Round the clock"
FAST_TASKS = ("uccx_integration.export_due_callbacks", "uccx_integration.poll_dialer_results")
TIMEOUT_SECONDS = 90.0


def test_it_takes_a_booked_callback_to_completed_with_nobody_touching_it(
    demo, live_server, tmp_path
):
    fast_schedule()
    open_round_the_clock()
    ivr_key = ApiKey.objects.create_key(name="E2E IVR", scope=ApiScope.IVR)[1]
    simulator = Simulator(
        str(tmp_path / "uccx.sqlite3"),
        username=USERNAME,
        password=PASSWORD,
        dial_every=0.5,
        outcome_mix={CallResult.VOICE: 1},
        ivr=IvrScript(live_server.url, ivr_key),
    ).start()
    try:
        callback = book_callback_in(dt.timedelta(seconds=30))
        with celery_worker(simulator, tmp_path) as worker:
            wait_until(lambda: status_of(callback) in TERMINAL, worker)
    finally:
        simulator.stop()

    callback.refresh_from_db()
    kinds = list(callback.events.order_by("at", "pk").values_list("kind", flat=True))
    assert callback.status == Status.COMPLETED, kinds
    assert callback.attempts == 1
    assert is_subsequence(
        [
            EventKind.EXPORT_STARTED,
            EventKind.EXPORTED,
            # The dial at the dialer's time, before the IVR lookup it caused (issue 17).
            EventKind.DIAL_ATTEMPT,
            EventKind.IVR_LOOKUP,
            EventKind.COMPLETED,
        ],
        kinds,
    ), kinds
    assert kinds[-1] == EventKind.COMPLETED
    for task in ("export_due_callbacks", "poll_dialer_results"):
        status = IntegrationStatus.objects.get(task=task)
        assert status.last_success_at is not None, task
        assert status.consecutive_failures == 0, (task, status.last_error)


# --- arrange -------------------------------------------------------------------------
def fast_schedule() -> None:
    """The default periodic tasks (a transactional test before this one may have
    flushed the migration's rows), export and poll every second, the rest off so that
    nothing else (a 02:30 purge) runs meanwhile. Saved through the models, whose signals
    mark the schedule changed (PeriodicTasks.update_changed) for a running beat too."""
    ensure_periodic_tasks(PeriodicTask, IntervalSchedule, CrontabSchedule, settings.TIME_ZONE)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    for task in PeriodicTask.objects.filter(task__startswith="uccx_integration."):
        if task.task in FAST_TASKS:
            task.interval, task.crontab, task.enabled = every_second, None, True
        else:
            task.enabled = False
        task.save()


def open_round_the_clock() -> None:
    """A skill open 00:00-24:00 every day without holidays, and global rules that allow a
    callback at any hour, at once (no minimum lead)."""
    hours = BusinessHours.objects.create(name="Always open", time_zone="Europe/Warsaw")
    for day in Weekday.values:
        OpeningPeriod.objects.create(
            business_hours=hours, weekday=day, opens=dt.time(0), closes=dt.time(0)
        )
    Skill.objects.create(name=SKILL, business_hours=hours, enabled=True)
    rules = GlobalRules.load()
    rules.earliest_time = rules.latest_time = dt.time(0)
    rules.customer_earliest_time = rules.customer_latest_time = dt.time(0)
    rules.min_lead_minutes = 0
    rules.full_clean()
    rules.save()


def book_callback_in(delay: dt.timedelta) -> Callback:
    return callback_schedule(
        request=CallbackRequest("+48225559999", timezone.now() + delay, "Callback_Main", SKILL),
        details=CustomerDetails(first_name="Ewa", last_name="Testowa"),
        source=Source.API,
        actor="e2e",
    )


# --- the worker ----------------------------------------------------------------------
@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def celery_worker(
    simulator: Simulator, tmp_path: Path, *, broker_url: str | None = None
) -> Iterator[Worker]:
    """The worker with embedded beat as a subprocess in its own session (on the PostgreSQL
    test database and `broker_url`, by default REDIS_URL), stopped (SIGTERM, then SIGKILL
    to the whole group) whatever happened; its log tail is printed (pytest shows it when
    the test failed)."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url or REDIS_URL,
        "CM_VAR_DIR": str(tmp_path / "worker-var"),
        "UCCX_URL": simulator.url,
        "UCCX_USERNAME": USERNAME,
        "UCCX_PASSWORD": PASSWORD,
        "INFORMIX_DSN": f"DRIVER=SQLite3;Database={simulator.store.path};NoCreat=1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "campaign_manager", "worker", "-B",
        "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
        "--loglevel", "info", "--pool", "solo",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process, log)
    try:
        yield worker
    finally:
        stop(process)
        print(f"--- worker log tail ({log}) ---\n{worker.log_tail()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown, beat included
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    # Nothing of the group (beat runs in a child process) may outlive the test: it would
    # hold the test database open and keep it from being dropped.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# --- helpers -------------------------------------------------------------------------
def status_of(callback: Callback) -> str:
    return Callback.objects.values_list("status", flat=True).get(pk=callback.pk)


def wait_until(condition: Callable[[], bool], worker: Worker) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited ({worker.process.returncode}):\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"not done after {TIMEOUT_SECONDS:.0f} s:\n{worker.log_tail()}")
        time.sleep(0.5)


def is_subsequence(wanted: list[str], seen: list[str]) -> bool:
    remaining: Iterator[str] = iter(seen)
    return all(kind in remaining for kind in wanted)
