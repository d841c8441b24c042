"""The simulator's Finesse REST stand-in follows Cisco's documented User and Team
examples (uccx_integration/simulator/finesse.py names them), and callbacks/finesse.py
reads what it answers: element names, roles, state, supervised teams, and who may read
which User (an agent their own, an administrator any)."""

import base64
import json
import urllib.request
from urllib.error import HTTPError

import pytest
from defusedxml import ElementTree

from callbacks import finesse
from tests import cast
from uccx_integration.simulator.__main__ import main as simulator_main
from uccx_integration.simulator.finesse import STATES, FinesseDirectory, parse_states

# developer.cisco.com/docs/finesse "User": the User object's elements, in its order.
DOCUMENTED_USER = [
    "uri",
    "roles",
    "loginId",
    "loginName",
    "state",
    "stateChangeTime",
    "pendingState",
    "extension",
    "firstName",
    "lastName",
    "teamId",
    "teamName",
    "dialogs",
]
# "Team": a team member's summary.
DOCUMENTED_TEAM_USER = [
    "uri",
    "loginId",
    "firstName",
    "lastName",
    "dialogs",
    "extension",
    "pendingState",
    "state",
    "stateChangeTime",
]


def basic(login: str, password: str = "ciscocisco") -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def get(directory: FinesseDirectory, path: str, login: str, password: str = "ciscocisco"):
    status, body = directory.answer("GET", path, basic(login, password))
    return status, ElementTree.fromstring(body)


def test_a_user_document_has_the_documented_elements_in_order():
    status, user = get(FinesseDirectory(), "/finesse/api/User/super001", "super001")

    assert status == 200
    assert [child.tag for child in user] == [*DOCUMENTED_USER, "teams"]
    assert [r.text for r in user.findall("roles/role")] == ["Agent", "Supervisor"]
    (team,) = user.findall("teams/Team")
    assert [child.tag for child in team] == ["uri", "id", "name"]
    parsed = finesse.parse_user(ElementTree.tostring(user))
    assert (parsed.login_id, parsed.state, parsed.team_id) == ("super001", "NOT_READY", "1")
    assert (parsed.is_supervisor, parsed.supervised_teams) == (True, ("1",))


def test_a_team_document_lists_member_summaries():
    status, team = get(FinesseDirectory(), "/finesse/api/Team/1", "super001")

    assert status == 200
    assert [child.tag for child in team] == ["uri", "id", "name", "users"]
    members = team.findall("users/User")
    assert [child.tag for child in members[0]] == DOCUMENTED_TEAM_USER
    assert finesse.parse_team_members(ElementTree.tostring(team)) == (
        "agent001",
        "agent002",
        "super001",
    )


def test_an_agent_reads_only_their_own_user_an_administrator_any():
    directory = FinesseDirectory()

    own, _ = get(directory, "/finesse/api/User/agent001", "agent001")
    other, error = get(directory, "/finesse/api/User/agent002", "agent001")
    supervisor, _ = get(directory, "/finesse/api/User/agent001", "super001")  # unconfirmed
    admin, user = get(directory, "/finesse/api/User/agent003", "administrator")
    wrong, _ = get(directory, "/finesse/api/User/agent003", "administrator", "nope")

    assert (own, other, supervisor, admin, wrong) == (200, 401, 401, 200, 401)
    assert error.findtext("ApiError/ErrorType") == "Invalid Authorization User Specified"
    assert user.findtext("state") == "LOGOUT"


def test_states_are_settable_and_only_the_documented_ones():
    directory = FinesseDirectory(states=parse_states("agent002=logout, agent001=TALKING"))

    assert directory.states()["agent002"] == "LOGOUT"
    assert directory.states()["agent001"] == "TALKING"
    assert "WORK_READY" in STATES and "RESERVED_OUTBOUND_PREVIEW" in STATES
    for bad in ("agent002=AWAY", "agent002", "=READY"):
        with pytest.raises(ValueError, match="LOGIN_ID=STATE"):
            parse_states(bad)
    with pytest.raises(ValueError, match="no Finesse user"):
        directory.set_state("nobody", "READY")


def test_the_control_sets_states_over_http(simulator):
    def post(body: dict):
        request = urllib.request.Request(
            f"{simulator.url}/simulator/finesse-states",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": basic(cast.UCCX_USERNAME, cast.UCCX_PASSWORD),
                "Accept": "application/json",
            },
        )
        return urllib.request.urlopen(request, timeout=5)

    answer = json.load(post({"agent003": "ready"}))

    assert answer["agent003"] == "READY"
    with pytest.raises(HTTPError) as refused:
        post({"agent003": "ON_LUNCH"})
    assert refused.value.code == 400


def test_the_command_line_refuses_an_unknown_state(capsys):
    with pytest.raises(SystemExit):
        simulator_main(["--finesse-states", "agent002=GONE"])

    assert "--finesse-states" in capsys.readouterr().err


def test_the_service_account_reads_an_agents_state(simulator, settings):
    settings.FINESSE_URL = simulator.url
    settings.FINESSE_USERNAME, settings.FINESSE_PASSWORD = "administrator", "ciscocisco"

    assert finesse.fetch_state("agent003") == "LOGOUT"
    settings.FINESSE_PASSWORD = "wrong"
    with pytest.raises(finesse.FinesseError) as refused:
        finesse.fetch_state("agent003")
    assert refused.value.code == "finesse_credentials_refused"
