"""The callback IVR script's listing, in one place (docs/ivr-script.md shows it).

What the UCCX callback script sends to the Campaign Manager's IVR API, which field it
reads with which XPath (XML, any CCX) or JSONPath (JSON, CCX 11.6+), and how it branches
on what it read. The simulator's script (uccx_integration/simulator/ivr.py) runs it, and
tests/callbacks/test_ivr_script_doc.py checks it against the doc's table and against
live API answers, so the doc, the tests and the simulator cannot drift apart.

Stdlib only: the simulator runs without Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlencode

ROUTE_PATH = "/api/v1/ivr/callbacks/{account_number}"
OUTCOME_PATH = ROUTE_PATH + "/outcome"
CAMPAIGN_PARAM = "campaign"
JSON_ACCEPT = "application/json"
XML_QUERY = {"format": "xml"}
TIMEOUT_MS = 5000  # Make REST Call's default: one timeout for connect and for read


@dataclass(frozen=True)
class Field:
    """One field of the routing answer as the script reads it into one variable."""

    name: str
    variable: str
    xpath: str
    jsonpath: str
    used_for: str


def _field(name: str, variable: str, used_for: str) -> Field:
    return Field(name, variable, f"/callback/{name}", f"$.{name}", used_for)


# Every field of the routing answer (RouteOutput), in its order. The doc's table between
# <!-- ivr-fields:begin --> and <!-- ivr-fields:end --> has exactly these rows.
ROUTE_FIELDS: tuple[Field, ...] = (
    _field("found", "cmFound", "not found: false (no outcome to report)"),
    _field("action", "cmAction", "the branch: agent, skill or script"),
    _field("agent_id", "cmAgentId", "agent: the resource (user id) to queue to"),
    _field("agent_name", "cmAgentName", "information only"),
    _field("skill", "cmSkill", "skill and not found: the CSQ to queue to"),
    _field("script", "cmScript", "script: the external script to transfer to"),
    _field("first_name", "cmFirstName", "information only (greeting, call data)"),
    _field("last_name", "cmLastName", "information only (greeting, call data)"),
    _field("phone_number", "cmPhoneNumber", "information only"),
    _field("campaign", "cmCampaignName", "information only (the campaign routed for)"),
    _field("callback_id", "cmCallbackId", "information only"),
    _field("account_number", "cmAccountNumberFound", "information only"),
    _field(
        "personal_wait_seconds",
        "cmPersonalWait",
        "agent: seconds to keep trying the agent before queueing to the skill",
    ),
    _field(
        "reason",
        "cmReason",
        "information only: why a personal callback is queued to the skill (agent_logged_out)",
    ),
)
# The agent branch's retry loop (docs/ivr-script.md §5): Select Resource on the agent,
# Failed -> Delay this long -> try again, until cmPersonalWait seconds have passed; then
# queue to the skill. The loop is built like Cisco's queue loop (Delay and Goto, page
# `the-delay-step`); retrying Select Resource on a Resource target this way is
# unconfirmed, and so is this step: change it here (one value) if your release needs.
AGENT_RETRY_SECONDS = 5


class Action(StrEnum):
    """The answer's `action`."""

    AGENT = "agent"
    SKILL = "skill"
    SCRIPT = "script"


class Branch(StrEnum):
    """The script's branches after the lookup."""

    AGENT = "agent"  # found, personal callback: queue to the agent (resource)
    SKILL = "skill"  # found, standard callback: queue to the skill's CSQ
    SCRIPT = "script"  # the campaign hands every answered call to an external script
    NOT_FOUND = "not_found"  # the API knows no such callback: its default route
    CM_DOWN = "cm_down"  # no answer in time, or no readable one: the default CSQ


# What the script reports after queueing or transferring (the API's Outcome values).
OUTCOME_BY_ACTION: dict[Action, str] = {
    Action.AGENT: "queued_agent",
    Action.SKILL: "queued_skill",
    Action.SCRIPT: "transferred_script",
}


@dataclass(frozen=True)
class Decision:
    branch: Branch
    action: Action  # what the script does: queue to a resource or a CSQ, or transfer
    target: str  # the agent's user id, the CSQ's name or the script's name
    report: str | None  # the outcome to POST, None when there is nothing to report to
    # agent: how long to try the agent, and the CSQ to queue to when that time is up
    # (reporting queued_skill then, which the reports count as "fell back to skill").
    wait_seconds: int = 0
    fallback: str = ""

    @property
    def outcome(self) -> str:
        """What the script did, as an outcome name, reported or not."""
        return OUTCOME_BY_ACTION[self.action]


def route_path(account_number: str, campaign_name: str, *, xml: bool = False) -> str:
    """The lookup's path and query: the account number URL-encoded as one segment."""
    query = {CAMPAIGN_PARAM: campaign_name, **(XML_QUERY if xml else {})}
    return f"{ROUTE_PATH.format(account_number=quote(account_number, safe=''))}?{urlencode(query)}"


def outcome_path(account_number: str) -> str:
    return OUTCOME_PATH.format(account_number=quote(account_number, safe=""))


def _true(value: object) -> bool:
    # XML gives the text "true"; JSON gives the boolean.
    return value is True or value == "true"


def decide(values: dict[str, object] | None, default_csq: str) -> Decision:
    """The branch for the values read by ROUTE_FIELDS (by field name), or for None when
    the lookup failed (timeout, connection refused, an answer that is no routing
    document). The answer's `action` decides: the API sends `agent` only with an
    agent_id and `script` only with a script name (an unknown action queues to a CSQ)."""
    if values is None:
        return Decision(Branch.CM_DOWN, Action.SKILL, default_csq, None)
    found = _true(values.get("found"))
    named = str(values.get("action") or "")
    action = Action(named) if named in set(Action) else Action.SKILL
    target = {
        Action.AGENT: values.get("agent_id"),
        Action.SKILL: values.get("skill") or default_csq,
        Action.SCRIPT: values.get("script"),
    }[action]
    if not found:
        # The answer's default route; there is no callback to report an outcome for.
        return Decision(Branch.NOT_FOUND, action, str(target or ""), None)
    report = OUTCOME_BY_ACTION[action]
    if action == Action.AGENT:
        fallback = str(values.get("skill") or default_csq)
        wait = _seconds(values.get("personal_wait_seconds"))
        return Decision(Branch.AGENT, action, str(target or ""), report, wait, fallback)
    return Decision(Branch(action.value), action, str(target or ""), report)


def _seconds(value: object) -> int:
    # JSON gives an int, XML the text; a missing or unreadable value waits not at all.
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


def jsonpath_keys(path: str) -> list[str]:
    """The keys of a simple dotted JSONPath (`$.a.b`): all the simulator walks."""
    if not path.startswith("$."):
        raise ValueError(f"not a simple dotted JSONPath: {path!r}")
    keys = path[2:].split(".")
    if not all(key.isidentifier() for key in keys):
        raise ValueError(f"not a simple dotted JSONPath: {path!r}")
    return keys
