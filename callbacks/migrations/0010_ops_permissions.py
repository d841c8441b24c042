"""IntegrationStatus and DirectoryEntry moved to ops (ops/0001): whoever could see or
change them under uccx_integration (a group or a user, the admin's groups or one an
administrator made) gets the same permission under ops, and the groups of
callbacks.roles theirs. The old permissions stay until stale content types are removed."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.conf import settings
from django.db import migrations

from callbacks.roles import ensure_groups

MOVED = ("integrationstatus", "directoryentry")


def forward(apps, schema_editor):
    alias = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("ops"), verbosity=0, using=alias, apps=apps)
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for old in permission_model.objects.using(alias).filter(
        content_type__app_label="uccx_integration", content_type__model__in=MOVED
    ):
        new = permission_model.objects.using(alias).filter(
            content_type__app_label="ops",
            content_type__model=old.content_type.model,
            codename=old.codename,
        ).first()
        if new is None:
            continue
        for group in group_model.objects.using(alias).filter(permissions=old):
            group.permissions.add(new)
        for user in user_model.objects.using(alias).filter(user_permissions=old):
            user.user_permissions.add(new)
    ensure_groups(group_model, permission_model)


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0009_expire_overdue_task"),
        ("callbacks", "0006_admin_groups"),
        ("ops", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
