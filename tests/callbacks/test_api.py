"""The gadget API (docs/architecture.md §5) end to end: config, slots, validate, create, list,
detail, reschedule, cancel, delivered; every violation code; Idempotency-Key; the OpenAPI
document; and the query counts of the list endpoints.
"""

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command

from callbacks import states
from callbacks.models import Callback, CallbackCampaign, IdempotencyRecord, Source, Status
from scheduling.models import CustomHoliday, GlobalRules, HolidayCalendar, Skill

from .api_helpers import (
    MONDAY_1030,
    PHONE,
    PHONE_FORMATS,
    body,
    bulk_callbacks,
    error_codes,
    key_client,
    new_key,
)

# Fixtures from api_helpers (pytest finds fixtures by their name in the test module).

pytestmark = pytest.mark.usefixtures("frozen_now")

CALLBACKS = "/api/v1/callbacks"
SLOT_FIELDS = {"start", "local", "capacity", "remaining"}


def update_rules(**changes) -> None:
    rules = GlobalRules.load()
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()


# --- config --------------------------------------------------------------------------


def test_it_gives_the_gadget_campaigns_skills_rules_and_server_time(gadget):
    response = gadget.get("/api/v1/config")

    assert response.status_code == 200
    assert response.json() == {
        "campaigns": [
            {"name": "Callback_Main", "presented_number": "+48221111111", "external_script": ""},
            {
                "name": "Callback_Premium",
                "presented_number": "+48222222222",
                "external_script": "PremiumCustomerLookup.aef",
            },
        ],
        "skills": [
            {"name": "Sales", "time_zone": "Europe/Warsaw"},
            {"name": "Support", "time_zone": "Europe/Warsaw"},
        ],
        "rules": {
            "slot_minutes": 15,
            "slot_capacity": 10,
            "min_lead_minutes": 5,
            "max_days_ahead": 30,
            "default_region": "PL",
        },
        "server_time": "2026-11-20T09:00:00Z",
        "time_zone": "Europe/Warsaw",
    }


def test_it_leaves_disabled_campaigns_and_skills_out_of_config(gadget):
    CallbackCampaign.objects.filter(name="Callback_Premium").update(enabled=False)
    Skill.objects.filter(name="Support").update(enabled=False)

    data = gadget.get("/api/v1/config").json()

    assert [c["name"] for c in data["campaigns"]] == ["Callback_Main"]
    assert [s["name"] for s in data["skills"]] == ["Sales"]


# --- slots ---------------------------------------------------------------------------


def test_it_lists_free_slots_day_by_day_with_the_reason_for_a_closed_day(gadget):
    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-22", "days": 2})

    assert response.status_code == 200
    data = response.json()
    assert (data["skill"], data["time_zone"]) == ("Sales", "Europe/Warsaw")
    sunday, monday = data["days"]
    assert sunday["date"] == "2026-11-22"
    assert sunday["available"] is False
    assert sunday["slots"] == []
    assert sunday["reason"]["code"] == "skill_closed"
    assert sunday["reason"]["message"]
    assert monday["date"] == "2026-11-23"
    assert monday["available"] is True
    assert monday["reason"] is None
    assert monday["slots"][0] == {
        "start": "2026-11-23T07:00:00Z",
        "local": "2026-11-23T08:00:00+01:00",
        "capacity": 10,
        "remaining": 10,
    }
    # 08:00 to 19:45: the last start leaves the 10-minute closing buffer before 20:00.
    assert monday["slots"][-1]["local"] == "2026-11-23T19:45:00+01:00"
    assert len(monday["slots"]) == 48


def test_it_answers_one_day_when_days_is_not_given(gadget):
    data = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23"}).json()

    assert [day["date"] for day in data["days"]] == ["2026-11-23"]


def test_it_offers_today_only_after_the_minimum_lead_time(gadget):
    data = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-20"}).json()

    # Now is 10:00 in Warsaw and a callback needs 5 minutes' notice.
    assert data["days"][0]["slots"][0]["local"] == "2026-11-20T10:15:00+01:00"


def test_it_counts_the_capacity_left_in_a_slot(gadget, make_callback):
    make_callback(scheduled_at="2026-11-23T10:30")
    make_callback(scheduled_at="2026-11-23T10:40")  # same 15-minute slot

    data = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23"}).json()

    by_local = {slot["local"]: slot for slot in data["days"][0]["slots"]}
    assert by_local["2026-11-23T10:30:00+01:00"]["remaining"] == 8
    assert by_local["2026-11-23T10:30:00+01:00"]["capacity"] == 10
    assert by_local["2026-11-23T10:15:00+01:00"]["remaining"] == 10


