"""The IVR API as the UCCX callback script uses it (docs/architecture.md §5,
docs/ivr-script.md): a flat document read with one XPath (XML, any CCX) or one JSONPath
(JSON, CCX 11.6+) per field; the script's outcomes; inbound callbacks booked in the
earliest free slot.
"""

import datetime as dt

import pytest
from jsonpath_ng import parse as jsonpath
from lxml import etree
from rest_framework.test import APIClient

from callbacks.models import ApiScope, Callback, CallbackCampaign, Source, Status
from scheduling.models import GlobalRules

from .api_helpers import (
    PHONE,
    PREMIUM_SCRIPT,
    UNKNOWN,
    basic_client,
    body,
    bulk_callbacks,
    error_codes,
    new_key,
    outcome_url,
    route_url,
)

pytestmark = pytest.mark.usefixtures("frozen_now")

ROUTE_FIELDS = [
    "found",
    "action",
    "agent_id",
    "agent_name",
    "skill",
    "script",
    "first_name",
    "last_name",
    "phone_number",
    "campaign",
    "callback_id",
]


def xpath_fields(response) -> dict[str, str]:
    """Each field as the CCX 'Get XML Document Data' step reads it: /callback/<field>."""
    document = etree.fromstring(response.content)
    return {name: document.xpath(f"string(/callback/{name})") for name in ROUTE_FIELDS}


def jsonpath_fields(response) -> dict:
    """Each field as the CCX 11.6 'Get JSON Document Data' step reads it: $.<field>."""
    data = response.json()
    found = {}
    for name in ROUTE_FIELDS:
        matches = jsonpath(f"$.{name}").find(data)
        assert len(matches) == 1, name
        found[name] = matches[0].value
    return found


# --- routing lookup ------------------------------------------------------------------


def test_it_answers_the_route_as_flat_json_by_default(ivr, personal):
    response = ivr.get(route_url(personal.account_number))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert jsonpath_fields(response) == {
        "found": True,
        "action": "agent",
        "agent_id": "jkowalski",
        "agent_name": "Jan Kowalski",
        "skill": "Sales",
        "script": "",
        "first_name": "Anna",
        "last_name": "Nowak",
        "phone_number": PHONE,
        "campaign": "Callback_Main",
        "callback_id": personal.pk,
    }
    assert response.json()["account_number"] == personal.account_number


EXPECTED_XML = {
    "found": "true",
    "action": "agent",
    "agent_id": "jkowalski",
    "agent_name": "Jan Kowalski",
    "skill": "Sales",
    "script": "",
    "first_name": "Anna",
    "last_name": "Nowak",
    "phone_number": PHONE,
    "campaign": "Callback_Main",
}


