"""The Finesse REST API: an agent's own User (agent identity, docs/security.md) and, as the
Campaign Manager's service account, a personal callback's agent's state at dial time.

Shapes follow Cisco's documentation (docs/gadget.md "Finesse's User API" names them all):
- developer.cisco.com/docs/finesse "User" and "User—Get User" (`GET /finesse/api/User/{id}`):
  `<User>` with `roles/role` (Agent, Supervisor), `loginId`, `state`, `firstName`,
  `lastName`, `teamId`, and `teams/Team` (`uri`, `id`, `name`): the teams a supervisor
  supervises. "Agents can only get their own User object. Administrators can get any User
  object": the dial-time check reads agents' states as an administrator (FINESSE_USERNAME,
  FINESSE_PASSWORD). Answers 200, 401 (also "Invalid Authorization User Specified": another
  user's object), 404, 500, 503.
- "User API Parameters": `state` is LOGOUT, NOT_READY, READY, RESERVED, RESERVED_OUTBOUND,
  RESERVED_OUTBOUND_PREVIEW, TALKING, HOLD, WORK, WORK_READY or UNKNOWN.
- "Team" (`GET /finesse/api/Team/{id}`): `<Team>` with `users/User` summaries (`loginId`,
  `state`, ...).
- CiscoDevNet/finesse-sample-code: NonGadgetPythonSample's `finesse.py` reads the same
  `roles/role`, `state` and `teamId`; finesse.js 10.6.1 (WorkflowScreenPopSampleGadget-
  Finesse-10.6.1-v1.0.zip, FinesseJavaScriptLibrary-10.6.1/finesse-10.6.1.js) reads
  `teams.Team` (getSupervisedTeams) and names the same states (User.States).
Credentials: HTTP Basic base64(id:password), or `Bearer <token>` with SSO. Anything else
than 200/401/403/404 — or no answer — counts as unreachable (403 is not documented for
these GETs; it is read as a refusal, like 401).
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, replace
from urllib.parse import quote

import requests
from defusedxml import ElementTree
from django.conf import settings

logger = logging.getLogger(__name__)

LOGGED_OUT = "LOGOUT"  # the state of an agent signed out of Finesse ("User API Parameters")


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
    supervised_agents: tuple[str, ...] = ()

    @property
    def is_supervisor(self) -> bool:
        return "Supervisor" in self.roles

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


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
            headers={"Authorization": authorization, "Accept": "application/xml"},
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


def _get_user(agent_id: str, authorization: str) -> FinesseUser:
    """GET User/{agent_id} with this Authorization header, parsed; an answer that is not
    XML counts as unreachable."""
    response = _get(f"User/{quote(agent_id, safe='')}", authorization)
    try:
        return parse_user(response.content)
    except ElementTree.ParseError:
        raise FinesseUnreachable(
            "finesse_unreachable", "Finesse answered something that is not a User document."
        ) from None


# The schemes the credentials may already carry (case-insensitive, RFC 9110 §11.1).
SCHEMES = ("basic", "bearer")


def authorization_header(value: str) -> str:
    """The Authorization header for the gadget's `authorization` pref. finesse.js 10.6.1
    keeps the bare base64(id:password) there (ClientServices.init decodes it with
    getCredentials) and sends "Basic " + it itself: a value without a scheme is Basic.
    One with "Basic " or "Bearer " (SSO; what the pref holds then is unconfirmed) is
    sent as it is."""
    value = value.strip()
    if value.partition(" ")[0].lower() in SCHEMES:
        return value
    return f"Basic {value}"


def fetch_user(agent_id: str, authorization: str) -> FinesseUser:
    """The agent as Finesse knows them, with the agents of the teams they supervise."""
    authorization = authorization_header(authorization)
    user = _get_user(agent_id, authorization)
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
    return replace(user, supervised_agents=tuple(sorted(agents)))


def service_account_configured() -> bool:
    return bool(settings.FINESSE_URL and settings.FINESSE_USERNAME)


def fetch_state(agent_id: str) -> str:
    """The agent's state as Finesse tells the Campaign Manager's service account (an
    administrator, which may GET any User). Raises FinesseError / FinesseUnreachable."""
    pair = f"{settings.FINESSE_USERNAME}:{settings.FINESSE_PASSWORD}".encode()
    return _get_user(agent_id, "Basic " + base64.b64encode(pair).decode("ascii")).state
