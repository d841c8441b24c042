"""One error shape under /api/ (docs/architecture.md §5): `{"errors": [{field, code, message}]}`
in JSON (or XML for the IVR), never an HTML page, for every kind of failure.
"""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from callbacks import services
from callbacks.api.auth import ApiKeyRateThrottle
from callbacks.models import ApiScope, Callback

from .api_helpers import (
    ApiClient,
    assert_api_content_type,
    body,
    error_codes,
    key_client,
    new_key,
)

pytestmark = pytest.mark.usefixtures("frozen_now")


def assert_error_body(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert_api_content_type(response)
    data = json.loads(response.content)
    assert list(data) == ["errors"]
    assert len(data["errors"]) == 1
    error = data["errors"][0]
    assert set(error) == {"field", "code", "message"}
    assert (error["field"], error["code"]) == (field, code)
    assert isinstance(error["message"], str)
    assert error["message"]


# --- 404 -----------------------------------------------------------------------------

UNKNOWN_PATHS = [
    "/api/v1/nothing",
    "/api/v1/config/",  # a trailing slash is another path
    "/api/v1/callbacks/abc",
    "/api/v1/ivr/nothing/here",
    "/api/v2/config",
    "/api/",
]


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_it_answers_json_404_for_an_unknown_path(gadget, settings, path, debug):
    settings.DEBUG = debug

    response = gadget.get(path)

    assert_error_body(response, 404, "not_found")


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on", "debug-off"])
def test_it_answers_json_404_without_credentials_too(client, db, settings, debug):
    settings.DEBUG = debug

    response = client.post("/api/v1/nothing", {"a": 1})

    assert_error_body(response, 404, "not_found")


def test_it_answers_404_for_an_id_too_large_for_the_database(gadget):
    response = gadget.get("/api/v1/callbacks/99999999999999999999999")

    assert_error_body(response, 404, "not_found")


EXTREME_TIMES = [
    "9999-12-31T23:30:00-05:00",  # after the last representable UTC instant
    "9999-12-31T23:59",  # its slot ends after year 9999
    "0001-01-01T00:10",  # before the first UTC instant in Warsaw's LMT (+01:24)
]


@pytest.mark.parametrize("path", ["/api/v1/callbacks/validate", "/api/v1/callbacks"])
@pytest.mark.parametrize("when", EXTREME_TIMES)
def test_it_rejects_a_time_at_the_edge_of_the_calendar_without_crashing(gadget, path, when):
    gadget.raise_request_exception = False

    response = gadget.post(path, body(scheduled_at=when), format="json")

    assert response.status_code in (200, 400), response.content
    assert "scheduled_at" in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_it_answers_slots_for_a_date_at_the_edge_of_the_calendar_without_crashing(gadget, date):
    gadget.raise_request_exception = False

    response = gadget.get("/api/v1/slots", {"skill": "Sales", "date": date})

    assert response.status_code in (200, 400), response.content


# --- 405, 406, 415, 400 --------------------------------------------------------------


def test_it_answers_json_405_for_a_method_the_endpoint_lacks(gadget):
    response = gadget.delete("/api/v1/config")

    assert_error_body(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/callbacks"),
        ("patch", "/api/v1/callbacks/1"),
        ("delete", "/api/v1/callbacks/1"),
        ("get", "/api/v1/callbacks/1/cancel"),
        ("get", "/api/v1/callbacks/validate"),
    ],
)
def test_it_answers_json_405_on_gadget_endpoints(gadget, method, path):
    response = getattr(gadget, method)(path)

    assert_error_body(response, 405, "method_not_allowed")


def test_it_answers_json_405_on_the_ivr_api(ivr):
    response = ivr.delete("/api/v1/ivr/callbacks/CB0000000001")

    assert_error_body(response, 405, "method_not_allowed")


def test_it_answers_json_415_for_a_text_body(gadget):
    response = gadget.post("/api/v1/callbacks", "phone=1", content_type="text/plain")

    assert_error_body(response, 415, "unsupported_media_type")
    assert not Callback.objects.exists()


