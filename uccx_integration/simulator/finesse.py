"""A Finesse REST stand-in beside the UCCX simulator: the User and Team APIs that the
Campaign Manager reads (callbacks/finesse.py), over the same HTTP server.

Sources (docs/gadget.md "Finesse's User API"), read for every shape below:
- developer.cisco.com/docs/finesse "User" and "User—Get User" (GET /finesse/api/User/{id}):
  `<User>` with uri, roles/role (Agent, Supervisor), loginId, loginName, state,
  stateChangeTime, pendingState, extension, firstName, lastName, teamId, teamName, dialogs,
  and teams/Team (uri, id, name: the teams a supervisor supervises), in that order. Security
  constraints: "Agents can only get their own User object. Administrators can get any User
  object." Answers 200, 401 (Authorization Failure; Invalid Authorization User Specified),
  404 (User Not Found), 500, 503.
- "User API Parameters": state is one of LOGOUT, NOT_READY, READY, RESERVED,
  RESERVED_OUTBOUND, RESERVED_OUTBOUND_PREVIEW, TALKING, HOLD, WORK, WORK_READY, UNKNOWN
  (STATES; also finesse.js 10.6.1's User.States).
- "Team" (GET /finesse/api/Team/{id}): `<Team>` with uri, id, name and users/User
  summaries (uri, loginId, firstName, lastName, dialogs, extension, pendingState, state,
  stateChangeTime). "Team API Errors": 401 Authorization Failure, 404 Not Found, 500.
- "API Errors": `<ApiErrors><ApiError><ErrorType>…<ErrorMessage>…`.
CiscoDevNet/finesse-sample-code's NonGadgetPythonSample (finesse.py, class User) reads
the same User document: roles/role, state, teamId, teamName.

Unconfirmed (no source found): whether a supervisor may GET their team's agents' User
objects (the Get User page names agents and administrators only: here they may not,
SUPERVISOR_READS_TEAM_USERS), what a user who supervises no team gets from Team (here
401, TEAM_REFUSED_STATUS), SSO tokens (here `Bearer sso-<loginId>`, FINESSE_SSO_PREFIX),
and what a method other than GET gets (the Campaign Manager only GETs; here 405,
OTHER_METHOD_STATUS).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

FINESSE_SSO_PREFIX = "sso-"  # unconfirmed: stands in for a real SSO token check
SUPERVISOR_READS_TEAM_USERS = False  # unconfirmed: see the module docstring
TEAM_REFUSED_STATUS = 401  # unconfirmed: a non-supervisor reading a Team
OTHER_METHOD_STATUS = 405  # unconfirmed: the stand-in answers GET only
STATES = (
    "LOGOUT",
    "NOT_READY",
    "READY",
    "RESERVED",
    "RESERVED_OUTBOUND",
    "RESERVED_OUTBOUND_PREVIEW",
    "TALKING",
    "HOLD",
    "WORK",
    "WORK_READY",
    "UNKNOWN",
)
# The Campaign Manager's own service account (FINESSE_USERNAME / FINESSE_PASSWORD in
# make run): a Finesse administrator, which may GET any User object.
DEMO_ADMINISTRATORS = {"administrator": "ciscocisco"}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class FinesseUser:
    login_id: str
    password: str
    first_name: str
    last_name: str
    extension: str
    team_id: str
    roles: tuple[str, ...] = ("Agent",)
    supervises: tuple[str, ...] = ()
    state: str = "NOT_READY"
    state_changed: str = field(default_factory=_now)

    @property
    def login_name(self) -> str:
        return (self.first_name[:1] + self.last_name).lower()


TEAMS = {"1": "Default", "2": "Premium", "3": "Demo"}
# Demo users (README, make run): agent001/agent002 in team 1, agent003 in team 2,
# super001 supervises team 1; in team 3 the agents of the demo data and of the gadget
# preview (callbacks/demo_history.py, seed_demo), so that the preview signs in as
# jkowalski. Password of each: ciscocisco.
DEFAULT_USERS = (
    FinesseUser("jkowalski", "ciscocisco", "Jan", "Kowalski", "1101", "3", state="READY"),
    FinesseUser("asmith", "ciscocisco", "Alice", "Smith", "1102", "3", state="READY"),
    FinesseUser("mnowak", "ciscocisco", "Marta", "Nowak", "1103", "3", state="READY"),
    FinesseUser("agent001", "ciscocisco", "Anna", "Nowak", "1001", "1", state="READY"),
    FinesseUser("agent002", "ciscocisco", "Piotr", "Wiśniewski", "1002", "1"),
    FinesseUser("agent003", "ciscocisco", "Ewa", "Zielińska", "1003", "2", state="LOGOUT"),
    FinesseUser(
        "super001",
        "ciscocisco",
        "Marta",
        "Kowalska",
        "1900",
        "1",
        roles=("Agent", "Supervisor"),
        supervises=("1",),
    ),
)

_USER = re.compile(r"/finesse/api/User/(?P<id>[^/]+)")
_TEAM = re.compile(r"/finesse/api/Team/(?P<id>[^/]+)")


def parse_states(text: str) -> dict[str, str]:
    """`agent002=LOGOUT,agent001=READY` (--finesse-states) -> {login id: state}."""
    states: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        login, _, state = item.partition("=")
        state = state.strip().upper()
        if not login.strip() or state not in STATES:
            raise ValueError(f"{item!r}: expected LOGIN_ID=STATE, STATE one of {', '.join(STATES)}")
        states[login.strip()] = state
    return states


@dataclass(frozen=True)
class _Caller:
    login_id: str
    administrator: bool = False
    supervises: tuple[str, ...] = ()
    team_id: str = ""


class FinesseDirectory:
    def __init__(
        self,
        users: Iterable[FinesseUser] = DEFAULT_USERS,
        administrators: Mapping[str, str] = DEMO_ADMINISTRATORS,
        states: Mapping[str, str] | None = None,
    ):
        self.users = {u.login_id: FinesseUser(**u.__dict__) for u in users}
        self.administrators = dict(administrators)
        for login_id, state in (states or {}).items():
            self.set_state(login_id, state)

    def set_state(self, login_id: str, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown Finesse state {state!r}; one of {', '.join(STATES)}")
        if login_id not in self.users:
            raise ValueError(f"no Finesse user {login_id!r}")
        self.users[login_id].state = state
        self.users[login_id].state_changed = _now()

    def states(self) -> dict[str, str]:
        return {login: user.state for login, user in self.users.items()}

    def caller(self, header: str) -> _Caller | None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.startswith(FINESSE_SSO_PREFIX):
            user = self.users.get(value[len(FINESSE_SSO_PREFIX) :])
            return _Caller(user.login_id, False, user.supervises, user.team_id) if user else None
        if scheme.lower() != "basic":
            return None
        try:
            login, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        admin = self.administrators.get(login)
        if admin is not None and hmac.compare_digest(admin, password):
            return _Caller(login, administrator=True)
        user = self.users.get(login)
        if user is None or not hmac.compare_digest(user.password, password):
            return None
        return _Caller(user.login_id, False, user.supervises, user.team_id)

    def answer(self, method: str, path: str, authorization: str) -> tuple[int, bytes]:
        """(status, XML body) for a /finesse/api/ request."""
        caller = self.caller(authorization)
        if caller is None:
            return 401, _api_error("Authorization Failure", "Invalid credentials")
        if method != "GET":
            return OTHER_METHOD_STATUS, _api_error("Method Not Allowed", method)
        if match := _USER.fullmatch(path):
            user = self.users.get(match["id"])
            if user is None:
                return 404, _api_error("User Not Found", f"User {match['id']}")
            if not self._may_read(caller, user):
                return 401, _api_error(
                    "Invalid Authorization User Specified", "Agents get their own User only"
                )
            return 200, tostring(self.user_xml(user), encoding="utf-8")
        if match := _TEAM.fullmatch(path):
            team = match["id"]
            if team not in TEAMS:
                return 404, _api_error("Not Found", f"Team {team}")
            if not caller.administrator and team not in caller.supervises:
                return TEAM_REFUSED_STATUS, _api_error(
                    "Authorization Failure", "Not this team's supervisor"
                )
            return 200, tostring(self.team_xml(team), encoding="utf-8")
        return 404, _api_error("Not Found", path)

    @staticmethod
    def _may_read(caller: _Caller, user: FinesseUser) -> bool:
        if caller.administrator or caller.login_id == user.login_id:
            return True
        return SUPERVISOR_READS_TEAM_USERS and user.team_id in caller.supervises

    def user_xml(self, user: FinesseUser) -> Element:
        root = Element("User")
        SubElement(root, "uri").text = f"/finesse/api/User/{user.login_id}"
        roles = SubElement(root, "roles")
        for role in user.roles:
            SubElement(roles, "role").text = role
        for tag, text in (
            ("loginId", user.login_id),
            ("loginName", user.login_name),
            ("state", user.state),
            ("stateChangeTime", user.state_changed),
            ("pendingState", ""),
            ("extension", user.extension),
            ("firstName", user.first_name),
            ("lastName", user.last_name),
            ("teamId", user.team_id),
            ("teamName", TEAMS[user.team_id]),
            ("dialogs", f"/finesse/api/User/{user.login_id}/Dialogs"),
        ):
            SubElement(root, tag).text = text
        if user.supervises:
            teams = SubElement(root, "teams")
            for team in user.supervises:
                element = SubElement(teams, "Team")
                SubElement(element, "uri").text = f"/finesse/api/Team/{team}"
                SubElement(element, "id").text = team
                SubElement(element, "name").text = TEAMS[team]
        return root

    def team_xml(self, team: str) -> Element:
        root = Element("Team")
        SubElement(root, "uri").text = f"/finesse/api/Team/{team}"
        SubElement(root, "id").text = team
        SubElement(root, "name").text = TEAMS[team]
        users = SubElement(root, "users")
        for user in self.users.values():
            if user.team_id == team:
                element = SubElement(users, "User")
                for tag, text in (
                    ("uri", f"/finesse/api/User/{user.login_id}/"),
                    ("loginId", user.login_id),
                    ("firstName", user.first_name),
                    ("lastName", user.last_name),
                    ("dialogs", f"/finesse/api/User/{user.login_id}/Dialogs"),
                    ("extension", user.extension),
                    ("pendingState", ""),
                    ("state", user.state),
                    ("stateChangeTime", user.state_changed),
                ):
                    SubElement(element, tag).text = text
        return root


def _api_error(kind: str, message: str) -> bytes:
    # Finesse's ApiErrors document (Developer Guide, "API Errors").
    root = Element("ApiErrors")
    error = SubElement(root, "ApiError")
    SubElement(error, "ErrorType").text = kind
    SubElement(error, "ErrorMessage").text = message
    return tostring(root, encoding="utf-8")
