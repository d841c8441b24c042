"""The promised day and UTC offset in the skill's zone, stored for the report views."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models


def fill(apps, schema_editor):
    Callback = apps.get_model("callbacks", "Callback")
    Skill = apps.get_model("scheduling", "Skill")
    zones = dict(Skill.objects.values_list("pk", "business_hours__time_zone"))
    batch = []
    for callback in Callback.objects.only("pk", "scheduled_at", "skill_id").iterator(2000):
        local = callback.scheduled_at.astimezone(ZoneInfo(zones[callback.skill_id]))
        callback.local_date = local.date()
        callback.local_offset_minutes = int(
            (local.utcoffset() or dt.timedelta(0)).total_seconds() // 60
        )
        batch.append(callback)
        if len(batch) == 2000:
            Callback.objects.bulk_update(batch, ["local_date", "local_offset_minutes"])
            batch = []
    Callback.objects.bulk_update(batch, ["local_date", "local_offset_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0003_dialer_attempts"),
        ("scheduling", "0005_on_time_minutes"),
    ]

    operations = [
        migrations.AddField(
            model_name="callback",
            name="local_date",
            field=models.DateField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="callback",
            name="local_offset_minutes",
            field=models.SmallIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="callback",
            name="local_date",
            field=models.DateField(
                editable=False, help_text="The promised day in the skill's time zone (reports)."
            ),
        ),
        migrations.AlterField(
            model_name="callback",
            name="local_offset_minutes",
            field=models.SmallIntegerField(
                editable=False,
                help_text="The skill zone's UTC offset at the promised time, in minutes "
                "(reports).",
            ),
        ),
        migrations.AddIndex(
            model_name="callback",
            index=models.Index(
                fields=["local_date", "campaign", "skill"], name="callback_report_day"
            ),
        ),
    ]
