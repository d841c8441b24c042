"""callback_validate: the campaign and skill codes, and when suggestions come back."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from callbacks.models import CallbackCampaign
from callbacks.validation import CallbackRequest, Verdict, callback_validate
from scheduling.models import Skill

pytestmark = pytest.mark.usefixtures("frozen_now")

WARSAW = ZoneInfo("Europe/Warsaw")
# Monday 10:00 Warsaw, Sales, Callback_Main: valid in the demo configuration.
REFERENCE = {
    "phone_number": "+48221234567",
    "scheduled_at": "2026-11-23T10:00",
    "campaign": "Callback_Main",
    "skill": "Sales",
}


def validate(**changes) -> Verdict:
    return callback_validate(request=CallbackRequest(**(REFERENCE | changes)))


def found(verdict: Verdict) -> list[tuple[str, str]]:
    return [(v.field, v.code) for v in verdict.violations]


def test_it_accepts_the_reference_request(campaign):
    verdict = validate()

    assert verdict.valid
    assert (verdict.violations, verdict.suggestions) == ([], [])
    assert verdict.campaign == campaign
    assert verdict.assessment.scheduled_at == dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("name", ["Callback_Mian", "callback_main", "Callback_Main ", ""])
def test_it_reports_an_unknown_campaign(demo, name):
    verdict = validate(campaign=name)

    assert found(verdict) == [("campaign", "unknown_campaign")]
    assert verdict.campaign is None


def test_it_reports_a_disabled_campaign_and_accepts_an_enabled_one(campaign):
    campaign.enabled = False
    campaign.save()

    disabled = validate()
    other = validate(campaign="Callback_Premium")

    assert found(disabled) == [("campaign", "campaign_disabled")]
    assert disabled.campaign == campaign
    assert other.valid


@pytest.mark.parametrize("name", ["Sale", "sales", "Support "])
def test_it_reports_an_unknown_skill(demo, name):
    verdict = validate(skill=name)

    assert found(verdict) == [("skill", "unknown_skill")]


def test_it_reports_a_disabled_skill_and_accepts_an_enabled_one(sales):
    sales.enabled = False
    sales.save()

    disabled = validate()
    other = validate(skill="Support")

    assert found(disabled) == [("skill", "skill_disabled")]
    assert other.valid
    assert Skill.objects.get(name="Support").enabled


def test_it_reports_campaign_and_skill_trouble_together(demo):
    CallbackCampaign.objects.filter(name="Callback_Premium").update(enabled=False)

    verdict = validate(campaign="Callback_Premium", skill="Nope")

    assert found(verdict) == [("campaign", "campaign_disabled"), ("skill", "unknown_skill")]


@pytest.mark.parametrize(
    "changes",
    [
        {"campaign": "Callback_Nope"},
        {"skill": "Nope"},
        {"phone_number": "12"},
    ],
    ids=["campaign", "skill", "phone"],
)
def test_it_suggests_nothing_when_no_time_rule_fails(demo, changes):
    verdict = validate(**changes)

    assert not verdict.valid
    assert not any(v.field == "scheduled_at" for v in verdict.violations)
    assert verdict.suggestions == []


def test_it_suggests_nothing_for_a_duplicate(make_callback):
    make_callback(phone_number=REFERENCE["phone_number"])

    verdict = validate(scheduled_at="2026-11-24T10:00")

    assert found(verdict) == [("phone_number", "duplicate_pending")]
    assert verdict.suggestions == []


@pytest.mark.parametrize(
    ("when", "first"),
    [
        ("2026-11-22T10:00", dt.datetime(2026, 11, 23, 8, 0, tzinfo=WARSAW)),  # Sunday
        ("2026-11-20T09:00", dt.datetime(2026, 11, 20, 10, 15, tzinfo=WARSAW)),  # past
        ("2026-11-23T19:55", dt.datetime(2026, 11, 24, 8, 0, tzinfo=WARSAW)),  # closing
    ],
    ids=["skill closed", "in the past", "closing soon"],
)
def test_it_suggests_the_next_free_slots_when_a_time_rule_fails(demo, when, first):
    verdict = validate(scheduled_at=when)

    assert not verdict.valid
    assert [s.local for s in verdict.suggestions][:1] == [first]
    assert len(verdict.suggestions) == 3


def test_it_leaves_suggestions_out_when_asked_to(demo):
    request = CallbackRequest(**(REFERENCE | {"scheduled_at": "2026-11-22T10:00"}))

    verdict = callback_validate(request=request, with_suggestions=False)

    assert found(verdict) == [("scheduled_at", "skill_closed")]
    assert verdict.suggestions == []


def test_it_suggests_nothing_for_a_disabled_skill_at_a_bad_time(sales):
    sales.enabled = False
    sales.save()

    verdict = validate(scheduled_at="2026-11-22T10:00")

    assert ("skill", "skill_disabled") in found(verdict)
    assert ("scheduled_at", "skill_closed") in found(verdict)
    assert verdict.suggestions == []


def test_the_duplicate_message_says_the_pending_time_in_the_skills_zone_not_utc(make_callback):
    """Issue 17 point 3: the gadget says "Times in Europe/Warsaw"; so does the error."""
    existing = make_callback(phone_number=REFERENCE["phone_number"])  # Monday 10:00 Warsaw

    verdict = validate(scheduled_at="2026-11-24T10:00")

    (message,) = [v.message for v in verdict.violations]
    assert f"({existing.account_number}, Mon 2026-11-23 10:00 CET)" in message
    assert "UTC" not in message


def test_a_dst_gap_time_reports_every_other_violation_in_one_answer(demo):
    """Issue 17 point 8: 02:30 on 2027-03-28 (skipped in Warsaw) is also Easter Sunday and
    past the 30-day horizon; the agent learns all of it at once, not one fix at a time."""
    verdict = validate(scheduled_at="2027-03-28T02:30", skill="Support")

    assert found(verdict) == [
        ("scheduled_at", "invalid_datetime"),
        ("scheduled_at", "holiday"),
        ("scheduled_at", "too_far_ahead"),
        ("scheduled_at", "outside_global_window"),
        ("scheduled_at", "outside_customer_hours"),
    ]
    assert verdict.assessment.scheduled_at is None


@pytest.mark.parametrize(
    "when",
    ["2027-03-28T02:30", "2026-12-30T10:00", "2026-11-22T10:00", "2026-11-20T09:00"],
    ids=["dst gap past the horizon", "past the horizon", "skill closed", "in the past"],
)
def test_suggestions_are_listed_earliest_first(demo, when):
    """Issue 17 point 8: past the horizon the search walks backwards; the list does not."""
    verdict = validate(scheduled_at=when)

    starts = [slot.start for slot in verdict.suggestions]
    assert len(starts) == 3
    assert starts == sorted(starts)
    assert len(set(starts)) == 3