def test_it_answers_json_400_for_malformed_json(gadget):
    response = gadget.post(
        "/api/v1/callbacks", '{"phone_number": "+48', content_type="application/json"
    )

    assert_error_body(response, 400, "parse_error")


@pytest.mark.parametrize("payload", ["[]", '"text"', "null", "42"])
def test_it_answers_json_400_for_a_body_that_is_no_object(gadget, payload):
    response = gadget.post("/api/v1/callbacks", payload, content_type="application/json")

    assert response.status_code == 400
    assert_api_content_type(response)
    assert [e["field"] for e in response.json()["errors"]] == [None]


def test_it_answers_json_406_when_the_gadget_api_is_asked_for_xml(gadget):
    response = gadget.get("/api/v1/config", HTTP_ACCEPT="application/xml")

    assert_error_body(response, 406, "not_acceptable")


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_it_refuses_a_form_encoded_create_with_415_saying_json(gadget, encoding):
    """Issue 17 point 8: the API says JSON; a form body is not read as one."""
    if encoding == "multipart":
        response = gadget.post("/api/v1/callbacks", body())  # as a plain form posts
    else:
        form = "&".join(f"{name}={value}" for name, value in body().items())
        response = gadget.post(
            "/api/v1/callbacks", form, content_type="application/x-www-form-urlencoded"
        )

    assert_error_body(response, 415, "unsupported_media_type")
    message = response.json()["errors"][0]["message"]
    assert "send application/json" in message
    assert "multipart/form-data" in message or "x-www-form-urlencoded" in message
    assert not Callback.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/callbacks/validate",
        "/api/v1/agent-session",
        "/api/v1/callbacks/{pk}/reschedule",
        "/api/v1/callbacks/{pk}/cancel",
        "/api/v1/callbacks/{pk}/delivered",
    ],
)
def test_every_gadget_post_refuses_a_form_body(gadget, make_callback, path):
    callback = make_callback()

    response = gadget.post(
        path.format(pk=callback.pk), "a=1", content_type="application/x-www-form-urlencoded"
    )

    assert_error_body(response, 415, "unsupported_media_type")
    callback.refresh_from_db()
    assert callback.status == "scheduled"


def test_the_same_create_as_json_is_accepted(gadget):
    response = gadget.post("/api/v1/callbacks", body(), format="json")

    assert response.status_code == 201
    assert_api_content_type(response)