def test_it_leaves_out_a_full_slot(gadget, make_callback):
    update_rules(slot_capacity=1)
    make_callback(scheduled_at="2026-11-23T10:30")

    data = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23"}).json()

    locals_ = [slot["local"] for slot in data["days"][0]["slots"]]
    assert "2026-11-23T10:30:00+01:00" not in locals_
    assert "2026-11-23T10:45:00+01:00" in locals_


def test_it_offers_only_the_customers_calling_hours_for_a_phone(gadget):
    # New York is six hours behind Warsaw: 08:00 there is 14:00 in Warsaw.
    data = gadget.get(
        "/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "phone": "+1 212 736 5000"}
    ).json()

    assert data["days"][0]["slots"][0]["local"] == "2026-11-23T14:00:00+01:00"


def test_it_rejects_a_bad_date_for_slots(gadget):
    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "23.11.2026"})

    assert response.status_code == 400
    assert error_codes(response) == [("date", "invalid")]


@pytest.mark.parametrize(
    ("day", "says"),
    [("2027-02-29", "that month has no day 29"), ("2026-13-01", "there is no month 13")],
)
def test_it_names_a_day_the_calendar_lacks_not_a_wrong_format(gadget, day, says):
    """Issue 17 point 8: the format is right, the day does not exist."""
    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": day})

    assert response.status_code == 400
    assert error_codes(response) == [("date", "invalid")]
    message = response.json()["errors"][0]["message"]
    assert says in message and "format" not in message


def test_it_rejects_an_unknown_skill_for_slots(gadget):
    response = gadget.get("/api/v1/slots", {"skill": "Nope", "date": "2026-11-23"})

    assert response.status_code == 400
    assert error_codes(response) == [("skill", "unknown_skill")]


def test_it_rejects_an_invalid_phone_for_slots(gadget):
    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "phone": "12"})

    assert response.status_code == 400
    assert error_codes(response) == [("phone", "invalid_phone")]


def test_it_rejects_too_many_days_of_slots(gadget):
    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "days": 32})

    assert response.status_code == 400
    assert error_codes(response) == [("days", "max_value")]


# --- validate ------------------------------------------------------------------------


def test_it_validates_a_good_request_without_storing_it(gadget):
    response = gadget.post(f"{CALLBACKS}/validate", body(), format="json")

    assert response.status_code == 200
    assert response.json() == {"valid": True, "errors": [], "suggestions": []}
    assert not Callback.objects.exists()


