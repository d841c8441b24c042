"""Issue 17 point 6: infrastructure models (Axes, beat's schedule building blocks,
idempotency records) sit in one "System" section, last, for superusers only; a staff
user with every permission neither sees them nor opens them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

# Access attempts stay open by permission (unlocking a user, test_login_lockout.py).
SYSTEM_PAGES = [
    "admin:axes_accesslog_changelist",
    "admin:django_celery_beat_clockedschedule_changelist",
    "admin:django_celery_beat_crontabschedule_changelist",
    "admin:django_celery_beat_intervalschedule_changelist",
    "admin:django_celery_beat_solarschedule_changelist",
    "admin:callbacks_idempotencyrecord_changelist",
]


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def boss(db):
    return get_user_model().objects.create_superuser("boss", "b@example.com", "pw")


@pytest.fixture
def manager(db):
    user = get_user_model().objects.create_user("manager", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


def sections(response) -> dict[str, list[str]]:
    return {
        str(app["name"]): [str(model["name"]) for model in app["models"]]
        for app in response.context["app_list"]
    }


def test_a_superuser_finds_the_infrastructure_in_one_system_section_last(boss):
    found = sections(logged_in(boss).get(reverse("admin:index")))

    assert list(found)[-1] == "System"
    assert set(found["System"]) >= {
        "Access attempts",
        "Clocked",
        "Crontabs",
        "Intervals",
        "Solar events",
        "Idempotency records",
    }
    assert found["Periodic Tasks"] == ["Periodic tasks"]
    assert "Idempotency records" not in found["Callbacks"]
    assert "Axes" not in found


def test_staff_with_every_permission_neither_see_nor_open_the_system_models(manager):
    browser = logged_in(manager)
    found = sections(browser.get(reverse("admin:index")))

    assert "System" not in found and "Axes" not in found
    assert found["Periodic Tasks"] == ["Periodic tasks"]
    for page in SYSTEM_PAGES:
        assert browser.get(reverse(page)).status_code == 403, page


def test_a_superuser_opens_the_system_models(boss):
    browser = logged_in(boss)

    for page in SYSTEM_PAGES:
        assert browser.get(reverse(page)).status_code == 200, page
