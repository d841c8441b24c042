"""Callback services: schedule, reschedule, cancel, deliver, route and IVR outcomes."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from callbacks import ivr, services, states
from callbacks.models import Callback, CallbackCampaign, CallbackEvent, RouteAction, Source, Status
from callbacks.validation import CallbackRequest, callback_validate
from scheduling.models import BusinessHours, GlobalRules, OpeningPeriod, Skill, Weekday
from scheduling.rules import free_slots

pytestmark = pytest.mark.usefixtures("frozen_now")

UTC = dt.UTC
WARSAW = ZoneInfo("Europe/Warsaw")
NUMBER = "+48221234567"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def warsaw(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)


def ask(when="2026-11-23T10:00", phone=NUMBER, campaign="Callback_Main", skill="Sales", **extra):
    return CallbackRequest(phone, when, campaign, skill, **extra)


def schedule(when="2026-11-23T10:00", phone=NUMBER, **extra) -> Callback:
    return services.callback_schedule(request=ask(when, phone, **extra))


def codes(error: services.CallbackRejected) -> list[str]:
    return sorted(v.code for v in error.violations)


def set_rules(**changes) -> None:
    rules = GlobalRules.load()
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()


def fresh(callback: Callback) -> Callback:
    return Callback.objects.get(pk=callback.pk)


def row(callback: Callback) -> dict:
    return Callback.objects.filter(pk=callback.pk).values().get()


def slots_by_time(skill: str, day: dt.date) -> dict[str, tuple[int, int]]:
    (result,) = free_slots(skill, day)
    return {f"{s.local:%H:%M}": (s.capacity, s.remaining) for s in result.slots}


# --- callback_schedule -----------------------------------------------------------------


def test_it_stores_a_callback_with_everything_derived(demo, campaign, sales):
    callback = services.callback_schedule(
        request=ask(phone="22 123 45 67"),
        details=services.CustomerDetails(first_name="Jan", last_name="Kowalski", notes="VIP"),
        source=Source.GADGET,
        actor="agent007",
    )

    stored = fresh(callback)
    assert stored.phone_number == NUMBER
    assert stored.dial_number == "221234567"
    assert stored.scheduled_at == utc(2026, 11, 23, 9, 0)  # 10:00 Warsaw (UTC+1)
    assert re.fullmatch(r"CB\d{10}", stored.account_number)
    assert stored.account_number == f"CB{stored.pk:010d}" == callback.account_number
    assert (stored.campaign, stored.skill, stored.status) == (campaign, sales, Status.SCHEDULED)
    assert (stored.source, stored.created_by) == (Source.GADGET, "agent007")
    assert (stored.first_name, stored.last_name, stored.notes) == ("Jan", "Kowalski", "VIP")
    assert (stored.attempts, stored.last_result, stored.kind) == (0, "", "standard")
    (event,) = stored.events.all()
    assert (event.kind, event.from_status, event.to_status) == ("created", "", Status.SCHEDULED)
    assert event.actor == "agent007"
    assert event.details == {"source": "gadget", "rescheduled_from": None}


def test_it_derives_each_account_number_from_its_own_primary_key(make_callback):
    first, second = make_callback(), make_callback()

    assert first.account_number != second.account_number
    for callback in (first, second):
        assert fresh(callback).account_number == Callback.account_number_for(callback.pk)


@pytest.fixture
def new_york_sales(demo) -> Skill:
    hours = BusinessHours.objects.create(name="New York hours", time_zone="America/New_York")
    for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1):
        OpeningPeriod.objects.create(
            business_hours=hours, weekday=day, opens=dt.time(8), closes=dt.time(20)
        )
    return Skill.objects.create(name="US Sales", business_hours=hours)


@pytest.mark.parametrize(
    "when",
    ["2026-11-23T10:00", dt.datetime(2026, 11, 23, 10, 0), "2026-11-23T16:00+01:00"],
    ids=["naive text", "naive datetime", "aware"],
)
def test_it_reads_a_naive_time_in_the_skills_zone_and_respects_an_aware_one(new_york_sales, when):
    callback = schedule(when, skill="US Sales")

    assert fresh(callback).scheduled_at == utc(2026, 11, 23, 15, 0)  # 10:00 in New York


def test_it_rejects_with_every_violation_and_suggestions_and_stores_nothing(demo):
    # Sunday 07:00 Warsaw for Sales, through a campaign that does not exist.
    with pytest.raises(services.CallbackRejected) as rejected:
        schedule("2026-11-22T07:00", campaign="Callback_Nope")

    assert codes(rejected.value) == [
        "outside_customer_hours",
        "outside_global_window",
        "skill_closed",
        "unknown_campaign",
    ]
    assert {v.field for v in rejected.value.violations} == {"campaign", "scheduled_at"}
    assert [s.local for s in rejected.value.suggestions] == [
        warsaw(2026, 11, 23, 8, 0),
        warsaw(2026, 11, 23, 8, 15),
        warsaw(2026, 11, 23, 8, 30),
    ]
    assert not Callback.objects.exists()
    assert not CallbackEvent.objects.exists()


def test_it_rejects_a_bad_number_and_skill_together(demo):
    with pytest.raises(services.CallbackRejected) as rejected:
        schedule(phone="12", skill="Salse")

    assert codes(rejected.value) == ["invalid_phone", "unknown_skill"]
    assert rejected.value.suggestions == []
    assert not Callback.objects.exists()


# --- duplicates -----------------------------------------------------------------------


def test_it_finds_a_duplicate_whatever_format_the_number_comes_in(demo):
    first = schedule(phone="+48 22 123 45 67")

    for same_number in ("0048221234567", "22 123 45 67"):
        with pytest.raises(services.CallbackRejected) as rejected:
            schedule("2026-11-24T10:00", phone=same_number)
        assert codes(rejected.value) == ["duplicate_pending"]
        assert first.account_number in rejected.value.violations[0].message

    assert list(Callback.objects.values_list("pk", flat=True)) == [first.pk]
    assert fresh(first).status == Status.SCHEDULED


def test_it_allows_the_number_again_once_the_pending_callback_is_cancelled(demo):
    first = schedule(phone="+48 22 123 45 67")
    services.callback_cancel(callback=first, reason="customer called in")

    second = schedule("2026-11-24T10:00", phone="0048221234567")

    assert second.phone_number == first.phone_number == NUMBER
    assert fresh(second).status == Status.SCHEDULED


def test_it_counts_every_pending_status_as_a_duplicate(demo, put_in):
    put_in(schedule(), Status.IN_IVR)

    with pytest.raises(services.CallbackRejected) as rejected:
        schedule("2026-11-24T10:00")

    assert codes(rejected.value) == ["duplicate_pending"]


def test_it_allows_as_many_pending_per_number_as_configured(demo):
    set_rules(max_pending_per_number=2)

    schedule("2026-11-23T10:00", phone="+48 22 123 45 67")
    schedule("2026-11-24T10:00", phone="22 123 45 67")
    with pytest.raises(services.CallbackRejected) as rejected:
        schedule("2026-11-25T10:00", phone="0048221234567")

    assert codes(rejected.value) == ["duplicate_pending"]
    assert Callback.objects.filter(phone_number=NUMBER).count() == 2


# --- slot capacity --------------------------------------------------------------------


def test_it_fills_a_slot_and_frees_it_again_when_a_callback_is_cancelled(make_callback):
    set_rules(slot_capacity=2)
    first = make_callback(scheduled_at="2026-11-23T10:00")
    make_callback(scheduled_at="2026-11-23T10:07")
    make_callback(scheduled_at="2026-11-23T10:03", skill="Support")  # another skill's slot

    with pytest.raises(services.CallbackRejected) as rejected:
        make_callback(scheduled_at="2026-11-23T10:14")
    assert codes(rejected.value) == ["slot_full"]
    assert rejected.value.suggestions[0].local == warsaw(2026, 11, 23, 10, 15)
    offered = slots_by_time("Sales", dt.date(2026, 11, 23))
    assert "10:00" not in offered  # full: remaining 0 is not offered at all
    assert (offered["09:45"], offered["10:15"]) == ((2, 2), (2, 2))

    make_callback(scheduled_at="2026-11-23T10:15")
    assert slots_by_time("Sales", dt.date(2026, 11, 23))["10:15"] == (2, 1)

    services.callback_cancel(callback=first)
    assert slots_by_time("Sales", dt.date(2026, 11, 23))["10:00"] == (2, 1)
    late = make_callback(scheduled_at="2026-11-23T10:14")
    assert fresh(late).status == Status.SCHEDULED


# --- callback_reschedule --------------------------------------------------------------


def test_it_reschedules_into_a_new_callback_with_fresh_counters(make_callback, put_in, now):
    old = make_callback(
        agent_id="agent7", agent_name="Anna", first_name="Jan", notes="VIP", actor="agent7"
    )
    put_in(old, Status.IN_DIALER, attempts=2, last_result="no_answer")

    new = services.callback_reschedule(
        callback=old, scheduled_at="2026-11-24T11:00", source=Source.GADGET, actor="agent9"
    )

    old, new = fresh(old), fresh(new)
    assert (old.status, old.finished_at) == (Status.RESCHEDULED, now)
    assert (old.attempts, old.last_result) == (2, "no_answer")  # history is not edited
    assert (new.status, new.attempts, new.last_result) == (Status.SCHEDULED, 0, "")
    assert new.scheduled_at == utc(2026, 11, 24, 10, 0)
    assert new.rescheduled_from == old
    assert old.rescheduled_to == new
    assert new.account_number not in ("", None, old.account_number)
    assert (new.source, new.created_by) == (Source.GADGET, "agent9")
    kept = ("phone_number", "dial_number", "campaign", "skill", "agent_id", "agent_name")
    kept += ("first_name", "notes")
    assert [getattr(new, f) for f in kept] == [getattr(old, f) for f in kept]
    last = old.events.order_by("pk").last()
    assert (last.kind, last.from_status, last.to_status) == (
        "rescheduled",
        Status.IN_DIALER,
        Status.RESCHEDULED,
    )
    assert last.details == {"scheduled_at": "2026-11-24T10:00:00+00:00"}
    (created,) = new.events.all()
    assert created.details == {"source": "gadget", "rescheduled_from": old.account_number}


def test_it_does_not_count_the_callback_being_rescheduled_as_a_duplicate(make_callback):
    old = make_callback(phone_number=NUMBER)
    as_new_request = callback_validate(request=ask("2026-11-24T11:00"))
    assert [v.code for v in as_new_request.violations] == ["duplicate_pending"]

    new = services.callback_reschedule(callback=old, scheduled_at="2026-11-24T11:00")

    assert fresh(new).status == Status.SCHEDULED


def test_it_does_not_count_the_callback_being_rescheduled_in_its_own_slot(make_callback):
    set_rules(slot_capacity=1)
    old = make_callback(scheduled_at="2026-11-23T10:00")

    new = services.callback_reschedule(callback=old, scheduled_at="2026-11-23T10:07")

    assert fresh(new).scheduled_at == warsaw(2026, 11, 23, 10, 7)
    assert fresh(old).status == Status.RESCHEDULED


def test_it_leaves_the_old_callback_untouched_when_the_new_time_is_invalid(make_callback):
    old = make_callback()
    before, events_before = row(old), CallbackEvent.objects.count()

    with pytest.raises(services.CallbackRejected) as rejected:
        services.callback_reschedule(callback=old, scheduled_at="2026-11-22T10:00")  # Sunday

    assert codes(rejected.value) == ["skill_closed"]
    assert rejected.value.suggestions
    assert row(old) == before
    assert CallbackEvent.objects.count() == events_before
    assert Callback.objects.count() == 1


def test_it_refuses_to_reschedule_a_finished_callback(make_callback):
    old = make_callback()
    services.callback_cancel(callback=old)

    with pytest.raises(states.TransitionRefused):
        services.callback_reschedule(callback=old, scheduled_at="2026-11-24T11:00")

    assert Callback.objects.count() == 1


def test_it_keeps_every_link_of_a_reschedule_chain(make_callback):
    a = make_callback()
    b = services.callback_reschedule(callback=a, scheduled_at="2026-11-24T10:00")
    c = services.callback_reschedule(callback=b, scheduled_at="2026-11-25T10:00")

    a, b, c = fresh(a), fresh(b), fresh(c)
    assert (a.rescheduled_from, b.rescheduled_from, c.rescheduled_from) == (None, a, b)
    assert (a.rescheduled_to, b.rescheduled_to) == (b, c)
    assert [x.status for x in (a, b, c)] == [Status.RESCHEDULED, Status.RESCHEDULED, "scheduled"]
    assert len({a.account_number, b.account_number, c.account_number}) == 3


# --- callback_cancel ------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SCHEDULED, Status.IN_DIALER])
def test_it_cancels_a_callback_that_is_waiting(make_callback, put_in, now, status):
    callback = put_in(make_callback(), status)

    services.callback_cancel(callback=callback, reason="customer called in", actor="agent7")

    stored = fresh(callback)
    assert (stored.status, stored.finished_at) == (Status.CANCELLED, now)
    event = stored.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("cancelled", status, "cancelled")
    assert (event.actor, event.details) == ("agent7", {"reason": "customer called in"})


@pytest.mark.parametrize(
    "status",
    [
        Status.EXPORTING,
        Status.IN_IVR,
        Status.COMPLETED,
        Status.FAILED,
        Status.CANCELLED,
        Status.RESCHEDULED,
        Status.EXPIRED,
    ],
)
def test_it_refuses_to_cancel_a_callback_being_handled_or_finished(make_callback, put_in, status):
    callback = put_in(make_callback(), status)
    before, events_before = row(callback), CallbackEvent.objects.count()

    with pytest.raises(states.TransitionRefused):
        services.callback_cancel(callback=callback, reason="too late")

    assert row(callback) == before
    assert CallbackEvent.objects.count() == events_before


# --- callback_mark_delivered ----------------------------------------------------------


@pytest.mark.parametrize("status", [Status.IN_IVR, Status.IN_DIALER])
def test_it_completes_a_delivered_callback(make_callback, put_in, now, status):
    callback = put_in(make_callback(), status)
    later = now + dt.timedelta(minutes=3)

    with time_machine.travel(later, tick=False):
        services.callback_mark_delivered(callback=callback, agent_id="agent7")

    stored = fresh(callback)
    assert stored.status == Status.COMPLETED
    assert stored.delivered_at == stored.finished_at == later
    event = stored.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("delivered", status, "completed")
    assert (event.actor, event.details) == ("agent7", {"agent_id": "agent7"})


def test_it_accepts_a_repeated_delivery_without_a_second_event(make_callback, put_in, now):
    callback = put_in(make_callback(), Status.IN_IVR)
    services.callback_mark_delivered(callback=callback, agent_id="agent7")
    before, events_before = row(callback), CallbackEvent.objects.count()

    with time_machine.travel(now + dt.timedelta(minutes=1), tick=False):
        again = services.callback_mark_delivered(callback=fresh(callback), agent_id="agent7")

    assert again.status == Status.COMPLETED
    assert row(callback) == before
    assert CallbackEvent.objects.count() == events_before


def test_it_refuses_a_delivery_of_a_callback_not_yet_dialed(make_callback):
    callback = make_callback()

    with pytest.raises(states.TransitionRefused):
        services.callback_mark_delivered(callback=callback, agent_id="agent7")

    assert fresh(callback).status == Status.SCHEDULED


# --- callback_route_for_ivr -----------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "action", "script"),
    [
        ({}, RouteAction.SKILL, ""),
        ({"agent_id": "agent7", "agent_name": "Anna Nowak"}, RouteAction.AGENT, ""),
        ({"campaign": "Callback_Premium"}, RouteAction.SCRIPT, "PremiumCustomerLookup.aef"),
    ],
    ids=["standard", "personal", "external script"],
)
def test_it_routes_a_known_callback_and_moves_it_into_the_ivr(
    make_callback, put_in, now, overrides, action, script
):
    callback = make_callback(first_name="Jan", last_name="Kowalski", **overrides)
    put_in(callback, Status.IN_DIALER)

    route = ivr.callback_route_for_ivr(account_number=callback.account_number)

    assert route.as_dict() == {
        "found": True,
        "action": action,
        "agent_id": overrides.get("agent_id", ""),
        "agent_name": overrides.get("agent_name", ""),
        "skill": "Sales",
        "script": script,
        "first_name": "Jan",
        "last_name": "Kowalski",
        "phone_number": callback.phone_number,
        "campaign": overrides.get("campaign", "Callback_Main"),
        "callback_id": callback.pk,
        "account_number": callback.account_number,
        # Only the agent branch waits for the agent (the campaign's default, 30 s).
        "personal_wait_seconds": 30 if action == "agent" else 0,
        "reason": "",  # set only when the agent was logged out at dial time
    }
    stored = fresh(callback)
    assert (stored.status, stored.connected_at) == (Status.IN_IVR, now)
    event = stored.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("ivr_lookup", "in_dialer", "in_ivr")
    told = {"personal_wait_seconds": 30} if action == "agent" else {}
    assert (event.actor, event.details) == ("ivr", {"action": action, **told})


def test_it_only_records_a_repeated_lookup(make_callback, put_in, now):
    callback = put_in(make_callback(), Status.IN_DIALER)
    ivr.callback_route_for_ivr(account_number=callback.account_number)
    events_before = callback.events.count()

    with time_machine.travel(now + dt.timedelta(minutes=2), tick=False):
        route = ivr.callback_route_for_ivr(account_number=callback.account_number.lower())

    assert route.found
    stored = fresh(callback)
    assert (stored.status, stored.connected_at) == (Status.IN_IVR, now)
    assert stored.events.count() == events_before + 1
    event = stored.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("ivr_lookup", "in_ivr", "in_ivr")


def test_it_routes_an_unknown_account_number_by_the_default_campaign(demo):
    route = ivr.callback_route_for_ivr(account_number="CB9999999999")

    assert route == ivr.Route(
        found=False,
        action=RouteAction.SKILL,
        skill="Support",
        campaign="Callback_Main",
        account_number="CB9999999999",
    )
    assert not CallbackEvent.objects.exists()


@pytest.mark.parametrize("hint", ["Callback_Premium", "2"], ids=["by name", "by UCCX id"])
def test_it_routes_an_unknown_account_number_by_the_hinted_campaign(demo, hint):
    CallbackCampaign.objects.filter(name="Callback_Premium").update(
        unknown_action=RouteAction.SCRIPT
    )

    route = ivr.callback_route_for_ivr(account_number="CB9999999999", campaign_hint=hint)

    assert (route.found, route.action, route.campaign) == (
        False,
        RouteAction.SCRIPT,
        "Callback_Premium",
    )
    assert (route.script, route.skill) == ("PremiumCustomerLookup.aef", "Support")


def test_it_falls_back_to_the_first_enabled_campaign_for_an_unknown_hint(demo):
    CallbackCampaign.objects.filter(name="Callback_Main").update(enabled=False)

    route = ivr.callback_route_for_ivr(account_number="CB9999999999", campaign_hint="Nope")

    assert (route.found, route.campaign, route.skill) == (False, "Callback_Premium", "Support")


def test_it_falls_back_to_the_default_campaign_for_an_unknown_uccx_id(demo):
    route = ivr.callback_route_for_ivr(account_number="CB9999999999", campaign_hint="99")

    assert (route.found, route.action) == (False, RouteAction.SKILL)
    assert (route.campaign, route.skill) == ("Callback_Main", "Support")


# --- callback_record_ivr_outcome ------------------------------------------------------


@pytest.mark.parametrize("outcome", ["queued_agent", "queued_skill", "transferred_script"])
def test_it_records_a_queueing_outcome_only(make_callback, put_in, outcome):
    callback = put_in(make_callback(), Status.IN_IVR)
    before, events_before = row(callback), callback.events.count()

    result = ivr.callback_record_ivr_outcome(callback=callback, outcome=outcome)

    assert result.pk == callback.pk
    assert row(callback) == before
    assert callback.events.count() == events_before + 1
    event = callback.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("ivr_outcome", "in_ivr", "in_ivr")
    assert (event.actor, event.details) == ("ivr", {"outcome": outcome})


def test_it_fails_a_callback_whose_customer_hung_up(make_callback, put_in, now):
    callback = put_in(make_callback(), Status.IN_IVR)

    ivr.callback_record_ivr_outcome(callback=callback, outcome="customer_hangup")

    stored = fresh(callback)
    assert (stored.status, stored.last_result, stored.finished_at) == (
        Status.FAILED,
        "customer_hangup",
        now,
    )
    event = stored.events.order_by("pk").last()
    assert (event.kind, event.from_status, event.to_status) == ("ivr_outcome", "in_ivr", "failed")


def test_it_reschedules_on_the_customers_request_in_the_ivr(make_callback, put_in):
    old = put_in(make_callback(), Status.IN_IVR)

    new = ivr.callback_record_ivr_outcome(
        callback=old, outcome="reschedule_requested", scheduled_at="2026-11-24T12:00"
    )

    old, new = fresh(old), fresh(new)
    assert new.pk != old.pk
    assert (new.status, new.scheduled_at) == (Status.SCHEDULED, utc(2026, 11, 24, 11, 0))
    assert (new.rescheduled_from, new.source, new.created_by) == (old, Source.IVR, "ivr")
    assert old.status == Status.RESCHEDULED
    kinds = list(old.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["ivr_outcome", "rescheduled"]


@pytest.mark.parametrize(
    ("when", "code"),
    [("2026-11-22T12:00", "skill_closed"), (None, "invalid_datetime")],
    ids=["Sunday", "no time"],
)
def test_it_keeps_the_callback_in_the_ivr_when_the_new_time_is_refused(
    make_callback, put_in, when, code
):
    callback = put_in(make_callback(), Status.IN_IVR)
    before = row(callback)

    with pytest.raises(services.CallbackRejected) as rejected:
        ivr.callback_record_ivr_outcome(
            callback=callback, outcome="reschedule_requested", scheduled_at=when
        )

    assert codes(rejected.value) == [code]
    assert row(callback) == before
    assert Callback.objects.count() == 1
    assert not callback.events.filter(kind="rescheduled").exists()


# --- callback_schedule_earliest -------------------------------------------------------


def test_it_books_the_first_free_slot_after_a_closed_sunday(demo):
    sunday_noon = warsaw(2026, 11, 22, 12, 0)

    with time_machine.travel(sunday_noon, tick=False):
        callback = services.callback_schedule_earliest(request=ask(when=""))

    stored = fresh(callback)
    assert stored.scheduled_at == warsaw(2026, 11, 23, 8, 0)
    assert (stored.status, stored.source) == (Status.SCHEDULED, Source.IVR)


def test_it_books_the_first_slot_with_room_and_enough_notice(make_callback):
    set_rules(slot_capacity=1)
    make_callback(scheduled_at="2026-11-20T10:15")  # now is 10:00 Warsaw: 10:00 is too soon

    callback = services.callback_schedule_earliest(request=ask(when=""))

    assert fresh(callback).scheduled_at == warsaw(2026, 11, 20, 10, 30)


def test_it_rejects_an_earliest_request_for_a_closed_skill(demo):
    Skill.objects.filter(name="Sales").update(enabled=False)

    with pytest.raises(services.CallbackRejected) as rejected:
        services.callback_schedule_earliest(request=ask(when=""))

    assert "skill_disabled" in codes(rejected.value)
    assert not Callback.objects.exists()
