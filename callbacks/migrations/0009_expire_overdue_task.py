"""The expiry task moved from uccx_integration to callbacks (callbacks.expire_overdue):
the periodic tasks that ran it under its old name run it under the new one, keeping
their schedule, enabled flag and every edit an administrator made."""

from django.conf import settings
from django.db import migrations

from ops.beat import ensure_periodic_tasks

OLD, NEW = "uccx_integration.expire_overdue", "callbacks.expire_overdue"


def forward(apps, schema_editor):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    periodic_task.objects.filter(task=OLD).update(task=NEW)
    # A database that never had one (the schedule as this migration knows it).
    ensure_periodic_tasks(
        {"Expire overdue callbacks": (NEW, 300)},
        periodic_task,
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        settings.TIME_ZONE,
    )
    _changed(apps)


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NEW).update(task=OLD)
    _changed(apps)


def _changed(apps):
    # Beat reloads its schedule when PeriodicTasks.last_update moves.
    from django.utils import timezone

    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0008_report_outcome_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
