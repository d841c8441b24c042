"""Issue 17: the admin in Polish for a Polish reader (the header's language switch, or
the browser's language), English by default. Needs the compiled .mo that `make` builds
(scripts/bootstrap.sh); without it the test fails, naming the step."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.usefixtures("frozen_now")
MO = Path(settings.BASE_DIR) / "locale/pl/LC_MESSAGES/django.mo"


@pytest.fixture
def browser(db, demo, now):
    assert MO.exists(), f"{MO} missing: run `make bootstrap` (msgfmt compiles the .po)"
    PeriodicTask.objects.update(date_changed=now)  # a fresh start: every task waits
    boss = get_user_model().objects.create_superuser("boss", "b@example.com", "pw")
    client = Client()
    client.force_login(boss)
    return client


def test_the_admin_is_english_by_default_with_a_language_switch(browser):
    page = browser.get(reverse("admin:index")).content.decode()

    assert '<html lang="en' in page
    assert 'id="language-switch"' in page and 'value="pl"' in page
    assert "Callbacks for UCCX outbound IVR campaigns" in page
    assert "Waiting" in page


def test_the_switch_turns_the_admin_polish_ours_and_djangos_words(browser):
    answer = browser.post(reverse("set_language"), {"language": "pl", "next": "/admin/"})
    assert answer.status_code == 302

    page = browser.get(reverse("admin:index")).content.decode()

    assert '<html lang="pl"' in page
    assert "Oddzwonienia dla kampanii wychodzących IVR w UCCX" in page
    assert "Oczekuje" in page and "czeka" in page and "pierwsze uruchomienie" in page
    assert "Wyloguj" in page  # Django's own Polish
    assert "codziennie o 02:30 Europe/Warsaw" in page


def test_a_polish_browser_gets_polish_reports(browser):
    page = browser.get(
        reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9"
    ).content.decode()

    assert '<html lang="pl"' in page
