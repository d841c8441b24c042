"""The recall policy's permissions (0011) for the admin's groups of callbacks.roles:
Callback administrators change it, Supervisors and Auditors see it."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from callbacks.roles import ensure_groups


def forward(apps, schema_editor):
    alias = schema_editor.connection.alias
    create_permissions(
        global_apps.get_app_config("callbacks"), verbosity=0, using=alias, apps=apps
    )
    ensure_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0011_i16_recall_rounds"),
        ("callbacks", "0010_ops_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
