"""Default periodic tasks written into django-celery-beat once, by the apps' data
migrations (uccx_integration/0002, callbacks/0005, callbacks/0009); administrators
change them afterwards under Periodic tasks (any interval or crontab).

The registry: each app's AppConfig declares `periodic_tasks` (a Schedule);
`default_schedule()` gathers them, and task health builds its MAX_AGE from it."""

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


def default_schedule() -> Schedule:
    """Every installed app's default periodic tasks: the `periodic_tasks` its AppConfig
    declares (a Schedule), in INSTALLED_APPS order."""
    from django.apps import apps

    merged: Schedule = {}
    for config in apps.get_app_configs():
        merged.update(getattr(config, "periodic_tasks", None) or {})
    return merged


def short_name(task: str) -> str:
    """ "uccx_integration.export_due_callbacks" -> "export_due_callbacks": the key of
    IntegrationStatus, the health box and /readyz."""
    return task.split(".", 1)[-1]


def task_names() -> dict[str, str]:
    """Short name -> registered Celery task name, for every default periodic task."""
    return {short_name(task): task for task, _ in default_schedule().values()}
