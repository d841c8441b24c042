"""The Finesse REST API, read on behalf of an agent (docs/security.md "Agent identity").

Shapes follow Cisco's Finesse Web Services Developer Guide:
- User API, "User—Get User" (`GET /finesse/api/User/{id}`, developer.cisco.com/docs/finesse
  "User"): `<User>` with `loginId`, `firstName`, `lastName`, `state` (LOGOUT, NOT_READY,
  READY, RESERVED, TALKING, WORK, WORK_READY…), `roles/role` (Agent, Supervisor), `teamId`,
  and for a supervisor `teams/Team` (`id`, `name`) — the teams they supervise.
- Team API, "Team—Get Team" (`GET /finesse/api/Team/{id}`, developer.cisco.com/docs/finesse
  "rest-services-team"): `<Team>` with `users/User` summaries (`loginId`, `state`…).
Finesse answers 401 to bad credentials (HTTP Basic base64(id:password), or `Bearer <token>`
with SSO). Anything else than 200/401/403/404 — or no answer — counts as unreachable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import quote

import requests
from defusedxml import ElementTree
from django.conf import settings

logger = logging.getLogger(__name__)

LOGGED_OUT = "LOGOUT"


class FinesseError(Exception):
    """Finesse refused the credentials (code: machine-readable) or could not be asked."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class FinesseUnreachable(FinesseError):
    pass


@dataclass(frozen=True)
class FinesseUser:
    login_id: str
    first_name: str = ""
    last_name: str = ""
    state: str = ""
    roles: tuple[str, ...] = ()
    team_id: str = ""
    supervised_teams: tuple[str, ...] = ()
    supervised_agents: tuple[str, ...] = field(default=())

    @property
    def is_supervisor(self) -> bool:
        return "Supervisor" in self.roles

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def parse_user(xml: bytes | str) -> FinesseUser:
    root = ElementTree.fromstring(xml)
    return FinesseUser(
        login_id=_text(root, "loginId"),
        first_name=_text(root, "firstName"),
        last_name=_text(root, "lastName"),
        state=_text(root, "state"),
        roles=tuple((r.text or "").strip() for r in root.findall("roles/role")),
        team_id=_text(root, "teamId"),
        supervised_teams=tuple(_text(t, "id") for t in root.findall("teams/Team")),
    )


def parse_team_members(xml: bytes | str) -> tuple[str, ...]:
    root = ElementTree.fromstring(xml)
    return tuple(_text(u, "loginId") for u in root.findall("users/User") if _text(u, "loginId"))


def authorization_header(credentials: str) -> str:
    """The Authorization header for the agent's credentials as the gadget has them. The
    Finesse library keeps the bare base64 of "id:password" in the gadget's `authorization`
    pref (finesse.js 10.6.1: `_prefs.set("authorization", getUserAuthString())`, and it
    sends `"Basic " + authorization` itself); a scheme already given is kept."""
    scheme = credentials.partition(" ")[0].lower()
    return credentials if scheme in ("basic", "bearer") else f"Basic {credentials}"


def _get(path: str, authorization: str) -> requests.Response:
    base = settings.FINESSE_URL
    if not base:
        raise FinesseUnreachable(
            "finesse_not_configured",
            "The Campaign Manager does not know the Finesse server (FINESSE_URL is not set).",
        )
    try:
        response = requests.get(
            f"{base}/finesse/api/{path}",
            headers={
                "Authorization": authorization_header(authorization),
                "Accept": "application/xml",
            },
            timeout=settings.FINESSE_TIMEOUT,
            verify=settings.FINESSE_VERIFY_TLS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        logger.warning("finesse: %s unreachable: %s", base, type(error).__name__)
        raise FinesseUnreachable(
            "finesse_unreachable",
            "Finesse did not answer; nothing was changed. Try again in a minute.",
        ) from None
    if response.status_code in (401, 403):
        raise FinesseError(
            "finesse_credentials_refused",
            "Finesse refused your sign-in. Sign in to Finesse again and reload the gadget.",
        )
    if response.status_code == 404:
        raise FinesseError("finesse_user_unknown", "Finesse does not know this agent id.")
    if response.status_code != 200:
        logger.warning("finesse: %s answered %s", path.split("/")[0], response.status_code)
        raise FinesseUnreachable(
            "finesse_unreachable",
            "Finesse did not answer properly; nothing was changed. Try again in a minute.",
        )
    return response


def fetch_user(agent_id: str, authorization: str) -> FinesseUser:
    """The agent as Finesse knows them, with the agents of the teams they supervise."""
    response = _get(f"User/{quote(agent_id, safe='')}", authorization)
    try:
        user = parse_user(response.content)
    except ElementTree.ParseError:
        raise FinesseUnreachable(
            "finesse_unreachable", "Finesse answered something that is not a User document."
        ) from None
    if user.login_id != agent_id:
        raise FinesseError("finesse_user_unknown", "Finesse answered for another agent id.")
    if not user.is_supervisor:
        return user
    agents: set[str] = set()
    for team in user.supervised_teams:
        team_answer = _get(f"Team/{quote(team, safe='')}", authorization)
        try:
            agents.update(parse_team_members(team_answer.content))
        except ElementTree.ParseError:
            logger.warning("finesse: team %s: not a Team document", team)
    agents.discard(agent_id)
    return FinesseUser(**{**user.__dict__, "supervised_agents": tuple(sorted(agents))})
