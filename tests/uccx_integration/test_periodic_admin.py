"""Issue 17 point 6: Periodic tasks in words, last and next run in local time, and
"Delete selected" never the first action."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ops.schedule_text import interval_in_words

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def browser(db):
    boss = get_user_model().objects.create_superuser("boss", "b@example.com", "pw")
    client = Client()
    client.force_login(boss)
    return client


def row_of(page: str, name: str) -> str:
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(name)}.*?</tr>", page, re.S).group(0)


def test_the_list_says_each_schedule_in_words_with_local_times(browser, now):
    purge = PeriodicTask.objects.get(task="uccx_integration.purge_dialing_lists")
    PeriodicTask.objects.filter(pk=purge.pk).update(last_run_at=now - dt.timedelta(hours=7))

    page = browser.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    row = row_of(page.decode(), purge.name)

    assert '<td class="field-when">every day at 02:30 Europe/Warsaw</td>' in row
    assert '<td class="field-last_run">2026-11-20 03:00:00 CET</td>' in row  # 02:00 UTC
    assert '<td class="field-next_run">2026-11-21 02:30:00 CET</td>' in row


def test_delete_selected_is_the_last_action(browser):
    page = browser.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    actions = re.findall(r'<option value="([a-z_]+)"', page.decode())

    assert actions[-1] == "delete_selected" and actions[0] != "delete_selected"


def test_the_health_box_says_the_purge_schedule_in_words(browser, demo):
    page = browser.get(reverse("admin:index")).content.decode()

    assert "every day at 02:30 Europe/Warsaw" in page


@pytest.mark.parametrize(
    ("every", "period", "english", "polish"),
    [
        (60, "seconds", "every minute", "co minutę"),
        (300, "seconds", "every 5 minutes", "co 5 minut"),
        (120, "seconds", "every 2 minutes", "co 2 minuty"),
        (3600, "seconds", "every hour", "co godzinę"),
        (7200, "seconds", "every 2 hours", "co 2 godziny"),
        (86400, "seconds", "every day", "codziennie"),
        (90, "seconds", "every 90 seconds", "co 90 sekund"),
        (1, "seconds", "every second", "co sekundę"),
        (22, "minutes", "every 22 minutes", "co 22 minuty"),
    ],
)
def test_an_interval_is_said_in_its_largest_whole_unit(every, period, english, polish):
    interval = IntervalSchedule(every=every, period=period)

    with translation.override("en"):
        assert interval_in_words(interval) == english
    with translation.override("pl"):
        assert interval_in_words(interval) == polish