def test_it_answers_json_400_for_a_field_that_is_too_long(gadget):
    response = gadget.post(
        "/api/v1/callbacks", body(scheduled_at="2026-11-23T10:30" + "0" * 40), format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [("scheduled_at", "max_length")]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("with_key", [False, True], ids=["401", "404"])
def test_it_answers_errors_in_json_even_to_a_browser(gadget_key, with_key):
    client = APIClient()  # not ApiClient: the HTML answer is the bug shown here
    if with_key:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {gadget_key}")

    response = client.get("/api/v1/callbacks/424242", HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == (404 if with_key else 401)
    assert_api_content_type(response)


@pytest.mark.parametrize("path", ["/api/v1/config", "/api/v1/ivr/callbacks/CB0000000001"])
def test_it_explains_a_format_it_cannot_render(gadget_key, ivr_key, path):
    key = ivr_key if "/ivr/" in path else gadget_key

    response = key_client(key).get(path, {"format": "csv"})

    assert response.status_code == 406
    assert response.json()["errors"][0]["message"]


# --- 401 / 403 keep the shape --------------------------------------------------------


def test_it_answers_json_401_and_403_in_the_error_shape(gadget_key, ivr):
    assert_error_body(ApiClient().get("/api/v1/config"), 401, "not_authenticated")
    assert_error_body(key_client("nope.nope").get("/api/v1/config"), 401, "invalid_api_key")
    assert_error_body(ivr.get("/api/v1/config"), 403, "wrong_scope")


def test_it_answers_ivr_errors_as_xml_when_xml_is_asked_for(ivr):
    response = ivr.post("/api/v1/ivr/callbacks?format=xml", {}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/xml")
    assert b"<code>required</code>" in response.content


# --- 429 -----------------------------------------------------------------------------


@pytest.fixture
def tiny_rates(monkeypatch):
    """Two requests a minute per key. DRF read the rates into the throttle class when it
    was imported, so settings cannot change them any more: patch the class."""
    monkeypatch.setattr(
        ApiKeyRateThrottle, "THROTTLE_RATES", {"gadget": "2/min", "ivr": "2/min", "staff": "2/min"}
    )
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("tiny_rates")
def test_it_answers_json_429_when_a_key_calls_too_often(gadget):
    answers = [gadget.get("/api/v1/config").status_code for _ in range(2)]

    response = gadget.get("/api/v1/config")

    assert answers == [200, 200]
    assert_error_body(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


@pytest.mark.usefixtures("tiny_rates")
def test_it_throttles_each_key_on_its_own(gadget):
    for _ in range(3):
        gadget.get("/api/v1/config")
    other = key_client(new_key(ApiScope.GADGET, "site B")[1])

    response = other.get("/api/v1/config")

    assert response.status_code == 200


@pytest.mark.usefixtures("tiny_rates")
def test_it_throttles_the_ivr_in_the_error_shape(ivr):
    for _ in range(2):
        ivr.get("/api/v1/ivr/callbacks/CB0000000001")

    response = ivr.get("/api/v1/ivr/callbacks/CB0000000001")

    assert_error_body(response, 429, "throttled")


@pytest.mark.usefixtures("tiny_rates")
def test_it_does_not_create_when_throttled(gadget):
    gadget.get("/api/v1/config")
    gadget.get("/api/v1/config")

    response = gadget.post("/api/v1/callbacks", body(), format="json")

    assert response.status_code == 429
    assert not Callback.objects.exists()


# --- a crash is still JSON -----------------------------------------------------------


def test_it_answers_json_500_when_a_view_crashes(gadget_key, make_callback, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(services, "callback_cancel", crash)
    callback = make_callback()
    gadget = APIClient(raise_request_exception=False)  # not ApiClient: a 500 is expected
    gadget.credentials(HTTP_AUTHORIZATION=f"Api-Key {gadget_key}")

    response = gadget.post(f"/api/v1/callbacks/{callback.pk}/cancel", {}, format="json")

    assert_error_body(response, 500, "server_error")
    assert b"simulated bug" not in response.content


# --- the shape everywhere ------------------------------------------------------------

FAILING_REQUESTS = [
    ("GET", "/api/v1/slots?skill=Sales&date=x", None, 400),
    ("GET", "/api/v1/slots?skill=Nope&date=2026-11-23", None, 400),
    ("GET", "/api/v1/callbacks?status=x", None, 400),
    ("GET", "/api/v1/callbacks/424242", None, 404),
    ("POST", "/api/v1/callbacks", {}, 400),
    ("POST", "/api/v1/callbacks/validate", {}, 400),
    ("POST", "/api/v1/callbacks/424242/cancel", {}, 404),
    ("POST", "/api/v1/callbacks/424242/reschedule", {}, 404),
    ("POST", "/api/v1/callbacks/424242/delivered", {}, 404),
]


@pytest.mark.parametrize(("method", "path", "data", "status"), FAILING_REQUESTS)
def test_it_answers_every_gadget_failure_in_the_error_shape(gadget, method, path, data, status):
    payload = "" if data is None else json.dumps(data)

    response = gadget.generic(method, path, payload, content_type="application/json")

    assert response.status_code == status
    assert_api_content_type(response)
    errors = response.json()["errors"]
    assert errors
    assert all(set(e) == {"field", "code", "message"} for e in errors)


def test_it_answers_an_unknown_host_with_json(client):
    response = client.get("/api/v1/config", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "bad_request"
    assert "ALLOWED_HOSTS" in response.json()["errors"][0]["message"]


def test_it_keeps_the_html_page_for_an_unknown_host_outside_the_api(client):
    response = client.get("/admin/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
