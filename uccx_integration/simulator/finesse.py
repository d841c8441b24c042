"""A Finesse REST stand-in beside the UCCX simulator: the User and Team APIs that the
Campaign Manager reads (callbacks/finesse.py), over the same HTTP server.

Shapes follow Cisco's Finesse Web Services Developer Guide: "User—Get User"
(`GET /finesse/api/User/{id}`: `<User>` with loginId, firstName, lastName, state,
roles/role, teamId, teamName, and teams/Team for a supervisor) and "Team—Get Team"
(`GET /finesse/api/Team/{id}`: `<Team>` with users/User summaries). Finesse checks HTTP
Basic credentials (id:password) and answers 401 to bad ones; an agent may read only their
own User, a supervisor also their teams (403 otherwise, as Finesse documents for a user
reading another user). Bearer (SSO) tokens: unconfirmed here — the stand-in accepts
`Bearer sso-<loginId>` for the demo only (FINESSE_SSO_PREFIX below is the one switch).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

FINESSE_SSO_PREFIX = "sso-"  # unconfirmed: stands in for a real SSO token check


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


TEAMS = {"1": "Default", "2": "Premium"}
# Demo users (README, make run): agent001/agent002 in team 1, agent003 in team 2,
# super001 supervises team 1. Password of each: ciscocisco.
DEFAULT_USERS = (
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


class FinesseDirectory:
    def __init__(self, users=DEFAULT_USERS):
        self.users = {u.login_id: FinesseUser(**u.__dict__) for u in users}

    def set_state(self, login_id: str, state: str) -> None:
        self.users[login_id].state = state

    def caller(self, header: str) -> FinesseUser | None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.startswith(FINESSE_SSO_PREFIX):
            return self.users.get(value[len(FINESSE_SSO_PREFIX) :])
        if scheme.lower() != "basic":
            return None
        try:
            login, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user = self.users.get(login)
        if user is None or not hmac.compare_digest(user.password, password):
            return None
        return user

    def answer(self, method: str, path: str, authorization: str) -> tuple[int, bytes]:
        """(status, XML body) for a /finesse/api/ request."""
        caller = self.caller(authorization)
        if caller is None:
            return 401, _api_error("Unauthorized", "Invalid credentials")
        if method != "GET":
            return 405, _api_error("Method Not Allowed", method)
        if match := _USER.fullmatch(path):
            user = self.users.get(match["id"])
            if user is None:
                return 404, _api_error("Not Found", f"User {match['id']}")
            if user.login_id != caller.login_id and user.team_id not in caller.supervises:
                return 403, _api_error("Forbidden", "Another user")
            return 200, tostring(self.user_xml(user), encoding="utf-8")
        if match := _TEAM.fullmatch(path):
            team = match["id"]
            if team not in TEAMS:
                return 404, _api_error("Not Found", f"Team {team}")
            if team not in caller.supervises:
                return 403, _api_error("Forbidden", "Not a supervisor of this team")
            return 200, tostring(self.team_xml(team), encoding="utf-8")
        return 404, _api_error("Not Found", path)

    def user_xml(self, user: FinesseUser) -> Element:
        root = Element("User")
        for tag, text in (
            ("uri", f"/finesse/api/User/{user.login_id}"),
            ("loginId", user.login_id),
            ("loginName", user.login_id),
            ("firstName", user.first_name),
            ("lastName", user.last_name),
            ("extension", user.extension),
            ("state", user.state),
            ("pendingState", ""),
            ("teamId", user.team_id),
            ("teamName", TEAMS[user.team_id]),
        ):
            SubElement(root, tag).text = text
        roles = SubElement(root, "roles")
        for role in user.roles:
            SubElement(roles, "role").text = role
        if user.supervises:
            teams = SubElement(root, "teams")
            for team in user.supervises:
                element = SubElement(teams, "Team")
                SubElement(element, "uri").text = f"/finesse/api/Team/{team}"
                SubElement(element, "id").text = team
                SubElement(element, "name").text = TEAMS[team]
        SubElement(root, "dialogs").text = f"/finesse/api/User/{user.login_id}/Dialogs"
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
                SubElement(element, "uri").text = f"/finesse/api/User/{user.login_id}"
                for tag, text in (
                    ("loginId", user.login_id),
                    ("firstName", user.first_name),
                    ("lastName", user.last_name),
                    ("extension", user.extension),
                    ("state", user.state),
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