def test_it_validates_a_bad_request_with_errors_and_suggestions(gadget):
    response = gadget.post(
        f"{CALLBACKS}/validate", body(scheduled_at="2026-11-22T10:30"), format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is False
    assert error_codes(response) == [("scheduled_at", "skill_closed")]
    assert data["errors"][0]["message"]
    assert len(data["suggestions"]) == 3
    assert all(set(s) == SLOT_FIELDS for s in data["suggestions"])
    assert data["suggestions"][0]["local"] == "2026-11-23T08:00:00+01:00"
    assert not Callback.objects.exists()


def test_it_answers_field_errors_of_validate_in_the_error_shape(gadget):
    response = gadget.post(f"{CALLBACKS}/validate", {"phone_number": PHONE}, format="json")

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [
        ("campaign", "required"),
        ("scheduled_at", "required"),
        ("skill", "required"),
    ]


# --- create --------------------------------------------------------------------------


def test_it_creates_a_personal_callback_with_every_response_field(gadget):
    request = body(
        phone_number="22 123 45 67",
        agent_id="jkowalski",
        agent_name="Jan Kowalski",
        first_name="Anna",
        last_name="Nowak",
        notes="Premium plan",
        origin_account_number="4711",
    )

    response = gadget.post(CALLBACKS, request, format="json")

    assert response.status_code == 201
    callback = Callback.objects.get()
    assert response.json() == {
        "id": callback.pk,
        "account_number": callback.account_number,
        "status": "scheduled",
        "kind": "personal",
        "scheduled_at": "2026-11-23T09:30:00Z",
        "scheduled_at_local": "2026-11-23T10:30:00+01:00",
        "phone_number": "+48221234567",
        "dial_number": "221234567",
        "campaign": "Callback_Main",
        "skill": "Sales",
        "agent_id": "jkowalski",
        "agent_name": "Jan Kowalski",
        "first_name": "Anna",
        "last_name": "Nowak",
        "attempts": 0,
        "last_result": "",
        "created_at": "2026-11-20T09:00:00Z",
        "can_cancel": True,
        "can_reschedule": True,
    }
    assert callback.account_number == f"CB{callback.pk:010d}"
    assert (callback.notes, callback.origin_account_number) == ("Premium plan", "4711")
    assert callback.source == Source.GADGET


def test_it_creates_a_standard_callback_without_an_agent(gadget):
    response = gadget.post(CALLBACKS, body(), format="json")

    assert response.status_code == 201
    assert response.json()["kind"] == "standard"
    assert response.json()["agent_id"] == ""


def test_it_respects_an_aware_time_and_shows_it_in_the_skill_zone(gadget):
    response = gadget.post(CALLBACKS, body(scheduled_at="2026-11-23T09:30:00Z"), format="json")

    assert response.status_code == 201
    assert response.json()["scheduled_at"] == "2026-11-23T09:30:00Z"
    assert response.json()["scheduled_at_local"] == "2026-11-23T10:30:00+01:00"


def test_it_dials_a_foreign_number_with_the_international_prefix(gadget):
    response = gadget.post(CALLBACKS, body(phone_number="+49 30 12345678"), format="json")

    assert response.status_code == 201
    assert response.json()["phone_number"] == "+493012345678"
    assert response.json()["dial_number"] == "00493012345678"


def test_it_rejects_a_create_with_errors_and_suggestions_and_stores_nothing(gadget):
    response = gadget.post(CALLBACKS, body(scheduled_at="2026-11-22T10:30"), format="json")

    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"errors", "suggestions"}
    assert error_codes(response) == [("scheduled_at", "skill_closed")]
    assert [s["local"] for s in data["suggestions"]][:1] == ["2026-11-23T08:00:00+01:00"]
    assert not Callback.objects.exists()


def test_it_reports_a_missing_field_as_required(gadget):
    request = body()
    del request["phone_number"]

    response = gadget.post(CALLBACKS, request, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("phone_number", "required")]
    assert response.json()["errors"][0]["message"]


# --- every violation code through the API ------------------------------------------


def _slot_taken(make_callback) -> None:
    update_rules(slot_capacity=1)
    make_callback(scheduled_at=MONDAY_1030)


def _same_number_waiting(make_callback) -> None:
    make_callback(phone_number=PHONE, scheduled_at="2026-11-24T10:30")


def _company_holiday_on_monday(make_callback) -> None:
    CustomHoliday.objects.create(
        calendar=HolidayCalendar.objects.get(name="Poland"),
        name="Company day",
        date=dt.date(2026, 11, 23),
    )


def _only_polish_numbers(make_callback) -> None:
    update_rules(allowed_regions="PL")


def _main_campaign_disabled(make_callback) -> None:
    CallbackCampaign.objects.filter(name="Callback_Main").update(enabled=False)


def _sales_disabled(make_callback) -> None:
    Skill.objects.filter(name="Sales").update(enabled=False)


def _nothing(make_callback) -> None:
    pass


VIOLATIONS: list[tuple[str, dict, Callable, str]] = [
    ("invalid_phone", {"phone_number": "12"}, _nothing, "phone_number"),
    ("phone_not_allowed", {"phone_number": "+4930123456"}, _only_polish_numbers, "phone_number"),
    ("invalid_datetime", {"scheduled_at": "next monday"}, _nothing, "scheduled_at"),
    ("in_past", {"scheduled_at": "2026-11-20T09:30"}, _nothing, "scheduled_at"),
    ("too_soon", {"scheduled_at": "2026-11-20T10:03"}, _nothing, "scheduled_at"),
    ("too_far_ahead", {"scheduled_at": "2026-12-30T10:30"}, _nothing, "scheduled_at"),
    (
        "outside_global_window",
        {"skill": "Support", "scheduled_at": "2026-11-23T20:30"},
        _nothing,
        "scheduled_at",
    ),
    ("skill_closed", {"scheduled_at": "2026-11-22T10:30"}, _nothing, "scheduled_at"),
    ("closing_soon", {"scheduled_at": "2026-11-23T19:55"}, _nothing, "scheduled_at"),
    ("holiday", {}, _company_holiday_on_monday, "scheduled_at"),
    ("outside_customer_hours", {"phone_number": "+1 212 736 5000"}, _nothing, "scheduled_at"),
    ("slot_full", {}, _slot_taken, "scheduled_at"),
    ("duplicate_pending", {}, _same_number_waiting, "phone_number"),
    ("unknown_campaign", {"campaign": "Nope"}, _nothing, "campaign"),
    ("campaign_disabled", {}, _main_campaign_disabled, "campaign"),
    ("unknown_skill", {"skill": "Nope"}, _nothing, "skill"),
    ("skill_disabled", {}, _sales_disabled, "skill"),
]


