"""Agents the server knows (issue 15, docs/security.md "Agent identity"): the agent's
Finesse credentials, checked once against the simulator's Finesse REST stand-in over real
HTTP, give a signed agent session; personal callbacks are then the agent's own (and a
supervisor's teams'). The matrix: own, another agent's, supervisor, key only, bad or
expired credentials or session, Finesse unreachable, key-only mode.
"""

import base64
import datetime as dt

import pytest
import time_machine

from callbacks.models import ApiScope, Callback, Status
from tests import cast

from .api_helpers import ApiClient, body, error_codes, key_client

pytestmark = pytest.mark.usefixtures("frozen_now")
SESSION = "/api/v1/agent-session"
CALLBACKS = "/api/v1/callbacks"


def basic(login: str, password: str = "ciscocisco") -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


@pytest.fixture
def finesse(simulator, settings):
    """FINESSE_URL at the simulator (its /finesse/api/ stand-in); agent001, agent002 in
    team 1, agent003 in team 2, super001 supervises team 1."""
    settings.FINESSE_URL = simulator.url
    settings.AGENT_AUTH = "finesse"
    return simulator


def signed_in(gadget_key: str, login: str, password: str = "ciscocisco") -> ApiClient:
    client = key_client(gadget_key)
    answer = client.post(
        SESSION, {"agent_id": login, "authorization": basic(login, password)}, format="json"
    )
    assert answer.status_code == 200, answer.content
    client.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {gadget_key}", HTTP_X_AGENT_SESSION=answer.json()["session"]
    )
    return client


@pytest.fixture
def booked(make_callback):
    """One standard callback and one personal callback each of agent001, 002 and 003."""
    return {
        agent or "standard": make_callback(agent_id=agent)
        for agent in ("", "agent001", "agent002", "agent003")
    }


def listed(client: ApiClient, **query) -> set[str]:
    answer = client.get(CALLBACKS, query)
    assert answer.status_code == 200, answer.content
    return {row["agent_id"] or "standard" for row in answer.json()["results"]}


def test_it_answers_a_session_for_good_finesse_credentials(finesse, gadget_key):
    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": "agent001", "authorization": basic("agent001")}, format="json"
    )

    assert answer.status_code == 200
    data = answer.json()
    assert (data["agent_id"], data["name"], data["supervisor"]) == ("agent001", "Anna Nowak", False)
    assert data["expires_at"] == "2026-11-20T17:00:00Z"  # 8 h (AGENT_SESSION_HOURS)
    assert finesse.request_counts().get("GET /finesse/api/User/agent001") == 1


def test_a_supervisor_session_names_the_agents_of_their_teams(finesse, gadget_key):
    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": "super001", "authorization": basic("super001")}, format="json"
    )

    assert answer.status_code == 200
    assert answer.json()["supervisor"] is True
    assert answer.json()["agents"] == ["agent001", "agent002"]


@pytest.mark.parametrize(
    ("agent", "authorization", "code"),
    [
        ("agent001", basic("agent001", "wrong"), "finesse_credentials_refused"),
        ("agent001", basic("agent002"), "finesse_credentials_refused"),  # another's password
        ("agent001", "Bearer expired-token", "finesse_credentials_refused"),
        ("nobody", basic("agent001"), "finesse_user_unknown"),
    ],
    ids=["wrong password", "another agent's credentials", "expired SSO token", "unknown id"],
)
def test_it_refuses_bad_or_expired_finesse_credentials(
    finesse, gadget_key, agent, authorization, code
):
    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": agent, "authorization": authorization}, format="json"
    )

    assert answer.status_code == 401
    assert error_codes(answer) == [(None, code)]
    assert "Finesse" in answer.json()["errors"][0]["message"]


def test_it_answers_503_when_finesse_is_unreachable(finesse, gadget_key):
    finesse.set_faults(refuse_finesse=True)

    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": "agent001", "authorization": basic("agent001")}, format="json"
    )

    assert answer.status_code == 503
    assert error_codes(answer) == [(None, "finesse_unreachable")]


def test_it_answers_503_when_finesse_is_not_configured(settings, gadget_key):
    settings.FINESSE_URL = ""

    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": "agent001", "authorization": basic("agent001")}, format="json"
    )

    assert answer.status_code == 503
    assert error_codes(answer) == [(None, "finesse_not_configured")]


def test_an_agent_lists_standard_and_own_callbacks_only(finesse, gadget_key, booked):
    agent = signed_in(gadget_key, "agent001")

    assert listed(agent) == {"standard", "agent001"}
    assert listed(agent, agent_id="agent001") == {"agent001"}
    answer = agent.get(CALLBACKS, {"agent_id": "agent002"})
    assert answer.status_code == 403
    assert error_codes(answer) == [(None, "not_your_callback")]


def test_an_agent_may_not_touch_another_agents_callback(finesse, gadget_key, booked):
    agent = signed_in(gadget_key, "agent001")
    other = booked["agent002"]

    shown = agent.get(f"{CALLBACKS}/{other.pk}")
    cancelled = agent.post(f"{CALLBACKS}/{other.pk}/cancel", {"reason": "x"}, format="json")
    moved = agent.post(
        f"{CALLBACKS}/{other.pk}/reschedule", {"scheduled_at": "2026-11-24T11:00"}, format="json"
    )
    created = agent.post(CALLBACKS, body(agent_id="agent002"), format="json")

    for answer in (shown, cancelled, moved, created):
        assert answer.status_code == 403
        assert error_codes(answer) == [(None, "not_your_callback")]
    other.refresh_from_db()
    assert other.status == Status.SCHEDULED
    assert Callback.objects.filter(agent_id="agent002").count() == 1


