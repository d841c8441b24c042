"""Indexes for the report views (measured by bench/reporting.py): one agent's callbacks by
day, and a callback's dial attempts."""

import django.db.models.functions.comparison
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0006_admin_groups"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="callback",
            index=models.Index(
                django.db.models.functions.comparison.NullIf("agent_id", models.Value("")),
                models.F("local_date"),
                condition=models.Q(
                    django.db.models.lookups.IsNull(
                        django.db.models.functions.comparison.NullIf(
                            "agent_id", models.Value("")
                        ),
                        False,
                    )
                ),
                name="callback_report_agent",
            ),
        ),
        migrations.AddIndex(
            model_name="callbackevent",
            index=models.Index(
                condition=models.Q(("kind", "dial_attempt")),
                fields=["callback"],
                name="callbackevent_report_attempt",
            ),
        ),
    ]