@pytest.mark.parametrize(
    ("code", "overrides", "arrange", "field"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS]
)
def test_it_rejects_each_violation_with_its_code_and_field(
    gadget, make_callback, code, overrides, arrange, field
):
    arrange(make_callback)
    stored_before = Callback.objects.count()

    response = gadget.post(CALLBACKS, body(**overrides), format="json")

    assert response.status_code == 400
    assert error_codes(response) == [(field, code)]
    assert response.json()["errors"][0]["message"]
    assert Callback.objects.count() == stored_before


@pytest.mark.parametrize(
    ("code", "overrides", "arrange", "field"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS]
)
def test_it_reports_each_violation_in_validate_too(
    gadget, make_callback, code, overrides, arrange, field
):
    arrange(make_callback)

    response = gadget.post(f"{CALLBACKS}/validate", body(**overrides), format="json")

    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert error_codes(response) == [(field, code)]


def test_it_returns_every_violation_at_once(gadget):
    response = gadget.post(
        CALLBACKS,
        body(phone_number="12", campaign="Nope", scheduled_at="2026-11-22T10:30"),
        format="json",
    )

    assert response.status_code == 400
    assert sorted(error_codes(response)) == [
        ("campaign", "unknown_campaign"),
        ("phone_number", "invalid_phone"),
        ("scheduled_at", "skill_closed"),
    ]


# --- list ----------------------------------------------------------------------------


def test_it_lists_callbacks_newest_first(gadget, make_callback):
    early = make_callback(scheduled_at="2026-11-23T10:00")
    late = make_callback(scheduled_at="2026-11-24T10:00")

    response = gadget.get(CALLBACKS)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [c["id"] for c in data["results"]] == [late.pk, early.pk]
    assert data["results"][0]["account_number"] == late.account_number


def test_it_filters_the_list_by_agent(gadget, make_callback):
    mine = make_callback(agent_id="jkowalski")
    make_callback(agent_id="anowak")
    make_callback()

    data = gadget.get(CALLBACKS, {"agent_id": "jkowalski"}).json()

    assert [c["id"] for c in data["results"]] == [mine.pk]


@pytest.mark.parametrize("typed", PHONE_FORMATS)
def test_it_finds_a_callback_by_phone_in_any_format(gadget, make_callback, typed):
    wanted = make_callback(phone_number=PHONE)
    make_callback()

    response = gadget.get(CALLBACKS, {"phone": typed})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [wanted.pk]


def test_it_filters_the_list_by_status(gadget, make_callback, put_in):
    cancelled = put_in(make_callback(), Status.CANCELLED)
    make_callback()

    data = gadget.get(CALLBACKS, {"status": "cancelled"}).json()

    assert [c["id"] for c in data["results"]] == [cancelled.pk]
    assert data["results"][0]["status"] == "cancelled"


def test_it_rejects_an_unknown_status_filter(gadget):
    response = gadget.get(CALLBACKS, {"status": "lost"})

    assert response.status_code == 400
    assert error_codes(response) == [("status", "invalid_choice")]


def test_it_rejects_a_phone_filter_that_is_no_number(gadget):
    response = gadget.get(CALLBACKS, {"phone": "12"})

    assert response.status_code == 400
    assert error_codes(response) == [("phone", "invalid_phone")]


def test_it_finds_a_callback_to_a_number_the_policy_now_forbids(gadget, make_callback):
    wanted = make_callback(phone_number="+49 30 12345678")
    update_rules(allowed_regions="PL")

    response = gadget.get(CALLBACKS, {"phone": "+49 30 12345678"})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [wanted.pk]


