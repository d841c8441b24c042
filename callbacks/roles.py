"""The admin's groups and their permissions, written by the data migration
callbacks/0006_admin_groups (administrators may change them afterwards).

A pattern is "app_label.codename" with shell wildcards ("scheduling.*": every permission
of the app). What each permission opens in the admin:
- "Can change callback" cancels and reschedules callbacks (through the services);
- "Can change callback campaign" also purges their UCCX dialing lists;
- "Can change periodic task" also runs an integration task now (admin index);
- "reporting.view_dashboard" shows the reports dashboard and its CSV export.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

ADMINISTRATORS = "Callback administrators"
SUPERVISORS = "Supervisors"
AUDITORS = "Auditors"

GROUPS: dict[str, tuple[str, ...]] = {
    # All configuration: rules, skills and hours, campaigns, callbacks, API keys, the
    # schedule of the background tasks; the integration's records to look at; the login
    # lockouts (deleting one unlocks the user).
    ADMINISTRATORS: (
        "scheduling.*",
        "callbacks.*",
        "django_celery_beat.*",
        "uccx_integration.view_*",
        "ops.view_*",
        "reporting.view_dashboard",
        "axes.view_*",
        "axes.delete_accessattempt",
    ),
    # See and manage callbacks (cancel, reschedule), their timelines, the configuration
    # and the integration's health to understand them, and the reports; change nothing else.
    SUPERVISORS: (
        "callbacks.view_callback",
        "callbacks.change_callback",
        "callbacks.view_callbackevent",
        "callbacks.view_callbackcampaign",
        "callbacks.view_recallpolicy",
        "scheduling.view_*",
        "ops.view_integrationstatus",
        "uccx_integration.view_exportbatch",
        "reporting.view_dashboard",
    ),
    # Read only, everything: configuration, callbacks, keys (never their secrets: only
    # hashes are stored), schedules, integration records, lockouts, users and groups.
    AUDITORS: (
        "scheduling.view_*",
        "callbacks.view_*",
        "uccx_integration.view_*",
        "ops.view_*",
        "django_celery_beat.view_*",
        "reporting.view_*",
        "axes.view_*",
        "auth.view_user",
        "auth.view_group",
    ),
}


def permissions_matching(patterns: tuple[str, ...], permission_model: Any) -> list[Any]:
    """The permissions (rows of `permission_model`) whose "app_label.codename" matches."""
    rows = permission_model.objects.select_related("content_type")
    return [
        permission
        for permission in rows
        if any(
            fnmatchcase(f"{permission.content_type.app_label}.{permission.codename}", pattern)
            for pattern in patterns
        )
    ]


def ensure_groups(group_model: Any, permission_model: Any) -> None:
    """Create the groups and add their permissions; takes the models (historical ones in
    a migration). Only adds: a permission an administrator gave a group stays."""
    for name, patterns in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permissions_matching(patterns, permission_model))
