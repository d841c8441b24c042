"""Admin logins are rate-limited (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords
for one user name from one address, that pair is locked out for LOGIN_COOLOFF_MINUTES,
even with the right password; other users, other addresses and API keys are not."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.callbacks.api_helpers import key_client, new_key

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Dozens of logins per test: PBKDF2's deliberate slowness is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def boss(fast_hashing):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "right-pw")


@pytest.fixture
def clerk(fast_hashing):
    return get_user_model().objects.create_user("clerk", password="clerk-pw", is_staff=True)


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def lock_out(client: Client, username: str = "boss", **extra) -> list[int]:
    return [
        log_in(client, username, "wrong-pw", **extra).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_it_locks_out_after_the_failure_limit_even_with_the_right_password(clock, client, boss):
    statuses = lock_out(client)

    answer = log_in(client, "boss", "right-pw")

    # The form says "wrong password" until the limit; the last failure locks.
    assert settings.AXES_FAILURE_LIMIT == 5
    assert statuses == [200, 200, 200, 200, 429]
    assert answer.status_code == 429
    page = answer.content.decode()
    assert "Too many failed logins" in page
    assert "blocked for 15 minutes" in page
    assert "Campaign Manager" in page  # the admin's own look
    assert not logged_in(client)


def test_it_lets_the_user_in_again_after_the_cool_off(clock, client, boss):
    lock_out(client)
    clock.shift(dt.timedelta(minutes=14))
    assert log_in(client, "boss", "right-pw").status_code == 429

    # Counted from the last attempt: the one refused above.
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    answer = log_in(client, "boss", "right-pw")

    assert answer.status_code == 302
    assert logged_in(client)


def test_it_does_not_lock_out_other_users_or_other_addresses(clock, client, boss, clerk):
    lock_out(client)

    assert log_in(client, "clerk", "clerk-pw").status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, "boss", "right-pw").status_code == 302
    assert logged_in(elsewhere)


def test_it_forgets_earlier_failures_after_a_successful_login(clock, client, boss):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "boss", "wrong-pw")
    assert log_in(client, "boss", "right-pw").status_code == 302
    client.logout()

    assert log_in(client, "boss", "wrong-pw").status_code == 200  # not the last one yet


def test_it_never_counts_or_locks_api_keys(clock, client, boss):
    _, key = new_key("gadget")
    lock_out(client)
    attempts = AccessAttempt.objects.count()

    wrong = [key_client("not-a-key").get("/api/v1/ping").status_code for _ in range(10)]

    assert wrong == [401] * 10
    assert AccessAttempt.objects.count() == attempts
    assert key_client(key).get("/api/v1/ping").status_code == 200


def test_a_callback_administrator_unlocks_by_deleting_the_access_attempt(clock, client, boss):
    lock_out(client)
    admin = get_user_model().objects.create_user("ops", is_staff=True)
    admin.groups.add(Group.objects.get(name="Callback administrators"))
    browser = Client()
    browser.force_login(admin)
    attempt = AccessAttempt.objects.get(username="boss")

    answer = browser.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert answer.status_code == 302
    assert log_in(client, "boss", "right-pw").status_code == 302
