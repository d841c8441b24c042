"""The admin's groups: Callback administrators, Supervisors, Auditors (callbacks.roles)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from callbacks.roles import ensure_groups

DASHBOARD_PERMISSION = "Can see the reports dashboard and export CSV"


def create_groups(apps, schema_editor):
    alias = schema_editor.connection.alias
    # Django creates permissions after migrate (post_migrate): on a new database they do
    # not exist yet, so create those of every installed app now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
    # The reports' permission, even before the reporting app has a model to carry it
    # (the same content type and codename as reporting.Dashboard).
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    dashboard, _ = content_type_model.objects.using(alias).get_or_create(
        app_label="reporting", model="dashboard"
    )
    permission_model.objects.using(alias).get_or_create(
        content_type=dashboard,
        codename="view_dashboard",
        defaults={"name": DASHBOARD_PERMISSION},
    )
    ensure_groups(apps.get_model("auth", "Group"), permission_model)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("callbacks", "0005_retention"),
        ("scheduling", "0005_on_time_minutes"),
        ("uccx_integration", "0002_default_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
