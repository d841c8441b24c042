"""Default periodic tasks written into django-celery-beat once, by the apps' data
migrations (uccx_integration/0002, callbacks/0005); administrators change them
afterwards under Periodic tasks (any interval or crontab)."""

from __future__ import annotations

from typing import Any

# name shown in the admin → (task, every N seconds | crontab "minute hour")
Schedule = dict[str, tuple[str, int | str]]


def ensure_periodic_tasks(
    schedule: Schedule,
    periodic_task: Any,
    interval_schedule: Any,
    crontab_schedule: Any,
    time_zone: str,
) -> list[str]:
    """Create the periodic tasks of `schedule` that do not exist (by task); never change
    one an administrator edited. Takes the models (historical ones in a migration).
    Returns the names created. A crontab runs in `time_zone` (02:30 local, not UTC)."""
    created = []
    existing = set(periodic_task.objects.values_list("task", flat=True))
    for name, (task, when) in schedule.items():
        if task in existing:
            continue
        options: dict[str, Any] = {}
        if isinstance(when, int):
            options["interval"], _ = interval_schedule.objects.get_or_create(
                every=when, period="seconds"
            )
            # A message the worker could not take in time is dropped, not piled up: the
            # next run does the same work.
            options["expire_seconds"] = when
        else:
            minute, hour = when.split()
            options["crontab"], _ = crontab_schedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=time_zone,
            )
        periodic_task.objects.create(name=name, task=task, **options)
        created.append(name)
    return created
