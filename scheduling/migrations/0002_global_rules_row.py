"""The single GlobalRules row exists from the first migration on.

Callback creation locks this row to take turns (slot capacity, duplicates); without
the row there would be nothing to lock on a fresh install.
"""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("scheduling", "GlobalRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
