"""The admin's "System" section: infrastructure models a business administrator has no
use for (login lockouts, beat's schedule building blocks, idempotency records), grouped
in one section and shown to superusers only. Periodic tasks stay where they are."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (app label, model name) of the models under "System".
SYSTEM_MODELS = frozenset(
    {
        ("axes", "accessattempt"),
        ("axes", "accesslog"),
        ("axes", "accessfailurelog"),
        ("django_celery_beat", "clockedschedule"),
        ("django_celery_beat", "crontabschedule"),
        ("django_celery_beat", "intervalschedule"),
        ("django_celery_beat", "solarschedule"),
        ("callbacks", "idempotencyrecord"),
    }
)
# Still open, by permission, to the callback administrators who unlock a locked-out
# user by deleting the access attempt (the lockout page links there; callbacks/roles.py).
OPEN_BY_PERMISSION = frozenset({("axes", "accessattempt")})
SYSTEM_LABEL = "system"


def _is_system(app_label: str, model: dict[str, Any]) -> bool:
    return (app_label, model["object_name"].lower()) in SYSTEM_MODELS


def system_app_list(apps: list, request: HttpRequest, app_label=None) -> list:
    """The site's app list with the System models taken out of their apps; superusers
    get them back as one "System" section, last."""
    system: list[dict[str, Any]] = []
    kept = []
    for app in apps:
        models: list[dict[str, Any]] = []
        for model in app["models"]:
            (system if _is_system(app["app_label"], model) else models).append(model)
        if models:
            kept.append({**app, "models": models})
    if system and request.user.is_superuser and app_label is None:
        kept.append(
            {
                "name": _("System"),
                "app_label": SYSTEM_LABEL,
                "app_url": reverse("admin:index") + "#system",
                "has_module_perms": True,
                "models": sorted(system, key=lambda model: str(model["name"])),
            }
        )
    return kept


def _superuser_only(method):
    def check(request, *args, **kwargs):
        return bool(request.user.is_superuser) and method(request, *args, **kwargs)

    return check


def install(site: admin.AdminSite) -> None:
    """Group the System models on `site` and keep every other user out of them (their
    pages too, not only the sidebar)."""
    original = site.get_app_list

    def get_app_list(request, app_label=None):
        return system_app_list(original(request, app_label), request, app_label)

    site.get_app_list = get_app_list  # type: ignore[method-assign]
    for model, model_admin in site._registry.items():
        key = (model._meta.app_label, model._meta.model_name)
        if key not in SYSTEM_MODELS or key in OPEN_BY_PERMISSION:
            continue
        for name in (
            "has_view_permission",
            "has_change_permission",
            "has_add_permission",
            "has_delete_permission",
        ):
            setattr(model_admin, name, _superuser_only(getattr(model_admin, name)))
