"""The customer who calls in first (callbacks/called_in.py): pending callbacks booked
within the window become `satisfied`; the IVR endpoint (JSON, XML) and the admin action;
the switch off closes nothing."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import etree

from callbacks.called_in import callbacks_close_called_in
from callbacks.models import EventKind, Status
from scheduling.models import GlobalRules, bump_config_version

pytestmark = pytest.mark.usefixtures("frozen_now")

NUMBER = "+48221234567"
URL = "/api/v1/ivr/called-in"


def status_of(callback) -> str:
    callback.refresh_from_db()
    return callback.status


def rules(**values) -> None:
    GlobalRules.objects.filter(pk=GlobalRules.SINGLETON_ID).update(**values)
    bump_config_version()


@pytest.fixture(autouse=True)
def two_per_number(demo) -> None:
    rules(max_pending_per_number=2)


def test_it_closes_the_numbers_pending_callbacks_as_satisfied(make_callback, put_in, now):
    waiting = make_callback(phone_number=NUMBER)
    dialer = put_in(
        make_callback(phone_number=NUMBER, scheduled_at="2026-11-24T10:00"), Status.IN_DIALER
    )
    other = make_callback(phone_number="+48601234567")

    result = callbacks_close_called_in(phone_number=NUMBER, agent_id="jkowalski")

    assert result.closed == [waiting.account_number, dialer.account_number]
    assert (status_of(waiting), status_of(dialer), status_of(other)) == (
        Status.SATISFIED,
        Status.SATISFIED,
        Status.SCHEDULED,
    )
    event = waiting.events.get(kind=EventKind.SATISFIED)
    assert (event.from_status, event.to_status, event.actor) == ("scheduled", "satisfied", "ivr")
    assert event.details["reason"] == "called_in"
    assert event.details["agent_id"] == "jkowalski"
    assert waiting.finished_at == now


def test_it_leaves_a_callback_being_exported_or_already_on_a_call(make_callback, put_in):
    exporting = put_in(make_callback(phone_number=NUMBER), Status.EXPORTING)
    on_call = put_in(
        make_callback(phone_number=NUMBER, scheduled_at="2026-11-24T10:00"), Status.IN_IVR
    )

    assert callbacks_close_called_in(phone_number=NUMBER).closed == []
    assert (status_of(exporting), status_of(on_call)) == (Status.EXPORTING, Status.IN_IVR)


@pytest.mark.parametrize(
    ("booked_hours_before", "closed"),
    [(1, True), (23.9, True), (24.1, False), (72, False)],
)
def test_only_callbacks_booked_within_the_window_are_closed(
    make_callback, now, booked_hours_before, closed
):
    rules(called_in_window_hours=24)
    with time_machine.travel(now - dt.timedelta(hours=booked_hours_before), tick=False):
        callback = make_callback(phone_number=NUMBER)

    result = callbacks_close_called_in(phone_number=NUMBER)

    assert (result.closed == [callback.account_number]) is closed
    assert status_of(callback) == (Status.SATISFIED if closed else Status.SCHEDULED)


def test_the_switch_off_closes_nothing(make_callback, ivr):
    rules(called_in_closes_callbacks=False)
    callback = make_callback(phone_number=NUMBER)

    response = ivr.post(URL, {"phone_number": NUMBER}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "phone_number": NUMBER,
        "enabled": False,
        "window_hours": 24,
        "closed_count": 0,
        "closed": "",
    }
    assert status_of(callback) == Status.SCHEDULED


def test_the_ivr_endpoint_answers_json_for_a_national_number(make_callback, ivr):
    callback = make_callback(phone_number=NUMBER)

    response = ivr.post(URL, {"phone_number": "22 123 45 67", "agent_id": "asmith"}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "phone_number": NUMBER,
        "enabled": True,
        "window_hours": 24,
        "closed_count": 1,
        "closed": callback.account_number,
    }
    assert status_of(callback) == Status.SATISFIED


def test_the_ivr_endpoint_takes_a_form_and_answers_flat_xml(make_callback, ivr):
    first = make_callback(phone_number=NUMBER)
    second = make_callback(phone_number=NUMBER, scheduled_at="2026-11-24T10:00")

    response = ivr.post(URL + "?format=xml", {"phone_number": NUMBER})

    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/enabled)") == "true"
    assert document.xpath("string(/callback/closed_count)") == "2"
    closed = document.xpath("string(/callback/closed)")
    assert closed == f"{first.account_number},{second.account_number}"


def test_a_bad_number_is_a_400_with_a_code(ivr):
    response = ivr.post(URL, {"phone_number": "12"}, format="json")

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("phone_number", "invalid_phone")
    ]


def test_a_gadget_key_may_not_report_a_call(gadget):
    assert gadget.post(URL, {"phone_number": NUMBER}, format="json").status_code == 403


def test_the_admin_action_closes_the_selected_callbacks_numbers(client, make_callback):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    callback = make_callback(phone_number=NUMBER)

    response = client.post(
        reverse("admin:callbacks_callback_changelist"),
        {"action": "called_in_selected", "_selected_action": [callback.pk]},
        follow=True,
    )

    assert f"Closed as satisfied (1): {callback.account_number}." in response.content.decode()
    assert status_of(callback) == Status.SATISFIED
    assert callback.events.get(kind=EventKind.SATISFIED).actor == "boss"


def test_the_ivr_endpoint_takes_the_flat_xml_of_its_answers_too(make_callback, ivr):
    first = make_callback(phone_number=NUMBER)

    response = ivr.post(
        URL + "?format=xml",
        f"<callback><phone_number>{NUMBER}</phone_number></callback>",
        content_type="text/xml",
    )

    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/closed)") == first.account_number
