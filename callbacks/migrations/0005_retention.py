"""Retention: an index on finished callbacks, and the daily periodic task that removes
the expired ones (callbacks.retention), editable in the admin afterwards."""

from django.conf import settings
from django.db import migrations, models

from ops.beat import ensure_periodic_tasks

# As this migration wrote it (the schedule itself is in callbacks.schedule now).
DEFAULT_SCHEDULE = {
    "Remove expired callback history": ("callbacks.remove_expired_history", "15 3"),
}


def create_schedule(apps, schema_editor):
    ensure_periodic_tasks(
        DEFAULT_SCHEDULE,
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0004_local_promise"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="callback",
            index=models.Index(
                condition=models.Q(("finished_at__isnull", False)),
                fields=["finished_at"],
                name="callback_finished",
            ),
        ),
        migrations.RunPython(create_schedule, migrations.RunPython.noop),
    ]