def test_it_answers_the_route_as_flat_xml_for_an_accept_header(ivr, personal):
    response = ivr.get(route_url(personal.account_number), HTTP_ACCEPT="application/xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert xpath_fields(response) == {**EXPECTED_XML, "callback_id": str(personal.pk)}


def test_it_answers_the_route_as_flat_xml_for_format_xml(ivr, personal):
    response = ivr.get(route_url(personal.account_number), {"format": "xml"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert xpath_fields(response) == {**EXPECTED_XML, "callback_id": str(personal.pk)}


def test_it_keeps_the_xml_flat_one_element_per_field(ivr, personal):
    response = ivr.get(route_url(personal.account_number), {"format": "xml"})

    document = etree.fromstring(response.content)
    assert document.tag == "callback"
    assert all(len(child) == 0 for child in document)
    for name in ROUTE_FIELDS:
        assert len(document.xpath(f"/callback/{name}")) == 1, name


def test_it_serves_an_old_ccx_with_basic_auth_and_xml(demo, personal):
    client = basic_client(new_key(ApiScope.IVR)[1])

    response = client.get(route_url(personal.account_number), {"format": "xml"})

    assert response.status_code == 200
    assert xpath_fields(response)["action"] == "agent"


def test_it_routes_a_standard_callback_to_the_skill(ivr, make_callback, put_in):
    callback = put_in(make_callback(skill="Support"), Status.IN_DIALER)

    data = ivr.get(route_url(callback.account_number)).json()

    assert (data["found"], data["action"], data["skill"], data["agent_id"]) == (
        True,
        "skill",
        "Support",
        "",
    )


@pytest.mark.parametrize("agent_id", ["", "jkowalski"])
def test_it_routes_every_call_of_a_campaign_with_a_script_to_the_script(
    ivr, make_callback, put_in, agent_id
):
    callback = make_callback(campaign="Callback_Premium", agent_id=agent_id)
    put_in(callback, Status.IN_DIALER)

    data = ivr.get(route_url(callback.account_number), {"format": "xml"})

    fields = xpath_fields(data)
    assert (fields["action"], fields["script"], fields["campaign"]) == (
        "script",
        PREMIUM_SCRIPT,
        "Callback_Premium",
    )


def test_it_finds_a_lowercase_account_number(ivr, personal):
    response = ivr.get(route_url(personal.account_number.lower()))

    assert response.status_code == 200
    assert response.json()["found"] is True
    assert response.json()["callback_id"] == personal.pk


def test_it_moves_a_dialed_callback_into_the_ivr_on_lookup(ivr, personal):
    ivr.get(route_url(personal.account_number))

    personal.refresh_from_db()
    assert personal.status == Status.IN_IVR
    assert personal.connected_at is not None
    lookup = personal.events.get(kind="ivr_lookup")
    assert (lookup.from_status, lookup.to_status) == ("in_dialer", "in_ivr")


def test_it_still_routes_a_callback_cancelled_meanwhile(ivr, personal, put_in):
    put_in(personal, Status.CANCELLED)

    response = ivr.get(route_url(personal.account_number))

    assert response.status_code == 200
    assert response.json()["action"] == "agent"
    personal.refresh_from_db()
    assert personal.status == Status.CANCELLED
    assert personal.events.filter(kind="ivr_lookup").count() == 1


# --- unknown account numbers ---------------------------------------------------------


def test_it_answers_an_unknown_number_with_404_and_the_default_route(ivr):
    response = ivr.get(route_url(UNKNOWN))

    assert response.status_code == 404
    assert jsonpath_fields(response) == {
        "found": False,
        "action": "skill",
        "agent_id": "",
        "agent_name": "",
        "skill": "Support",
        "script": "",
        "first_name": "",
        "last_name": "",
        "phone_number": "",
        "campaign": "Callback_Main",
        "callback_id": None,
    }


def test_it_answers_an_unknown_number_in_flat_xml_too(ivr):
    response = ivr.get(route_url(UNKNOWN), HTTP_ACCEPT="application/xml")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/xml")
    fields = xpath_fields(response)
    assert (fields["found"], fields["action"], fields["skill"], fields["callback_id"]) == (
        "false",
        "skill",
        "Support",
        "",
    )


@pytest.mark.parametrize("hint", ["Callback_Premium", "2"])
def test_it_takes_the_default_route_of_the_campaign_named_in_the_query(ivr, hint):
    CallbackCampaign.objects.filter(name="Callback_Premium").update(unknown_action="script")

    response = ivr.get(route_url(UNKNOWN), {"campaign": hint})

    assert response.status_code == 404
    data = response.json()
    assert (data["found"], data["action"], data["script"], data["campaign"]) == (
        False,
        "script",
        PREMIUM_SCRIPT,
        "Callback_Premium",
    )


@pytest.mark.parametrize("hint", ["Nope", "99"])
def test_it_falls_back_to_the_first_campaign_for_an_unknown_campaign_hint(ivr, hint):
    data = ivr.get(route_url(UNKNOWN), {"campaign": hint}).json()

    assert (data["campaign"], data["action"], data["skill"]) == (
        "Callback_Main",
        "skill",
        "Support",
    )


# --- outcome -------------------------------------------------------------------------


@pytest.fixture
def in_ivr(ivr, personal) -> Callback:
    ivr.get(route_url(personal.account_number))  # the script looked it up
    personal.refresh_from_db()
    return personal


@pytest.mark.parametrize("outcome", ["queued_agent", "queued_skill", "transferred_script"])
def test_it_records_a_queueing_outcome_without_finishing_the_callback(ivr, in_ivr, outcome):
    response = ivr.post(outcome_url(in_ivr.account_number), {"outcome": outcome}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "account_number": in_ivr.account_number,
        "status": "in_ivr",
        "scheduled_at": "2026-11-23T09:00:00Z",
        "rescheduled": False,
    }
    event = in_ivr.events.get(kind="ivr_outcome")
    # A personal callback queued to the skill fell back: the wait it had is recorded.
    fell_back = {"personal_wait_seconds": 30} if outcome == "queued_skill" else {}
    assert event.details == {"outcome": outcome, **fell_back}


def test_it_fails_the_callback_when_the_customer_hangs_up(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number), {"outcome": "customer_hangup"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    assert response.json()["rescheduled"] is False
    in_ivr.refresh_from_db()
    assert (in_ivr.status, in_ivr.last_result) == (Status.FAILED, "customer_hangup")


def test_it_books_a_new_callback_when_the_customer_asks_for_another_time(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number),
        {"outcome": "reschedule_requested", "scheduled_at": "2026-11-24T16:00"},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()
    assert data["rescheduled"] is True
    assert data["status"] == "scheduled"
    assert data["scheduled_at"] == "2026-11-24T15:00:00Z"
    assert data["account_number"] != in_ivr.account_number
    new = Callback.objects.get(account_number=data["account_number"])
    assert (new.rescheduled_from_id, new.source, new.agent_id) == (in_ivr.pk, "ivr", "jkowalski")
    in_ivr.refresh_from_db()
    assert in_ivr.status == Status.RESCHEDULED


def test_it_requires_a_time_for_a_reschedule_request(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number), {"outcome": "reschedule_requested"}, format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "invalid_datetime")]
    in_ivr.refresh_from_db()
    assert in_ivr.status == Status.IN_IVR
    assert Callback.objects.count() == 1


def test_it_refuses_a_reschedule_request_that_breaks_the_rules(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number),
        {"outcome": "reschedule_requested", "scheduled_at": "2026-11-22T16:00"},
        format="json",
    )

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "skill_closed")]
    in_ivr.refresh_from_db()
    assert in_ivr.status == Status.IN_IVR


