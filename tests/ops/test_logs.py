"""Structured logs and request ids: every request gets an id (X-Request-ID), and its JSON
log lines carry it and the callback's account number; Celery task records carry the
task id. Through the test client with the production formatter and filter attached."""

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from callbacks.models import Status
from campaign_manager import logs
from campaign_manager.celery import app as celery_app
from tests.callbacks import api_helpers as api

UUID_HEX = re.compile(r"[0-9a-f]{32}")


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def records(self, logger: str | None = None) -> list[dict]:
        # One JSON object per line, nothing else.
        found = [json.loads(line) for line in self.stream.getvalue().splitlines()]
        return [record for record in found if logger is None or record["logger"] == logger]


@pytest.fixture
def json_log() -> Iterator[JsonLines]:
    """The production handler (JSON formatter, context filter) on the root logger, the
    access log switched on as with DEBUG=false."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.ContextFilter())
    root, access = logging.getLogger(), logging.getLogger("campaign_manager.access")
    saved = root.level, access.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)
    try:
        yield JsonLines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        access.setLevel(saved[1])


def access_line(json_log: JsonLines) -> dict:
    (line,) = json_log.records("campaign_manager.access")
    return line


def test_it_logs_the_request_id_and_account_number_of_an_ivr_lookup(
    json_log, ivr, make_callback, put_in
):
    callback = put_in(make_callback(agent_id="jkowalski"), Status.IN_DIALER)

    response = ivr.get(
        f"/api/v1/ivr/callbacks/{callback.account_number}", HTTP_X_REQUEST_ID="uccx-call-4711"
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "uccx-call-4711"
    line = access_line(json_log)
    assert line["request_id"] == "uccx-call-4711"
    assert line["account_number"] == callback.account_number
    assert (line["method"], line["path"], line["status"]) == (
        "GET",
        f"/api/v1/ivr/callbacks/{callback.account_number}",
        200,
    )
    assert line["level"] == "INFO" and line["time"].endswith("Z")


def test_it_names_the_callback_a_create_request_booked(json_log, gadget):
    response = gadget.post("/api/v1/callbacks", api.body(), format="json")

    assert response.status_code == 201
    line = access_line(json_log)
    assert line["account_number"] == response.json()["account_number"]
    assert line["request_id"] == response["X-Request-ID"]


def test_it_gives_every_record_of_a_request_its_id(json_log, ivr):
    # The unknown-number answer is 404 through Django's request logger: same id, same
    # account number as the access line.
    response = ivr.get("/api/v1/ivr/callbacks/CB0000009999", HTTP_X_REQUEST_ID="abc-1")

    assert response.status_code == 404
    records = json_log.records()
    assert len(records) >= 2
    assert {record["request_id"] for record in records} == {"abc-1"}
    assert {record.get("account_number") for record in records} == {"CB0000009999"}


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces in it", "x" * 129, 'quote"d', "-starts-with-a-dash"],
)
def test_it_replaces_a_request_id_that_is_not_sane(incoming, json_log):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert UUID_HEX.fullmatch(response["X-Request-ID"])
    assert access_line(json_log)["request_id"] == response["X-Request-ID"]


def test_it_echoes_a_uuid_request_id():
    incoming = "0f981b42-2e62-453c-a309-575ae8972d9c"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


def test_it_forgets_the_request_context_after_the_response(json_log):
    Client().get("/healthz")
    logging.getLogger("tests.ops").warning("outside any request")

    (outside,) = json_log.records("tests.ops")
    assert "request_id" not in outside and "account_number" not in outside


def test_it_adds_the_task_id_to_the_records_of_a_celery_task(json_log):
    @celery_app.task(name="tests.ops.log_something")
    def log_something():
        logging.getLogger("tests.ops").info("inside the task")

    result = log_something.apply()

    (record,) = json_log.records("tests.ops")
    assert record["task_id"] == result.id
    assert record["task_name"] == "tests.ops.log_something"


def test_it_writes_exceptions_into_the_json_line(json_log):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("tests.ops").exception("it failed")

    (record,) = json_log.records("tests.ops")
    assert record["message"] == "it failed"
    assert "ValueError: broken" in record["exc_info"]


# --- framing of the gadget ----------------------------------------------------------------
@override_settings(CORS_ALLOWED_ORIGINS=["https://finesse1.example.com:8445"])
def test_it_lets_only_finesse_frame_the_gadget(db):
    client = Client()
    gadget_page = client.get("/gadget/CallbackGadget.xml")
    admin_page = client.get("/admin/login/")

    assert gadget_page.status_code == 200
    assert "X-Frame-Options" not in gadget_page
    assert gadget_page["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://finesse1.example.com:8445"
    )
    assert admin_page["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in admin_page
