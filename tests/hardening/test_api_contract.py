"""Regressions for what fuzzing the API found (test_fuzz_api.py), one test each.

Each answered outside its OpenAPI document, or with a 500: an undocumented error status,
a null the document did not allow, 404 for an unknown ?format=, an HTML 403 to a POST on
an unknown path, blank filters and numbers taken as text, control characters that broke
the XML answer, and a campaign hint that crashed the IVR routing.
"""

import json

import pytest
from defusedxml import ElementTree
from rest_framework.test import APIClient

from .conftest import BOOKABLE, client_for

pytestmark = pytest.mark.usefixtures("cast_db")

ROUTE = "/api/v1/ivr/callbacks/{}"


@pytest.fixture
def document(client) -> dict:
    return json.loads(client.get("/api/schema/?format=json").content)


def codes(response) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_it_documents_the_error_statuses_of_every_operation(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            expected = {"401", "403", "406", "429"}
            if method == "post":
                expected |= {"400", "413", "415"}
            if "{" in path:
                expected.add("404")
            assert expected <= documented, (method, path, sorted(documented))


def test_it_documents_errors_in_the_one_error_shape(document):
    cancel = document["paths"]["/api/v1/callbacks/{id}/cancel"]["post"]["responses"]

    conflict = cancel["409"]["content"]["application/json"]["schema"]

    assert conflict == {"$ref": "#/components/schemas/ErrorOutput"}
    error = document["components"]["schemas"]["ErrorItem"]
    assert error["properties"]["field"]["nullable"] is True


def test_it_documents_rescheduled_from_as_nullable(document, gadget, cast_db):
    schema = document["components"]["schemas"]["CallbackDetailOutput"]

    detail = gadget.get(f"/api/v1/callbacks/{cast_db.callbacks[0].pk}").json()

    assert detail["rescheduled_from"] is None
    assert schema["properties"]["rescheduled_from"]["nullable"] is True


@pytest.mark.parametrize("path", ["/api/v1/config", ROUTE.format("CB0000000001")])
def test_it_answers_406_for_an_unknown_format(gadget, ivr, path):
    client = ivr if "/ivr/" in path else gadget

    response = client.get(path, {"format": "AAA"})

    assert response.status_code == 406
    assert codes(response) == [(None, "not_acceptable")]
    assert "'AAA'" in response.json()["errors"][0]["message"]


def test_it_answers_406_for_an_empty_format(ivr):
    response = ivr.get(ROUTE.format("CB0000000001"), {"format": ""})

    assert response.status_code == 406
    assert codes(response) == [(None, "not_acceptable")]


def test_it_answers_json_404_to_a_post_on_an_unknown_api_path(cast_db):
    client = client_for(cast_db.gadget_key, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32  # a browser's cookie, without the form token

    response = client.post("/api/v1/callbacks/null,null/cancel", {}, format="json")

    assert response.status_code == 404
    assert codes(response) == [(None, "not_found")]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/callbacks", {"status": ""}, "status"),
        ("/api/v1/callbacks", {"agent_id": ""}, "agent_id"),
        ("/api/v1/slots", {"skill": "Sales", "date": "2026-11-23", "campaign": ""}, "campaign"),
    ],
)
def test_it_refuses_a_blank_query_filter_instead_of_ignoring_it(gadget, path, query, field):
    response = gadget.get(path, query)

    assert response.status_code == 400
    assert codes(response) == [(field, "blank")]


def test_it_still_lists_without_a_filter(gadget):
    response = gadget.get("/api/v1/callbacks")

    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/callbacks/validate",
            {
                "phone_number": "+48221234567",
                "scheduled_at": BOOKABLE[0],
                "campaign": "Callback_Main",
                "skill": "Sales",
                "origin_account_number": 0,
            },
            "origin_account_number",
        ),
        ("/api/v1/callbacks/{id}/delivered", {"agent_id": 0}, "agent_id"),
        ("/api/v1/callbacks/{id}/reschedule", {"scheduled_at": 20261123}, "scheduled_at"),
    ],
)
def test_it_refuses_a_number_where_the_document_says_text(gadget, cast_db, path, body, field):
    response = gadget.post(path.format(id=cast_db.callbacks[1].pk), body, format="json")

    assert response.status_code == 400
    assert codes(response) == [(field, "invalid")]


@pytest.mark.parametrize("text", ["Anna\x04", "\ud800", "A\x1fB"])
def test_it_refuses_text_with_control_characters_or_lone_surrogates(ivr, text):
    # json.dumps writes a lone surrogate as a \ud800 escape, as a client may send it.
    body = {"phone_number": "+48221234567", "campaign": "Callback_Main", "skill": "Support"}
    raw = json.dumps({**body, "first_name": text})

    response = ivr.post("/api/v1/ivr/callbacks", raw, content_type="application/json")

    assert response.status_code == 400
    assert codes(response) == [("first_name", "unacceptable")]


def test_it_keeps_tabs_and_newlines_in_notes(gadget):
    body = {
        "phone_number": "+48221234567",
        "scheduled_at": BOOKABLE[0],
        "campaign": "Callback_Main",
        "skill": "Sales",
        "notes": "line one\n\tline two\r\n",
    }

    response = gadget.post("/api/v1/callbacks/validate", body, format="json")

    assert response.status_code == 200


def test_it_answers_well_formed_xml_when_the_answer_quotes_a_control_character(ivr):
    # The routing answer echoes the account number from the path: %04 is U+0004.
    response = ivr.get(ROUTE.format("CB%04X"), {"format": "xml"})

    assert response.status_code == 404
    document = ElementTree.fromstring(response.content)
    assert document.findtext("found") == "false"
    assert document.findtext("account_number") == "CB\ufffdX"


def test_it_answers_xml_errors_for_an_invalid_ivr_request(ivr):
    response = ivr.post("/api/v1/ivr/callbacks?format=xml", {"campaign": "\x04"}, format="json")

    assert response.status_code == 400
    document = ElementTree.fromstring(response.content)
    assert {item.findtext("code") for item in document.iter("item")} >= {"unacceptable"}


@pytest.mark.parametrize("hint", ["²", "٣", "99999999999999999999999"])
def test_it_routes_an_unknown_number_whatever_the_campaign_hint(ivr, hint):
    response = ivr.get(ROUTE.format("CB0000009999"), {"campaign": hint})

    assert response.status_code == 404
    assert response.json()["found"] is False
    assert response.json()["campaign"] == "Callback_Main"  # the default campaign


def test_it_answers_401_without_a_key_on_every_documented_operation(document, cast_db):
    anonymous = APIClient()
    for path, operations in document["paths"].items():
        url = path.replace("{id}", str(cast_db.callbacks[0].pk)).replace(
            "{account_number}", cast_db.callbacks[0].account_number
        )
        for method in operations:
            response = getattr(anonymous, method)(url)
            assert response.status_code == 401, (method, path)


def test_it_documents_json_request_bodies_only(document):
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if "requestBody" in operation:
                assert list(operation["requestBody"]["content"]) == ["application/json"], path


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_it_answers_json_413_to_a_body_over_the_upload_limit(gadget, settings, debug):
    settings.DEBUG = debug
    big = json.dumps({"notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = gadget.post("/api/v1/callbacks/validate", big, content_type="application/json")

    assert response.status_code == 413
    assert codes(response) == [(None, "request_too_large")]