def test_it_pages_the_list_by_fifty(gadget, make_callback):
    bulk_callbacks(make_callback(), 50)

    first = gadget.get(CALLBACKS).json()
    second = gadget.get(CALLBACKS, {"page": 2}).json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(second["results"]) == 1
    assert second["next"] is None
    seen = {c["id"] for c in first["results"]} | {c["id"] for c in second["results"]}
    assert len(seen) == 51


def test_it_answers_404_for_a_page_past_the_end(gadget, make_callback):
    make_callback()

    response = gadget.get(CALLBACKS, {"page": 9})

    assert response.status_code == 404
    assert error_codes(response) == [(None, "not_found")]


# --- detail --------------------------------------------------------------------------


def test_it_shows_one_callback_with_its_events(gadget, make_callback, put_in):
    callback = make_callback(agent_id="jkowalski", notes="VIP", origin_account_number="4711")
    put_in(callback, Status.CANCELLED)

    response = gadget.get(f"{CALLBACKS}/{callback.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == callback.pk
    assert data["account_number"] == callback.account_number
    assert data["status"] == "cancelled"
    assert data["kind"] == "personal"
    assert (data["notes"], data["origin_account_number"]) == ("VIP", "4711")
    assert data["rescheduled_from"] is None
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in data["events"]] == [
        ("created", "", "scheduled"),
        ("revalidated", "scheduled", "cancelled"),
    ]
    assert data["events"][0]["at"] == "2026-11-20T09:00:00Z"


# --- reschedule ----------------------------------------------------------------------


def test_it_reschedules_into_a_new_callback_and_keeps_the_old_one(gadget, make_callback):
    old = make_callback(phone_number=PHONE, agent_id="jkowalski", first_name="Anna")

    response = gadget.post(
        f"{CALLBACKS}/{old.pk}/reschedule", {"scheduled_at": "2026-11-24T11:00"}, format="json"
    )

    assert response.status_code == 201
    data = response.json()
    assert data["id"] != old.pk
    assert data["account_number"] != old.account_number
    assert data["status"] == "scheduled"
    assert data["scheduled_at_local"] == "2026-11-24T11:00:00+01:00"
    assert (data["phone_number"], data["agent_id"], data["first_name"]) == (
        PHONE,
        "jkowalski",
        "Anna",
    )
    old.refresh_from_db()
    assert old.status == Status.RESCHEDULED
    detail = gadget.get(f"{CALLBACKS}/{data['id']}").json()
    assert detail["rescheduled_from"] == old.account_number


def test_it_refuses_a_reschedule_that_breaks_the_rules(gadget, make_callback):
    old = make_callback()

    response = gadget.post(
        f"{CALLBACKS}/{old.pk}/reschedule", {"scheduled_at": "2026-11-22T11:00"}, format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "skill_closed")]
    assert response.json()["suggestions"]
    old.refresh_from_db()
    assert old.status == Status.SCHEDULED
    assert Callback.objects.count() == 1


def test_it_reschedules_within_a_full_slot_it_holds_itself(gadget, make_callback):
    update_rules(slot_capacity=1)
    old = make_callback(scheduled_at=MONDAY_1030)

    response = gadget.post(
        f"{CALLBACKS}/{old.pk}/reschedule", {"scheduled_at": "2026-11-23T10:40"}, format="json"
    )

    # The old callback leaves the slot as the new one takes it: no slot_full.
    assert response.status_code == 201, response.content
    assert response.json()["scheduled_at_local"] == "2026-11-23T10:40:00+01:00"


def test_it_refuses_to_reschedule_a_finished_callback(gadget, make_callback, put_in):
    old = put_in(make_callback(), Status.CANCELLED)

    response = gadget.post(
        f"{CALLBACKS}/{old.pk}/reschedule", {"scheduled_at": "2026-11-24T11:00"}, format="json"
    )

    assert response.status_code == 409
    assert error_codes(response) == [(None, "invalid_state")]
    assert Callback.objects.count() == 1


def test_it_requires_the_new_time_to_reschedule(gadget, make_callback):
    old = make_callback()

    response = gadget.post(f"{CALLBACKS}/{old.pk}/reschedule", {}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "required")]


# --- cancel and delivered ------------------------------------------------------------


