"""Recall rounds through the simulator: each outcome class as the simulator is told it
per number, the next round at the next valid time the rules engine finds (across
closing time, holidays and a DST change), the policy exhausted, no valid time left,
personal callbacks made standard, and the IVR hang-up."""

import datetime as dt

import pytest

from callbacks import services as callback_services
from callbacks.dialplan import dial_string_for
from callbacks.models import Callback, EventKind, Status
from callbacks.recall.models import RecallPolicy
from callbacks.recall.rounds import ROUNDS_EXHAUSTED_PERSONAL
from scheduling.models import GlobalRules
from tests.uccx_integration.flow_helpers import at, due_callbacks, events, needs_sqlite_odbc
from uccx_integration import services
from uccx_integration.simulator.dialer import Dialer

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

UTC = dt.UTC
# Monday 23 November 2026, Warsaw (CET, UTC+1).
MONDAY_10 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class DirectIvr:
    """The callback script on an answered call, calling the services directly (what the
    IVR API does for it): look up, then queue (queued_skill) or, told so, hang up."""

    def handle_answered(self, account_number: str, campaign_name: str) -> str:
        route = callback_services.callback_route_for_ivr(account_number=account_number)
        callback = Callback.objects.get(account_number=account_number)
        outcome = "queued_agent" if route.action == "agent" else "queued_skill"
        callback_services.callback_record_ivr_outcome(callback=callback, outcome=outcome)
        return outcome

    def hang_up_after_lookup(self, account_number: str, campaign_name: str) -> None:
        callback_services.callback_route_for_ivr(account_number=account_number)
        callback = Callback.objects.get(account_number=account_number)
        callback_services.callback_record_ivr_outcome(callback=callback, outcome="customer_hangup")


@pytest.fixture
def policy(campaign):
    return RecallPolicy.objects.create(
        campaign=campaign, no_answer_after="30, next day", no_answer_rounds=3
    )


@pytest.fixture
def one_attempt(simulator):
    """The UCCX campaign makes one dial attempt per contact: one round, one dial."""
    for campaign in simulator.campaigns.values():
        campaign.max_dial_attempts = 1


def round_of(client, simulator, informix, callback, outcome, moment, dial_after=5):
    """Export the callback at `moment` (its time), the simulator dials it with `outcome`
    `dial_after` minutes later, the poll reads it a minute after that."""
    with at(moment):
        services.export_due_callbacks(client=client)
    dialed = moment + dt.timedelta(minutes=dial_after)
    dialer = Dialer(
        simulator.store,
        simulator.campaigns,
        ivr=DirectIvr(),
        number_outcomes={callback.dial_number: outcome},
    )
    with at(dialed):
        assert dialer.dial_round() == 1
    with at(dialed + dt.timedelta(minutes=1)):
        services.poll_dialer_results(informix=informix)
    callback.refresh_from_db()
    return callback


def next_round(callback) -> Callback:
    return Callback.objects.get(recall_of=callback)


def a_callback(at_time=MONDAY_10, skill="Sales", **fields) -> Callback:
    (callback,) = due_callbacks(1, at=at_time, skill=skill)
    if fields:
        Callback.objects.filter(pk=callback.pk).update(**fields)
        callback.refresh_from_db()
    return callback


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
