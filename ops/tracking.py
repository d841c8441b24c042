"""Each background task's last run (any app's), for the admin index and /readyz: `track`
records a run, `task_health` judges them, the metrics count them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from prometheus_client import Counter, Histogram

from .beat import default_schedule, short_name
from .models import IntegrationStatus

# Task name → how old its last success may be before it counts as stale: three of its
# default periods (every app's, ops.beat), a daily crontab a day and three hours.
MAX_AGE: dict[str, dt.timedelta] = {
    short_name(task): (
        dt.timedelta(seconds=3 * when) if isinstance(when, int) else dt.timedelta(hours=27)
    )
    for task, when in default_schedule().values()
}
# Task name → its default period: a task that never ran is red only once its first due
# time is behind by more than this (before that it is "waiting", a neutral state).
PERIOD: dict[str, dt.timedelta] = {
    short_name(task): dt.timedelta(seconds=when) if isinstance(when, int) else dt.timedelta(days=1)
    for task, when in default_schedule().values()
}


# Recorded in the process that runs the task (the Celery worker); /metrics adds up the
# processes sharing PROMETHEUS_MULTIPROC_DIR. Seen from every machine: IntegrationStatus.
TASK_DURATION = Histogram(
    "campaign_manager_task_duration_seconds",
    "How long integration task runs took, failed ones included.",
    ["task"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
TASK_FAILURES = Counter(
    "campaign_manager_task_failures_total",
    "Integration task runs that failed, wholly or partly.",
    ["task"],
)


class PartialFailure(Exception):
    """A run that did some of its work: what failed, and the counts of what was done."""

    def __init__(self, message: str, counts: dict[str, Any]) -> None:
        super().__init__(message)
        self.counts = counts


@contextmanager
def track(task: str) -> Iterator[dict[str, Any]]:
    """Record a run of `task`: yields a dict for its counts; an exception (re-raised) or
    a PartialFailure (swallowed: the work done is kept) marks the run failed."""
    started = timezone.now()
    clock = time.monotonic()
    IntegrationStatus.objects.get_or_create(task=task)
    IntegrationStatus.objects.filter(task=task).update(last_started_at=started)
    counts: dict[str, Any] = {}
    try:
        yield counts
    except PartialFailure as failure:
        _finish(task, clock, {**counts, **failure.counts}, error=str(failure))
    except Exception as error:
        _finish(task, clock, counts, error=f"{type(error).__name__}: {error}")
        raise
    else:
        _finish(task, clock, counts, error=None)


def _finish(task: str, clock: float, counts: dict[str, Any], *, error: str | None) -> None:
    now = timezone.now()
    seconds = time.monotonic() - clock
    TASK_DURATION.labels(task).observe(seconds)
    if error is not None:
        TASK_FAILURES.labels(task).inc()
    common = {
        "last_counts": counts,
        "last_duration_ms": int(seconds * 1000),
        "runs": F("runs") + 1,
    }
    if error is None:
        IntegrationStatus.objects.filter(task=task).update(
            last_success_at=now, last_error="", consecutive_failures=0, **common
        )
    else:
        IntegrationStatus.objects.filter(task=task).update(
            last_failure_at=now,
            last_error=error[:2000],
            failures=F("failures") + 1,
            consecutive_failures=F("consecutive_failures") + 1,
            **common,
        )


@dataclass(frozen=True)
class TaskHealth:
    task: str
    ok: bool
    summary: str
    status: IntegrationStatus | None
    # Not run yet, and its first due time is not overdue by more than its period: ok
    # (never red), shown in a neutral colour as "waiting (first run at …)".
    waiting: bool = False


def task_health(now: dt.datetime | None = None) -> list[TaskHealth]:
    """Green when the last run succeeded and is recent enough; red otherwise, saying why."""
    now = now or timezone.now()
    known = {status.task: status for status in IntegrationStatus.objects.all()}
    never_ran = {task for task in MAX_AGE if not _has_run(known.get(task))}
    # Beat's schedule is read only for those (usually none: /readyz and /metrics ask often).
    first_due = _first_due_times(never_ran) if never_ran else {}
    report = []
    for task, max_age in MAX_AGE.items():
        status = known.get(task)
        if status is None or task in never_ran:
            report.append(_not_run_yet(task, status, first_due.get(task), now))
        elif status.consecutive_failures:
            report.append(
                TaskHealth(
                    task,
                    False,
                    ngettext(
                        "failed %(n)d time in a row: %(error)s",
                        "failed %(n)d times in a row: %(error)s",
                        status.consecutive_failures,
                    )
                    % {"n": status.consecutive_failures, "error": status.last_error},
                    status,
                )
            )
        elif status.last_success_at is None or now - status.last_success_at > max_age:
            report.append(
                TaskHealth(
                    task,
                    False,
                    _("no success for more than %(age)s") % {"age": _minutes(max_age)},
                    status,
                )
            )
        else:
            report.append(TaskHealth(task, True, "ok", status))
    return report


def _not_run_yet(
    task: str, status: IntegrationStatus | None, due: dt.datetime | None, now: dt.datetime
) -> TaskHealth:
    if due is None:
        return TaskHealth(task, False, _("never ran and is not scheduled (Periodic tasks)"), status)
    when = local_minute(due)
    if now <= due + PERIOD[task]:
        return TaskHealth(
            task, True, _("waiting (first run at %(when)s)") % {"when": when}, status, True
        )
    return TaskHealth(
        task,
        False,
        _("never ran, due at %(when)s (is the Celery worker up?)") % {"when": when},
        status,
    )


def _has_run(status: IntegrationStatus | None) -> bool:
    return status is not None and (
        status.last_success_at is not None or status.last_failure_at is not None
    )


def _first_due_times(tasks: set[str]) -> dict[str, dt.datetime]:
    """Task name -> when beat first runs it, for these tasks: the first time its schedule
    (an enabled periodic task) comes due after it was created or last changed
    (django-celery-beat starts an interval one period after that, a crontab at its next
    time)."""
    from django_celery_beat.models import PeriodicTask

    from .beat import task_names

    names = {name: short for short, name in task_names().items() if short in tasks}
    due: dict[str, dt.datetime] = {}
    periodic_tasks = (
        PeriodicTask.objects.filter(task__in=names, enabled=True)
        .select_related("interval", "crontab")
        .order_by("pk")
    )
    for periodic in periodic_tasks:
        first = due_after(periodic, periodic.date_changed or timezone.now())
        if first is not None:
            due.setdefault(names[periodic.task], first)
    return due


def due_after(periodic: Any, after: dt.datetime) -> dt.datetime | None:
    """A periodic task's first due time after `after` (its last run, or when it was
    written): one interval later, or the crontab's next time; None for other schedules."""
    if periodic.interval is not None:
        return after + dt.timedelta(**{periodic.interval.period: periodic.interval.every})
    if periodic.crontab is not None:
        return _next_crontab(periodic, after)
    return None


def _next_crontab(periodic: Any, after: dt.datetime) -> dt.datetime:
    """The crontab's first time after `after`, found minute by minute in its own zone
    (a crontab of ours fires at least daily; two days bound the search)."""
    schedule = periodic.crontab.schedule
    zone = ZoneInfo(str(periodic.crontab.timezone))
    moment = after.astimezone(zone).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    for _step in range(2 * 24 * 60):
        if (
            moment.minute in schedule.minute
            and moment.hour in schedule.hour
            and moment.isoweekday() % 7 in schedule.day_of_week
            and moment.day in schedule.day_of_month
            and moment.month in schedule.month_of_year
        ):
            return moment.astimezone(dt.UTC)
        moment = (moment.astimezone(dt.UTC) + dt.timedelta(minutes=1)).astimezone(zone)
    return after + dt.timedelta(days=2)


def local_minute(moment: dt.datetime) -> str:
    """'2026-12-03 02:30 CET' in the site's zone (settings.TIME_ZONE)."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


def _minutes(age: dt.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes >= 120 else f"{minutes} min"