def test_it_refuses_an_unknown_outcome(ivr, in_ivr):
    response = ivr.post(outcome_url(in_ivr.account_number), {"outcome": "happy"}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("outcome", "invalid_choice")]


def test_it_requires_an_outcome(ivr, in_ivr):
    response = ivr.post(outcome_url(in_ivr.account_number), {}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("outcome", "required")]


def test_it_takes_an_outcome_posted_as_a_form(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number),
        "outcome=queued_skill",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert in_ivr.events.get(kind="ivr_outcome").details == {
        "outcome": "queued_skill",
        "personal_wait_seconds": 30,
    }


def test_it_answers_404_for_the_outcome_of_an_unknown_number(ivr):
    response = ivr.post(outcome_url(UNKNOWN), {"outcome": "queued_skill"}, format="json")

    assert response.status_code == 404
    # Issue 17 point 8: in the IVR's terms, not Django's "No Callback matches the query."
    assert error_codes(response) == [("account_number", "unknown_account")]
    message = response.json()["errors"][0]["message"]
    assert UNKNOWN.upper() in message and "matches the given query" not in message


def test_it_takes_an_outcome_for_a_lowercase_number_and_answers_xml(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number.lower()) + "?format=xml",
        {"outcome": "customer_hangup"},
        format="json",
    )

    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/status)") == "failed"
    assert document.xpath("string(/callback/rescheduled)") == "false"


def test_it_refuses_a_hangup_for_a_finished_callback(ivr, in_ivr):
    url = outcome_url(in_ivr.account_number)
    ivr.post(url, {"outcome": "customer_hangup"}, format="json")

    again = ivr.post(url, {"outcome": "customer_hangup"}, format="json")

    assert again.status_code == 409
    assert error_codes(again) == [(None, "invalid_state")]


# --- inbound IVR creates a callback --------------------------------------------------

IVR_CREATE = "/api/v1/ivr/callbacks"


def ivr_body(**overrides) -> dict:
    data = body(**{"skill": "Support", **overrides})
    if "scheduled_at" not in overrides:
        del data["scheduled_at"]
    return data


def test_it_books_the_earliest_free_slot_without_a_time(ivr):
    response = ivr.post(IVR_CREATE, ivr_body(first_name="Anna"), format="json")

    assert response.status_code == 201
    data = response.json()
    # Now is 10:00 in Warsaw; 5 minutes' notice puts the first free slot at 10:15.
    assert data["scheduled_at"] == "2026-11-20T09:15:00Z"
    assert data["scheduled_at_local"] == "2026-11-20T10:15:00+01:00"
    assert (data["skill"], data["kind"], data["first_name"]) == ("Support", "standard", "Anna")
    assert Callback.objects.get(pk=data["id"]).source == Source.IVR


def test_it_books_the_next_slot_when_the_earliest_is_full(ivr, make_callback):
    rules = GlobalRules.load()
    rules.slot_capacity = 1
    rules.save()
    make_callback(skill="Support", scheduled_at="2026-11-20T10:15")

    response = ivr.post(IVR_CREATE, ivr_body(), format="json")

    assert response.status_code == 201
    assert response.json()["scheduled_at_local"] == "2026-11-20T10:30:00+01:00"


def test_it_books_the_time_given_by_the_ivr(ivr):
    response = ivr.post(IVR_CREATE, ivr_body(scheduled_at="2026-11-23T12:00"), format="json")

    assert response.status_code == 201
    assert response.json()["scheduled_at_local"] == "2026-11-23T12:00:00+01:00"