def test_it_cancels_once_and_then_refuses(gadget, make_callback):
    callback = make_callback()
    url = f"{CALLBACKS}/{callback.pk}/cancel"

    first = gadget.post(url, {"reason": "Solved by e-mail"}, format="json")
    second = gadget.post(url, {"reason": "again"}, format="json")

    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["id"] == callback.pk
    assert second.status_code == 409
    assert error_codes(second) == [(None, "invalid_state")]
    callback.refresh_from_db()
    assert callback.status == Status.CANCELLED
    event = callback.events.get(kind="cancelled")
    assert event.details == {"reason": "Solved by e-mail"}


def test_it_cancels_without_a_reason(gadget, make_callback):
    callback = make_callback()

    response = gadget.post(f"{CALLBACKS}/{callback.pk}/cancel", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_it_marks_a_callback_delivered_to_the_agent(gadget, make_callback, put_in):
    callback = put_in(make_callback(agent_id="jkowalski"), Status.IN_IVR)

    response = gadget.post(
        f"{CALLBACKS}/{callback.pk}/delivered", {"agent_id": "jkowalski"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    callback.refresh_from_db()
    assert callback.delivered_at is not None
    assert callback.events.filter(kind="delivered").count() == 1


def test_it_accepts_delivered_twice_without_a_second_event(gadget, make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_IVR)
    url = f"{CALLBACKS}/{callback.pk}/delivered"
    gadget.post(url, {}, format="json")

    again = gadget.post(url, {}, format="json")

    assert again.status_code == 200
    assert again.json()["status"] == "completed"
    assert callback.events.filter(kind="delivered").count() == 1


def test_it_refuses_delivered_for_a_callback_not_yet_dialed(gadget, make_callback):
    callback = make_callback()

    response = gadget.post(f"{CALLBACKS}/{callback.pk}/delivered", {}, format="json")

    assert response.status_code == 409
    assert error_codes(response) == [(None, "invalid_state")]


def test_it_records_a_late_delivery_of_a_cancelled_callback(gadget, make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_DIALER)
    cancelled = gadget.post(f"{CALLBACKS}/{callback.pk}/cancel", {}, format="json")

    response = gadget.post(
        f"{CALLBACKS}/{callback.pk}/delivered", {"agent_id": "jkowalski"}, format="json"
    )

    assert cancelled.status_code == 200
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert callback.events.filter(kind="delivered").count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/callbacks/999999"),
        ("post", "/api/v1/callbacks/999999/reschedule"),
        ("post", "/api/v1/callbacks/999999/cancel"),
        ("post", "/api/v1/callbacks/999999/delivered"),
    ],
)
def test_it_answers_404_for_an_unknown_callback_id(gadget, method, path):
    response = getattr(gadget, method)(path, {"scheduled_at": MONDAY_1030}, format="json")

    assert response.status_code == 404
    assert error_codes(response) == [(None, "not_found")]


# --- Idempotency-Key -----------------------------------------------------------------


def test_it_replays_the_first_answer_to_a_retried_create(gadget):
    first = gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    retry = gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replay"] == "true"
    assert not first.has_header("Idempotent-Replay")
    assert Callback.objects.count() == 1


def test_it_treats_the_same_body_in_another_key_order_as_the_same_request(gadget):
    gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="req-1")
    reordered = dict(reversed(list(body().items())))

    retry = gadget.post(CALLBACKS, reordered, format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    assert retry.status_code == 201
    assert retry["Idempotent-Replay"] == "true"


def test_it_refuses_a_reused_idempotency_key_with_another_body(gadget):
    gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    other = gadget.post(
        CALLBACKS, body(phone_number="+48221234568"), format="json", HTTP_IDEMPOTENCY_KEY="req-1"
    )

    assert other.status_code == 422
    assert error_codes(other) == [(None, "idempotency_key_reused")]
    assert Callback.objects.count() == 1


def test_it_replays_a_rejected_first_answer_as_rejected(gadget):
    sunday = body(scheduled_at="2026-11-22T10:30")
    first = gadget.post(CALLBACKS, sunday, format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    retry = gadget.post(CALLBACKS, sunday, format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    assert first.status_code == retry.status_code == 400
    assert retry.json() == first.json()
    assert retry["Idempotent-Replay"] == "true"
    assert not Callback.objects.exists()


def test_it_keeps_idempotency_keys_apart_per_api_key(gadget):
    other_gadget = key_client(new_key("gadget", "Finesse gadget, site B")[1])
    first = gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="req-1")

    second = other_gadget.post(
        CALLBACKS, body(phone_number="+48221234568"), format="json", HTTP_IDEMPOTENCY_KEY="req-1"
    )

    assert first.status_code == second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert not second.has_header("Idempotent-Replay")
    assert Callback.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key="req-1").count() == 2


def test_it_creates_twice_without_an_idempotency_key(gadget):
    gadget.post(CALLBACKS, body(), format="json")

    again = gadget.post(CALLBACKS, body(), format="json")

    # No key, no replay: the second request is validated anew (one pending per number).
    assert again.status_code == 400
    assert error_codes(again) == [("phone_number", "duplicate_pending")]


def test_it_refuses_an_overlong_idempotency_key(gadget):
    response = gadget.post(CALLBACKS, body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)

    assert response.status_code == 400
    assert error_codes(response) == [(None, "invalid_idempotency_key")]
    assert not Callback.objects.exists()


# --- OpenAPI -------------------------------------------------------------------------

CONTRACT_PATHS = [
    "/api/v1/config",
    "/api/v1/slots",
    "/api/v1/callbacks/validate",
    "/api/v1/callbacks",
    "/api/v1/callbacks/{id}",
    "/api/v1/callbacks/{id}/reschedule",
    "/api/v1/callbacks/{id}/cancel",
    "/api/v1/callbacks/{id}/delivered",
    "/api/v1/ivr/callbacks/{account_number}",
    "/api/v1/ivr/callbacks/{account_number}/outcome",
    "/api/v1/ivr/callbacks",
]


def test_it_publishes_an_openapi_document_with_every_contract_path(client, db):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(CONTRACT_PATHS) <= set(paths)
    assert "get" in paths["/api/v1/callbacks"]
    assert "post" in paths["/api/v1/callbacks"]
    assert "post" in paths["/api/v1/ivr/callbacks/{account_number}/outcome"]


def test_it_serves_the_api_docs_page(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200


def test_it_generates_a_schema_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=io.StringIO()
    )

    assert "/api/v1/callbacks/{id}/reschedule" in target.read_text()


# --- query counts --------------------------------------------------------------------

LIST_QUERIES = 3  # API key, COUNT, one page with campaign and skill joined


@pytest.mark.parametrize("count", [3, 30])
def test_it_lists_callbacks_in_a_fixed_number_of_queries(
    gadget, make_callback, django_assert_num_queries, count
):
    bulk_callbacks(make_callback(), count - 1)

    with django_assert_num_queries(LIST_QUERIES):
        response = gadget.get(CALLBACKS)

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_it_filters_by_phone_in_a_fixed_number_of_queries(
    gadget, make_callback, django_assert_num_queries, count
):
    model = make_callback(phone_number=PHONE)
    bulk_callbacks(model, count - 1)

    # + the global rules' default region, read to parse the number
    with django_assert_num_queries(LIST_QUERIES + 1):
        response = gadget.get(CALLBACKS, {"phone": "22 123 45 67"})

    assert response.json()["count"] == 1


def test_it_checks_the_campaign_given_to_slots(gadget):
    unknown = gadget.get(
        "/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "campaign": "Nope"}
    )
    known = gadget.get(
        "/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "campaign": "Callback_Main"}
    )

    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["code"] == "unknown_campaign"
    assert known.status_code == 200


def test_it_lets_a_finesse_page_read_the_replay_header(gadget, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://finesse.example.com"]

    response = gadget.get("/api/v1/config", HTTP_ORIGIN="https://finesse.example.com")

    assert "idempotent-replay" in response["Access-Control-Expose-Headers"].lower()


def test_it_serves_the_api_docs_without_any_outside_host(client):
    # Servers beside UCCX often have no internet: Swagger UI must come from our statics.
    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in html
    assert "cdn." not in html
    assert "https://" not in html


@pytest.mark.parametrize("status", list(Status))
def test_a_callback_says_what_the_state_machine_lets_the_agent_do(
    gadget, make_callback, put_in, status
):
    callback = put_in(make_callback(), status)

    data = gadget.get(f"{CALLBACKS}/{callback.pk}").json()

    assert data["status"] == status
    assert data["can_cancel"] == states.can_transition(status, Status.CANCELLED)
    assert data["can_reschedule"] == states.can_transition(status, Status.RESCHEDULED)
    assert data["can_cancel"] == (status in ("scheduled", "in_dialer"))
    assert data["can_reschedule"] == (status in ("scheduled", "exporting", "in_dialer", "in_ivr"))