def test_an_agent_books_cancels_and_reschedules_their_own(finesse, gadget_key, booked):
    agent = signed_in(gadget_key, "agent001")
    own = booked["agent001"]

    created = agent.post(CALLBACKS, body(agent_id="agent001"), format="json")
    moved = agent.post(
        f"{CALLBACKS}/{own.pk}/reschedule", {"scheduled_at": "2026-11-24T11:00"}, format="json"
    )
    cancelled = agent.post(
        f"{CALLBACKS}/{created.json()['id']}/cancel", {"reason": "x"}, format="json"
    )

    assert (created.status_code, moved.status_code, cancelled.status_code) == (201, 201, 200)


def test_a_supervisor_sees_and_acts_on_their_teams_agents(finesse, gadget_key, booked):
    supervisor = signed_in(gadget_key, "super001")

    assert listed(supervisor) == {"standard", "agent001", "agent002"}
    outside = supervisor.get(f"{CALLBACKS}/{booked['agent003'].pk}")
    cancelled = supervisor.post(
        f"{CALLBACKS}/{booked['agent002'].pk}/cancel", {"reason": "left"}, format="json"
    )

    assert outside.status_code == 403
    assert cancelled.status_code == 200


def test_the_key_alone_books_standard_callbacks_but_acts_as_no_agent(gadget_key, booked):
    key = key_client(gadget_key)

    standard = key.post(CALLBACKS, body(), format="json")
    personal = key.post(
        CALLBACKS, body(agent_id="agent001", phone_number="+48221234568"), format="json"
    )
    listing = key.get(CALLBACKS, {"agent_id": "agent001"})
    cancel = key.post(f"{CALLBACKS}/{booked['agent001'].pk}/cancel", {}, format="json")

    assert standard.status_code == 201
    assert listed(key) == {"standard"}
    for answer in (personal, listing, cancel):
        assert answer.status_code == 403
        assert error_codes(answer) == [(None, "agent_session_required")]


def test_a_session_expires_after_its_lifetime(finesse, gadget_key, booked, settings):
    settings.AGENT_SESSION_HOURS = 1
    agent = signed_in(gadget_key, "agent001")

    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, 1, tzinfo=dt.UTC)):
        answer = agent.get(CALLBACKS, {"agent_id": "agent001"})

    assert answer.status_code == 401
    assert error_codes(answer) == [(None, "agent_session_expired")]


def test_a_forged_or_other_keys_session_is_refused(finesse, gadget_key, booked):
    agent = signed_in(gadget_key, "agent001")
    token = agent._credentials["HTTP_X_AGENT_SESSION"]
    forged = key_client(gadget_key)
    forged.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {gadget_key}", HTTP_X_AGENT_SESSION=token[:-2] + "xx"
    )
    other_key = cast.api_key(ApiScope.GADGET, "second gadget")[1]
    borrowed = key_client(other_key)
    borrowed.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_key}", HTTP_X_AGENT_SESSION=token)

    for client in (forged, borrowed):
        answer = client.get(CALLBACKS, {"agent_id": "agent001"})
        assert answer.status_code == 401
        assert error_codes(answer) == [(None, "agent_session_invalid")]


def test_key_only_mode_trusts_the_agent_id_the_client_sends(gadget_key, booked, settings):
    settings.AGENT_AUTH = "key_only"
    key = key_client(gadget_key)

    assert listed(key, agent_id="agent002") == {"agent002"}
    session = key.post(
        SESSION, {"agent_id": "agent001", "authorization": basic("agent001")}, format="json"
    )
    assert session.status_code == 403
    assert error_codes(session) == [(None, "agent_auth_key_only")]


def test_delivered_records_the_verified_agent_not_the_bodys(finesse, gadget_key, booked, put_in):
    agent = signed_in(gadget_key, "agent001")
    callback = put_in(booked["standard"], Status.IN_IVR)

    answer = agent.post(
        f"{CALLBACKS}/{callback.pk}/delivered", {"agent_id": "agent002"}, format="json"
    )

    assert answer.status_code == 200
    event = callback.events.get(kind="delivered")
    assert event.details["agent_id"] == "agent001"


def test_the_pref_as_finesse_js_keeps_it_bare_base64_is_sent_as_basic(finesse, gadget_key):
    # finesse.js 10.6.1 puts base64(id:password) in the pref, without "Basic ".
    bare = basic("agent001").removeprefix("Basic ")

    answer = key_client(gadget_key).post(
        SESSION, {"agent_id": "agent001", "authorization": bare}, format="json"
    )

    assert answer.status_code == 200
    assert answer.json()["agent_id"] == "agent001"


def test_credentials_that_cannot_be_a_header_are_refused_as_bad_input(finesse, gadget_key):
    client = key_client(gadget_key)
    answer = client.post(
        "/api/v1/agent-session",
        {"agent_id": "agent001", "authorization": "Basic abc\ndef"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "authorization"
