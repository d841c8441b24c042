"""Recall rounds through the simulator: each outcome class as the simulator is told it
per number, the next round at the next valid time the rules engine finds (across
closing time, holidays and a DST change), the policy exhausted, no valid time left,
personal callbacks made standard, and the IVR hang-up. The script is called directly
here; test_recall_http.py runs every outcome class with the script over HTTP."""

import datetime as dt

import pytest

from callbacks.dialplan import dial_string_for
from callbacks.models import Callback, EventKind, Status
from callbacks.recall.models import RecallPolicy
from callbacks.recall.rounds import ROUNDS_EXHAUSTED_PERSONAL
from scheduling.models import GlobalRules
from tests.uccx_integration.flow_helpers import at, due_callbacks, events, needs_sqlite_odbc
from tests.uccx_integration.recall_helpers import MONDAY_10, a_callback, next_round, round_of
from uccx_integration import services

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

UTC = dt.UTC
MINUTE = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("told", "outcome_class"),
    [
        ("no_answer", "no_answer"),
        ("busy", "busy"),
        ("answering_machine", "machine"),
        ("fax", "machine"),
        ("invalid", "invalid_number"),
        ("ivr_hangup", "ivr_hangup"),
        ("queue_abandoned", "abandoned"),
    ],
)
def test_every_outcome_class_gets_the_round_its_policy_says(
    campaign, simulator, client, informix, one_attempt, told, outcome_class
):
    RecallPolicy.objects.create(
        campaign=campaign, **{f"{outcome_class}_after": "30", f"{outcome_class}_rounds": 2}
    )
    callback = round_of(client, simulator, informix, a_callback(), told, MONDAY_10)

    assert callback.status == Status.RECALLED
    second = next_round(callback)
    # Ended at 10:05 (dial) / 10:06 (poll; the IVR outcome at 10:05): +30 min, next slot.
    assert second.round == 2 and second.first_round_id == callback.pk
    assert second.status == Status.SCHEDULED
    assert second.scheduled_at in {
        dt.datetime(2026, 11, 23, 9, 45, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    }
    (recalled,) = events(callback, EventKind.RECALLED)
    assert recalled.details["outcome"] == outcome_class
    assert recalled.details["next_round"] == 2
    (created,) = events(second, EventKind.CREATED)
    assert created.details["recall_of"] == callback.account_number
    assert "30 minutes after the round ended" in created.details["why"]


def test_without_a_policy_a_round_that_ends_fails_as_before(
    campaign, simulator, client, informix, one_attempt
):
    callback = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)

    assert callback.status == Status.FAILED
    assert not Callback.objects.filter(recall_of=callback).exists()
    assert events(callback, EventKind.FAILED)[0].details == {"result": "no_answer", "attempts": 1}


def test_a_round_past_closing_time_goes_to_the_next_opening(
    policy, simulator, client, informix, one_attempt
):
    evening = dt.datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 Warsaw; Sales to 20:00
    callback = round_of(client, simulator, informix, a_callback(evening), "no_answer", evening, 20)

    second = next_round(callback)
    # Wanted 19:51: inside the 10 minutes before closing; next: Tuesday 08:00 CET.
    assert second.scheduled_at == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    recalled = events(callback, EventKind.RECALLED)[0].details
    assert "closing_soon" in recalled["moved_because"]
    assert "2026-11-24 08:00 CET" in recalled["scheduled"]


def test_a_round_wanted_in_a_full_slot_takes_the_next_one(
    policy, simulator, client, informix, one_attempt
):
    due_callbacks(10, at=MONDAY_10 + 45 * MINUTE)  # the cast's 10 a slot: 10:45 is full
    callback = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)

    # Ended 10:06, wanted 10:36; the 10:45 slot is full: 11:00.
    assert next_round(callback).scheduled_at == MONDAY_10 + 60 * MINUTE
    assert events(callback, EventKind.RECALLED)[0].details["moved_because"] == "the next free slot"


def test_a_round_waits_for_the_customers_own_hours(
    policy, simulator, client, informix, one_attempt, campaign
):
    # A Tokyo number (UTC+9), customers called 08:00-21:00 their time: round 1 at 12:30
    # in Warsaw (20:30 in Tokyo) ends at 12:35; 13:05 is 21:05 in Tokyo.
    phone = "+81312345678"
    half_past_twelve = dt.datetime(2026, 11, 23, 11, 30, tzinfo=UTC)
    callback = a_callback(
        half_past_twelve, phone_number=phone, dial_number=dial_string_for(phone, campaign)
    )
    callback = round_of(client, simulator, informix, callback, "no_answer", half_past_twelve)

    # Tokyo's 08:00 is midnight in Warsaw: the first valid time is Tuesday's 08:00 opening.
    assert next_round(callback).scheduled_at == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    moved = events(callback, EventKind.RECALLED)[0].details["moved_because"]
    assert "outside_customer_hours" in moved


def test_next_day_skips_the_holidays_and_the_weekend(campaign, simulator, client, informix):
    for c in simulator.campaigns.values():
        c.max_dial_attempts = 1
    RecallPolicy.objects.create(campaign=campaign, no_answer_after="next day", no_answer_rounds=3)
    before_christmas = dt.datetime(2026, 12, 23, 9, 0, tzinfo=UTC)  # Wednesday 10:00 CET
    callback = a_callback(before_christmas)
    callback = round_of(client, simulator, informix, callback, "no_answer", before_christmas)

    # 24 (since 2025), 25 and 26 December are Polish holidays, Sunday Sales is closed:
    # the next valid time after Thursday 10:00 is Monday's opening, 08:00 CET.
    assert next_round(callback).scheduled_at == dt.datetime(2026, 12, 28, 7, 0, tzinfo=UTC)
    assert "holiday" in events(callback, EventKind.RECALLED)[0].details["moved_because"]


