"""Who may call what (docs/architecture.md §5): API keys with a scope, HTTP Basic for the IVR,
staff sessions; tried on every endpoint. And CORS for the Finesse origin.
"""

import datetime as dt
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from callbacks import finesse
from callbacks.api import urls as api_urls
from callbacks.finesse import FinesseUser
from callbacks.models import ApiKey, ApiScope, Callback, Status

from .api_helpers import (
    PHONE,
    ApiClient,
    agent_client,
    basic_client,
    body,
    error_codes,
    key_client,
    new_key,
)

pytestmark = pytest.mark.usefixtures("frozen_now")


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL name in callbacks/api/urls.py
    method: str
    path: str  # {pk} and {account} are filled with a callback in the dialer
    scope: str
    data: dict | None
    success: int

    def call(self, client: APIClient, callback: Callback):
        path = self.path.format(pk=callback.pk, account=callback.account_number)
        if self.method == "get":
            return client.get(path, self.data)
        return client.post(path, self.data, format="json")


GADGET, IVR = ApiScope.GADGET, ApiScope.IVR
SLOTS_QUERY = {"skill": "Sales", "date": "2026-11-23"}
ENDPOINTS = [
    Endpoint("api-config", "get", "/api/v1/config", GADGET, None, 200),
    Endpoint("api-slots", "get", "/api/v1/slots", GADGET, SLOTS_QUERY, 200),
    Endpoint("api-ping", "get", "/api/v1/ping", GADGET, None, 200),
    Endpoint(
        "api-agent-session",
        "post",
        "/api/v1/agent-session",
        GADGET,
        {"agent_id": "jkowalski", "authorization": "Basic amtvd2Fsc2tpOnNlY3JldA=="},
        200,
    ),
    Endpoint("api-callbacks", "get", "/api/v1/callbacks", GADGET, None, 200),
    Endpoint("api-callbacks", "post", "/api/v1/callbacks", GADGET, body(), 201),
    Endpoint("api-validate", "post", "/api/v1/callbacks/validate", GADGET, body(), 200),
    Endpoint("api-callback", "get", "/api/v1/callbacks/{pk}", GADGET, None, 200),
    Endpoint(
        "api-reschedule",
        "post",
        "/api/v1/callbacks/{pk}/reschedule",
        GADGET,
        {"scheduled_at": "2026-11-24T11:00"},
        201,
    ),
    Endpoint("api-cancel", "post", "/api/v1/callbacks/{pk}/cancel", GADGET, {"reason": "x"}, 200),
    Endpoint("api-delivered", "post", "/api/v1/callbacks/{pk}/delivered", GADGET, {}, 200),
    Endpoint("api-ivr-create", "post", "/api/v1/ivr/callbacks", IVR, body(skill="Support"), 201),
    Endpoint("api-ivr-route", "get", "/api/v1/ivr/callbacks/{account}", IVR, None, 200),
    Endpoint(
        "api-ivr-outcome",
        "post",
        "/api/v1/ivr/callbacks/{account}/outcome",
        IVR,
        {"outcome": "queued_agent"},
        200,
    ),
    Endpoint(
        "api-ivr-called-in",
        "post",
        "/api/v1/ivr/called-in",
        IVR,
        {"phone_number": "+48221234567"},
        200,
    ),
]
IDS = [f"{e.method.upper()} {e.path}" for e in ENDPOINTS]
IVR_ENDPOINTS = [e for e in ENDPOINTS if e.scope == IVR]


def by_scope(scope: str) -> str:
    return new_key(scope, f"{scope} key")[1]


@pytest.fixture
def callback(make_callback, put_in, monkeypatch) -> Callback:
    """A personal callback in the dialer: every endpoint has something valid to do. Finesse
    (callbacks/finesse.py) knows jkowalski (tests/callbacks/test_agent_identity.py asks a
    real HTTP stand-in)."""
    monkeypatch.setattr(finesse, "fetch_user", lambda agent, auth: FinesseUser(login_id=agent))
    return put_in(make_callback(agent_id="jkowalski"), Status.IN_DIALER)


def scoped_client(scope: str) -> ApiClient:
    """A key of the scope; a gadget key with jkowalski's agent session, as the gadget."""
    key = by_scope(scope)
    return agent_client(key, "jkowalski") if scope == GADGET else key_client(key)


@pytest.fixture
def staff_client(db) -> ApiClient:
    client = ApiClient()
    client.force_login(get_user_model().objects.create_user("supervisor", is_staff=True))
    return client


@pytest.fixture
def user_client(db) -> ApiClient:
    client = ApiClient()
    client.force_login(get_user_model().objects.create_user("agent", is_staff=False))
    return client


def test_it_tries_every_url_of_the_api_in_the_matrix():
    names = {p.name for p in api_urls.urlpatterns}

    assert {e.name for e in ENDPOINTS} == names
    # each URL with every method its view answers
    for pattern in api_urls.urlpatterns:
        view = pattern.callback.view_class
        methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
        assert methods == {e.method for e in ENDPOINTS if e.name == pattern.name}, pattern.name


