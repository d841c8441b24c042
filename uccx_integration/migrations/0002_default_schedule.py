"""The default beat schedule in django-celery-beat (editable in the admin afterwards)."""

from django.conf import settings
from django.db import migrations

from uccx_integration.schedule import ensure_periodic_tasks


def create_schedule(apps, schema_editor):
    ensure_periodic_tasks(
        apps.get_model("django_celery_beat", "PeriodicTask"),
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("uccx_integration", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
