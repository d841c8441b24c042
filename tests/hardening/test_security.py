"""Security properties from the review in docs/security.md: API keys never reach the
logs, CORS answers only the configured Finesse origins, and every admin view checks
CSRF."""

import logging

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver

from callbacks.models import Callback

from .conftest import client_for

FINESSE = "https://finesse1.example.com:8445"


@pytest.fixture
def every_log_record(caplog):
    """All records of every logger, DEBUG and up, formatted as the console shows them."""
    caplog.set_level(logging.DEBUG)
    return caplog


def logged_text(caplog) -> str:
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    records = [formatter.format(r) + repr(r.__dict__) for r in caplog.records]
    return "\n".join(records)


def test_it_never_logs_an_api_key(cast_db, every_log_record, monkeypatch):
    gadget = client_for(cast_db.gadget_key, raise_request_exception=False)
    wrong_scope = client_for(cast_db.ivr_key)
    revoked_text = cast_db.gadget_key[:-4] + "abcd"  # same prefix, wrong secret

    assert gadget.get("/api/v1/config").status_code == 200
    assert wrong_scope.get("/api/v1/config").status_code == 403
    assert client_for(revoked_text).get("/api/v1/config").status_code == 401
    assert gadget.post("/api/v1/callbacks", {"skill": "x"}, format="json").status_code == 400
    # A crash inside a view: the 500 is logged with its traceback and the request.
    monkeypatch.setattr("callbacks.api.views.RulesConfig.load", _explode)
    assert gadget.get("/api/v1/config").status_code == 500

    logged = logged_text(every_log_record)
    assert "Internal Server Error: /api/v1/config" in logged  # the 500 was logged
    for key in (cast_db.gadget_key, cast_db.ivr_key, revoked_text):
        secret = key.partition(".")[2]
        assert secret not in logged


def _explode():
    raise RuntimeError("boom")


def test_it_answers_cors_to_a_configured_finesse_origin_only(cast_db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FINESSE]
    client = Client()
    preflight = {
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization, content-type",
    }

    allowed = client.options("/api/v1/callbacks", HTTP_ORIGIN=FINESSE, **preflight)
    other = client.options("/api/v1/callbacks", HTTP_ORIGIN="https://evil.example", **preflight)
    admin_page = client.options("/admin/login/", HTTP_ORIGIN=FINESSE, **preflight)

    assert allowed["Access-Control-Allow-Origin"] == FINESSE
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed  # keys, never cookies
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in admin_page


def test_it_answers_no_cors_by_default(cast_db):
    response = Client().get("/api/v1/ping", HTTP_ORIGIN=FINESSE)

    assert "Access-Control-Allow-Origin" not in response


def _admin_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _admin_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_it_exempts_no_admin_view_from_csrf():
    views = list(_admin_views(admin.site.get_urls()))

    exempt = [route for route, view in views if getattr(view, "csrf_exempt", False)]

    assert len(views) > 50  # every model's add/change/delete/history, and our own views
    assert exempt == []


def test_it_refuses_an_admin_action_without_the_csrf_token(cast_db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    callback = cast_db.callbacks[0]

    response = browser.post(
        "/admin/callbacks/callback/",
        {"action": "cancel_selected", "_selected_action": [callback.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert Callback.objects.get(pk=callback.pk).status == "scheduled"