def test_it_mounts_the_api_under_v1():
    assert get_resolver().resolve("/api/v1/config").url_name == "api-config"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_serves_a_key_of_the_right_scope(callback, endpoint):
    client = scoped_client(endpoint.scope)

    response = endpoint.call(client, callback)

    assert response.status_code == endpoint.success, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_asks_for_a_key_when_none_is_sent(callback, endpoint):
    response = endpoint.call(ApiClient(), callback)

    assert response.status_code == 401
    assert error_codes(response) == [(None, "not_authenticated")]
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_refuses_a_bogus_key(callback, endpoint):
    response = endpoint.call(key_client("abcdefgh.not-a-real-key"), callback)

    assert response.status_code == 401
    assert error_codes(response) == [(None, "invalid_api_key")]
    assert response.has_header("WWW-Authenticate")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_refuses_a_revoked_key(callback, endpoint):
    key, text = new_key(endpoint.scope, "old key")
    ApiKey.objects.filter(pk=key.pk).update(revoked=True)

    response = endpoint.call(key_client(text), callback)

    assert response.status_code == 401
    assert error_codes(response) == [(None, "invalid_api_key")]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_refuses_an_expired_key(callback, endpoint):
    key, text = new_key(endpoint.scope, "expired key")
    ApiKey.objects.filter(pk=key.pk).update(expiry_date=timezone.now() - dt.timedelta(seconds=1))

    response = endpoint.call(key_client(text), callback)

    assert response.status_code == 401
    assert error_codes(response) == [(None, "invalid_api_key")]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_refuses_a_key_of_the_other_scope(callback, endpoint):
    other = ApiScope.IVR if endpoint.scope == ApiScope.GADGET else ApiScope.GADGET

    response = endpoint.call(key_client(by_scope(other)), callback)

    assert response.status_code == 403
    assert error_codes(response) == [(None, "wrong_scope")]
    assert Callback.objects.count() == 1  # nothing created or changed behind the refusal
    assert Callback.objects.get().status == Status.IN_DIALER


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_lets_a_staff_session_browse(callback, staff_client, endpoint):
    response = endpoint.call(staff_client, callback)

    assert response.status_code == endpoint.success, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_it_refuses_a_session_of_a_user_who_is_not_staff(callback, user_client, endpoint):
    response = endpoint.call(user_client, callback)

    assert response.status_code == 403
    assert error_codes(response) == [(None, "permission_denied")]


@pytest.mark.parametrize(
    "endpoint", IVR_ENDPOINTS, ids=[f"{e.method} {e.path}" for e in IVR_ENDPOINTS]
)
def test_it_accepts_the_ivr_key_as_basic_auth_password(callback, endpoint):
    response = endpoint.call(basic_client(by_scope(ApiScope.IVR)), callback)

    assert response.status_code == endpoint.success, response.content


def test_it_refuses_basic_auth_with_a_gadget_key_on_the_ivr_api(callback):
    client = basic_client(by_scope(ApiScope.GADGET))

    response = client.get(f"/api/v1/ivr/callbacks/{callback.account_number}")

    assert response.status_code == 403
    assert error_codes(response) == [(None, "wrong_scope")]


def test_it_refuses_basic_auth_with_a_wrong_password(callback):
    response = basic_client("abcdefgh.wrong").get(
        f"/api/v1/ivr/callbacks/{callback.account_number}"
    )

    assert response.status_code == 401
    assert error_codes(response) == [(None, "invalid_api_key")]


@pytest.mark.parametrize("header", ["Api-Key", "Api-Key   ", "Basic", "Basic !!not-base64!!"])
def test_it_refuses_a_malformed_authorization_header(demo, header):
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/config")

    assert response.status_code == 401
    assert error_codes(response) == [(None, "invalid_api_key")]


def test_it_treats_another_authorization_scheme_as_no_key(demo):
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer some-token")

    response = client.get("/api/v1/config")

    assert response.status_code == 401
    assert error_codes(response) == [(None, "not_authenticated")]


def test_it_records_the_key_name_as_the_actor(demo):
    client = key_client(new_key(ApiScope.GADGET, "Finesse site A")[1])

    response = client.post("/api/v1/callbacks", body(), format="json")

    assert response.status_code == 201
    callback = Callback.objects.get(phone_number=PHONE)
    assert callback.created_by == "key:Finesse site A"


def test_it_creates_a_key_with_the_management_command(demo):
    out = StringIO()
    call_command("create_api_key", "IVR site A", "--scope", "ivr", stdout=out)
    key_text = out.getvalue().strip().splitlines()[-1]

    response = key_client(key_text).get("/api/v1/ivr/callbacks/CB0000000000")

    assert response.status_code == 404  # authenticated: the unknown-number answer
    assert response.json()["found"] is False


# --- CORS for the Finesse gadget -----------------------------------------------------

FINESSE = "https://finesse.example.com"


def preflight(client: APIClient, origin: str, path: str = "/api/v1/callbacks"):
    # corsheaders answers a preflight itself, with an empty body.
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


def test_it_allows_a_preflight_from_the_finesse_origin(db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FINESSE]

    response = preflight(APIClient(), FINESSE)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FINESSE
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "idempotency-key", "content-type"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_it_gives_no_cors_allowance_to_another_origin(db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FINESSE]

    response = preflight(APIClient(), "https://evil.example.com")

    assert not response.has_header("Access-Control-Allow-Origin")


def test_it_marks_a_real_request_from_the_finesse_origin(demo, settings):
    settings.CORS_ALLOWED_ORIGINS = [FINESSE]
    client = key_client(new_key(ApiScope.GADGET)[1])

    response = client.get("/api/v1/config", HTTP_ORIGIN=FINESSE)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FINESSE