def test_it_books_a_personal_callback_from_the_ivr(ivr):
    response = ivr.post(IVR_CREATE, ivr_body(agent_id="jkowalski"), format="json")

    assert response.status_code == 201
    assert response.json()["kind"] == "personal"


def test_it_rejects_an_ivr_booking_that_breaks_the_rules(ivr):
    response = ivr.post(IVR_CREATE, ivr_body(phone_number="12"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("phone_number", "invalid_phone")]
    assert not Callback.objects.exists()


def test_it_rejects_an_ivr_booking_at_a_closed_time(ivr):
    response = ivr.post(
        IVR_CREATE, ivr_body(skill="Sales", scheduled_at="2026-11-22T12:00"), format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "skill_closed")]


def test_it_reports_only_the_unknown_skill_when_no_time_was_given(ivr):
    response = ivr.post(IVR_CREATE, ivr_body(skill="Nope"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("skill", "unknown_skill")]


def test_it_says_no_slot_is_free_when_none_is(ivr):
    rules = GlobalRules.load()
    rules.max_days_ahead = 0  # today only,
    rules.latest_time = dt.time(10)  # and today's window closed at 10:00 (now)
    rules.save()

    response = ivr.post(IVR_CREATE, ivr_body(), format="json")
    polish = ivr.post(IVR_CREATE, ivr_body(), format="json", HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "slot_full")]
    assert response.json()["errors"][0]["message"] == "No free slot for Support in the next 0 days."
    assert polish.json()["errors"][0]["message"] == (
        "Brak wolnego terminu dla Support w najbliższych 0 dniach."
    )
    assert not Callback.objects.exists()


def test_it_requires_a_phone_number_from_the_ivr(ivr):
    data = ivr_body()
    del data["phone_number"]

    response = ivr.post(IVR_CREATE, data, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("phone_number", "required")]


def test_it_replays_a_retried_ivr_booking(ivr):
    first = ivr.post(IVR_CREATE, ivr_body(), format="json", HTTP_IDEMPOTENCY_KEY="call-42")

    retry = ivr.post(IVR_CREATE, ivr_body(), format="json", HTTP_IDEMPOTENCY_KEY="call-42")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replay"] == "true"
    assert Callback.objects.count() == 1


def test_it_answers_an_ivr_booking_in_xml(ivr):
    response = ivr.post(IVR_CREATE + "?format=xml", ivr_body(), format="json")

    assert response.status_code == 201
    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/account_number)").startswith("CB")
    assert document.xpath("string(/callback/scheduled_at)") == "2026-11-20T09:15:00Z"


def test_it_answers_ivr_errors_in_xml_when_asked(ivr, in_ivr):
    response = ivr.post(
        outcome_url(in_ivr.account_number), {"outcome": "happy"}, HTTP_ACCEPT="application/xml"
    )

    assert response.status_code == 400
    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/errors/item/code)") == "invalid_choice"
    assert document.xpath("string(/callback/errors/item/field)") == "outcome"


# --- query counts --------------------------------------------------------------------


def test_it_looks_up_a_route_in_a_few_queries(ivr, personal, django_assert_num_queries):
    # API key, the callback with campaign and skill, then the status UPDATE and the event
    # INSERT in one transaction (a savepoint and its release inside the test's transaction)
    with django_assert_num_queries(6):
        response = ivr.get(route_url(personal.account_number))

    assert response.status_code == 200


def test_it_looks_up_an_unknown_number_in_a_few_queries(ivr, django_assert_num_queries):
    # API key, the callback (none), the default campaign with its fallback skill
    with django_assert_num_queries(3):
        response = ivr.get(route_url(UNKNOWN))

    assert response.status_code == 404


def test_it_looks_up_in_the_same_queries_with_many_callbacks(
    ivr, make_callback, put_in, django_assert_num_queries
):
    callback = put_in(make_callback(), Status.IN_DIALER)
    bulk_callbacks(callback, 30)

    with django_assert_num_queries(6):
        ivr.get(route_url(callback.account_number))


def test_it_answers_text_xml_for_older_uccx_scripts(ivr_key, make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_DIALER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {ivr_key}")

    response = client.get(
        f"/api/v1/ivr/callbacks/{callback.account_number}", HTTP_ACCEPT="text/xml"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert etree.fromstring(response.content).xpath("string(/callback/action)") == "skill"


def test_it_refuses_head_on_the_routing_lookup_so_nothing_moves(ivr, make_callback, put_in):
    callback = put_in(make_callback(), Status.IN_DIALER)

    response = ivr.head(f"/api/v1/ivr/callbacks/{callback.account_number}")

    callback.refresh_from_db()
    assert response.status_code == 405
    assert callback.status == Status.IN_DIALER
    assert not callback.events.filter(kind="ivr_lookup").exists()