def test_next_day_keeps_the_promised_wall_time_across_the_dst_change(
    campaign, simulator, client, informix, one_attempt
):
    RecallPolicy.objects.create(campaign=campaign, no_answer_after="next day", no_answer_rounds=3)
    saturday = dt.datetime(2026, 10, 24, 8, 0, tzinfo=UTC)  # 10:00 CEST; clocks go back Sunday
    callback = round_of(
        client, simulator, informix, a_callback(saturday, "Support"), "no_answer", saturday
    )

    second = next_round(callback)
    assert second.scheduled_at == dt.datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert (second.local_date, second.local_offset_minutes) == (dt.date(2026, 10, 25), 60)


@pytest.mark.parametrize(
    ("saturday", "monday"),
    [
        # Saturday 13:30 CEST; the clocks go back on Sunday: Monday 08:00 CET.
        (
            dt.datetime(2026, 10, 24, 11, 30, tzinfo=UTC),
            dt.datetime(2026, 10, 26, 7, 0, tzinfo=UTC),
        ),
        # Saturday 13:30 CET; the clocks go forward on Sunday: Monday 08:00 CEST.
        (dt.datetime(2026, 3, 28, 12, 30, tzinfo=UTC), dt.datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),
    ],
    ids=["autumn", "spring"],
)
def test_minutes_past_closing_before_a_dst_change_go_to_the_opening_in_the_new_offset(
    policy, simulator, client, informix, one_attempt, saturday, monday
):
    # Sales closes at 14:00 on Saturday and all Sunday: round 1 ends at 13:35, +30 min.
    callback = round_of(client, simulator, informix, a_callback(saturday), "no_answer", saturday)

    second = next_round(callback)
    assert second.scheduled_at == monday
    zone = "CET" if monday.month == 10 else "CEST"
    recalled = events(callback, EventKind.RECALLED)[0].details
    assert f"08:00 {zone}" in recalled["scheduled"]
    assert recalled["moved_because"] == "skill_closed"


def test_the_rounds_run_until_the_policy_is_exhausted_then_it_fails(
    policy, simulator, client, informix, one_attempt
):
    first = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)
    second = next_round(first)
    second = round_of(client, simulator, informix, second, "no_answer", second.scheduled_at)
    third = next_round(second)
    # "then tomorrow at the same time": Tuesday 10:00 Warsaw.
    assert third.scheduled_at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert "next day at the promised time" in events(third, EventKind.CREATED)[0].details["why"]

    third = round_of(client, simulator, informix, third, "no_answer", third.scheduled_at)

    assert [first.status, second.status, third.status] == [
        Status.RECALLED,
        Status.RECALLED,
        Status.FAILED,
    ]
    assert (third.round, third.first_round_id) == (3, first.pk)
    failed = events(third, EventKind.FAILED)[0].details
    assert failed["round"] == 3 and "no further round" in failed["detail"]
    assert not Callback.objects.filter(recall_of=third).exists()


def test_with_no_valid_time_left_the_round_expires(
    policy, simulator, client, informix, one_attempt
):
    rules = GlobalRules.load()
    rules.max_days_ahead = 0  # the next round may only be today
    rules.save()
    policy.no_answer_after = "next day"
    policy.save()

    callback = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)

    assert callback.status == Status.EXPIRED
    assert (
        "no valid time left for round 2" in events(callback, EventKind.EXPIRED)[0].details["detail"]
    )
    assert not Callback.objects.filter(recall_of=callback).exists()


def test_a_round_the_campaign_now_refuses_expires_and_says_why(
    policy, simulator, client, informix, one_attempt, campaign
):
    callback = a_callback()
    with at(MONDAY_10):
        services.export_due_callbacks(client=client)
    campaign.enabled = False  # disabled while UCCX dials round 1: it takes no new round
    campaign.save()

    callback = round_of(client, simulator, informix, callback, "no_answer", MONDAY_10)

    assert callback.status == Status.EXPIRED
    expired = events(callback, EventKind.EXPIRED)[0].details
    assert expired["refused_because"] == "campaign_disabled"
    assert not Callback.objects.filter(recall_of=callback).exists()


def test_a_personal_callback_becomes_standard_after_its_failed_rounds(
    policy, simulator, client, informix, one_attempt
):
    policy.personal_to_standard_after_rounds = 1
    policy.save()
    callback = a_callback(agent_id="jkowalski", agent_name="Jan Kowalski")

    callback = round_of(client, simulator, informix, callback, "no_answer", MONDAY_10)

    second = next_round(callback)
    assert (second.agent_id, second.agent_name, second.kind) == ("", "", "standard")
    created = events(second, EventKind.CREATED)[0].details
    assert (created["fell_back"], created["agent_id"]) == (ROUNDS_EXHAUSTED_PERSONAL, "jkowalski")


def test_the_next_round_is_a_new_contact_with_its_own_account_number(
    policy, simulator, client, informix, one_attempt
):
    first = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)
    second = next_round(first)
    with at(second.scheduled_at):
        services.export_due_callbacks(client=client)

    second.refresh_from_db()
    assert second.status == Status.IN_DIALER
    assert second.account_number != first.account_number
    assert second.dial_number == dial_string_for(first.phone_number, first.campaign)
