"""The recall policy in the admin: the steps in the administrator's words, refused bad
input, the help on UCCX's own attempts, and a history of changes."""

import pytest
from django.urls import reverse

from callbacks import states
from callbacks.models import EventKind
from callbacks.recall.models import RecallOutcome, RecallPolicy, Step, parse_steps

pytestmark = pytest.mark.usefixtures("frozen_now")
ADD = reverse("admin:callbacks_recallpolicy_add")


@pytest.fixture
def staff_client(client, demo, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "", "pw"))
    return client


def form(campaign, **changes):
    data = {"campaign": campaign.pk, "personal_to_standard_after_rounds": 0}
    for outcome in RecallOutcome.values:
        data[f"{outcome}_after"] = ""
        data[f"{outcome}_rounds"] = 1
    return {**data, **changes}


def test_steps_read_minutes_and_next_day_and_the_last_one_repeats():
    assert parse_steps("30, next day") == [Step(minutes=30), Step(next_day=True)]
    policy = RecallPolicy(no_answer_after="30, next day", no_answer_rounds=4)
    rule = policy.rule("no_answer")
    assert [rule.step_after(n) for n in (1, 2, 3, 4)] == [
        Step(minutes=30),
        Step(next_day=True),
        Step(next_day=True),
        None,  # 4 rounds made: exhausted
    ]
    assert RecallPolicy(invalid_number_after="").rule("invalid_number").step_after(1) is None


def test_the_suggested_defaults_retry_what_may_answer_later_and_never_an_invalid_number():
    policy = RecallPolicy()
    policy.clean()  # every default wait reads

    assert policy.rule("no_answer").step_after(1) == Step(minutes=60)
    assert policy.rule("no_answer").step_after(2) == Step(next_day=True)
    assert policy.rule("no_answer").step_after(3) is None  # 3 rounds
    assert policy.rule("busy").step_after(1) == Step(minutes=15)
    assert policy.rule("machine").step_after(1) == Step(next_day=True)
    assert policy.rule("invalid_number").step_after(1) is None
    assert policy.personal_to_standard_after_rounds == 0


def test_an_administrator_sets_the_issues_policy_and_its_history_is_kept(staff_client, campaign):
    page = staff_client.get(ADD).content.decode()
    assert "dial attempts" in page and "9 times" in page  # how rounds combine with UCCX's
    assert "<p><strong>Counting.</strong> Rounds are counted per callback, whatever" in page
    assert "round 3 the next day at the time first promised, then failed" in page

    response = staff_client.post(
        ADD, form(campaign, no_answer_after="30, next day", no_answer_rounds=3)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    policy = RecallPolicy.objects.get(campaign=campaign)
    assert policy.rule("no_answer").steps == (Step(minutes=30), Step(next_day=True))
    change = reverse("admin:callbacks_recallpolicy_change", args=[policy.pk])
    staff_client.post(change, form(campaign, no_answer_after="45", no_answer_rounds=2))
    assert [h.no_answer_after for h in policy.history.order_by("history_id")] == [
        "30, next day",
        "45",
    ]
    history = staff_client.get(reverse("admin:callbacks_recallpolicy_history", args=[policy.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize("bad", ["30 min", "0", "tomorow", "99999"])
def test_it_refuses_a_wait_it_cannot_read_in_the_administrators_words(staff_client, campaign, bad):
    response = staff_client.post(ADD, form(campaign, busy_after=bad))

    assert response.status_code == 200
    assert "Example: 30, next day" in response.content.decode()
    assert not RecallPolicy.objects.exists()


def test_the_timeline_says_in_words_what_moved_a_round(staff_client, make_callback):
    callback = make_callback()
    states.record_event(
        callback,
        EventKind.RECALLED,
        actor="dialer",
        details={"moved_because": "too_soon, holiday", "next_round": 2},
    )

    page = staff_client.get(
        reverse("admin:callbacks_callback_change", args=[callback.pk])
    ).content.decode()

    assert "moved_because: Sooner than the minimum lead time (too_soon), Holiday (holiday)" in page


def test_the_campaign_page_links_its_recall_policy_or_offers_one(staff_client, campaign):
    page_url = reverse("admin:callbacks_callbackcampaign_change", args=[campaign.pk])
    assert "None: one round, then failed." in staff_client.get(page_url).content.decode()
    assert f"{ADD}?campaign={campaign.pk}" in staff_client.get(page_url).content.decode()

    policy = RecallPolicy.objects.create(campaign=campaign, no_answer_after="30, next day")

    page = staff_client.get(page_url).content.decode()
    assert reverse("admin:callbacks_recallpolicy_change", args=[policy.pk]) in page
    assert "(no answer: 30, next day, at most 3 rounds)" in page
