"""The admin's groups (callbacks.roles, written by migration callbacks/0006): what a
member of each may open, through the admin with the test client.

Cast: the demo installation (tests/conftest.py), one waiting callback, one API
key, the default periodic tasks, and one staff user per group (no other permission).
"""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from callbacks.models import CallbackCampaign
from callbacks.roles import ADMINISTRATORS, AUDITORS, SUPERVISORS
from scheduling.models import GlobalRules, Skill
from tests.callbacks.api_helpers import new_key
from uccx_integration import tasks

pytestmark = pytest.mark.usefixtures("frozen_now")

PAGES = ("changelist", "change", "add", "delete")
# Per group and admin page: changelist, change, add, delete. 302: the global rules'
# list goes to its one page; 403: refused (some pages are refused to everyone: no
# callback is added or deleted by hand, a key is revoked rather than deleted).
EXPECTED = {
    ADMINISTRATORS: {
        "scheduling.skill": (200, 200, 200, 200),
        "scheduling.globalrules": (302, 200, 403, 403),
        "callbacks.callbackcampaign": (200, 200, 200, 200),
        "callbacks.callback": (200, 200, 403, 403),
        "callbacks.apikey": (200, 200, 200, 403),
        "django_celery_beat.periodictask": (200, 200, 200, 200),
    },
    SUPERVISORS: {
        "scheduling.skill": (200, 200, 403, 403),
        "scheduling.globalrules": (302, 200, 403, 403),
        "callbacks.callbackcampaign": (200, 200, 403, 403),
        "callbacks.callback": (200, 200, 403, 403),
        "callbacks.apikey": (403, 403, 403, 403),
        "django_celery_beat.periodictask": (403, 403, 403, 403),
    },
    AUDITORS: {
        "scheduling.skill": (200, 200, 403, 403),
        "scheduling.globalrules": (302, 200, 403, 403),
        "callbacks.callbackcampaign": (200, 200, 403, 403),
        "callbacks.callback": (200, 200, 403, 403),
        "callbacks.apikey": (200, 200, 403, 403),
        "django_celery_beat.periodictask": (200, 200, 403, 403),
    },
}


@pytest.fixture
def objects(demo, make_callback) -> dict[str, object]:
    key, _ = new_key("gadget")
    return {
        "scheduling.skill": Skill.objects.get(name="Sales"),
        "scheduling.globalrules": GlobalRules.load(),
        "callbacks.callbackcampaign": CallbackCampaign.objects.get(name="Callback_Main"),
        "callbacks.callback": make_callback(),
        "callbacks.apikey": key,
        "django_celery_beat.periodictask": PeriodicTask.objects.order_by("pk").first(),
    }


def member_of(group: str) -> Client:
    user = get_user_model().objects.create_user(group.split()[0].lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    browser.user = user  # type: ignore[attr-defined]
    return browser


def page_url(model: str, page: str, obj) -> str:
    name = f"admin:{model.replace('.', '_')}_{page}"
    return reverse(name, args=[obj.pk] if page in ("change", "delete") else [])


@pytest.mark.parametrize("group", EXPECTED)
def test_it_opens_each_admin_page_as_the_group_allows(group, objects):
    browser = member_of(group)

    seen = {
        model: tuple(browser.get(page_url(model, page, obj)).status_code for page in PAGES)
        for model, obj in objects.items()
    }

    assert seen == EXPECTED[group]


def action_names(browser: Client, model: str) -> set[str]:
    response = browser.get(page_url(model, "changelist", None))
    if response.status_code != 200:
        return set()
    form = response.context["action_form"]
    return {name for name, _ in form.fields["action"].choices if name} if form else set()


# Per group: actions on callbacks and on campaigns, the reschedule page, "Run now" on
# the admin index, the index's UCCX health box, the "Check a time" page, the reports.
ACTIONS = {
    ADMINISTRATORS: (
        {"cancel_selected", "revalidate_selected", "called_in_selected"},
        {"purge_selected", "delete_selected"},
        200,
        302,
        True,
        200,
        True,
    ),
    SUPERVISORS: (
        {"cancel_selected", "revalidate_selected", "called_in_selected"},
        set(),
        200,
        403,
        True,
        200,
        True,
    ),
    AUDITORS: ({"revalidate_selected"}, set(), 403, 403, True, 200, True),
}


@pytest.mark.parametrize("group", ACTIONS)
def test_it_offers_the_actions_the_group_may_take(group, objects):
    browser = member_of(group)
    callback = objects["callbacks.callback"]
    reschedule = reverse("admin:callbacks_callback_reschedule", args=[callback.pk])
    run_now = reverse("admin:uccx_integration_integrationstatus_run", args=["reconcile_exports"])

    with mock.patch.object(tasks.reconcile_exports, "delay") as delay:
        seen = (
            action_names(browser, "callbacks.callback"),
            action_names(browser, "callbacks.callbackcampaign"),
            browser.get(reschedule).status_code,
            browser.post(run_now).status_code,
            "UCCX integration" in browser.get(reverse("admin:index")).content.decode(),
            browser.get(reverse("admin:scheduling_skill_check_time")).status_code,
            browser.user.has_perm("reporting.view_dashboard"),
        )

    assert seen == ACTIONS[group]
    assert delay.called == (group == ADMINISTRATORS)


def test_staff_outside_every_group_sees_nothing(objects):
    browser = Client()
    browser.force_login(get_user_model().objects.create_user("nobody", is_staff=True))

    assert browser.get(page_url("callbacks.callback", "changelist", None)).status_code == 403
    assert browser.get(page_url("scheduling.skill", "changelist", None)).status_code == 403
