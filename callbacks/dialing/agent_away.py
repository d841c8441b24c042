"""Personal callbacks when the agent is away (docs/architecture.md §7 step 5).

At the dial-time re-check, before an export claims a campaign's due callbacks, the
Campaign Manager asks Finesse for the state of each due personal callback's agent (GET
/finesse/api/User/{id} as its own administrator account, callbacks/finesse.py). An agent
in LOGOUT is away; then, per campaign (`when_agent_logged_out`):

- `skill`: the callback is claimed and exported at once, marked `skill_reason =
  agent_logged_out`; the IVR's answer for its call says queue to the skill, with that
  reason (callbacks/ivr.py `callback_route_for_ivr`). The decision stands for the
  callback, also if its export is retried.
- `hold`: it is not claimed. It stays `scheduled`, `held_at` records when it was first
  held, and the next export run asks again; it is dialed as booked once the agent is back,
  and expires as every scheduled callback does when the expiry passes.

Finesse cannot be read (no answer, an error, the agent unknown to Finesse, or the run's
READ_BUDGET_SECONDS spent): the callback is dialed as booked (the IVR still waits for
the agent, then queues to the skill), its timeline says so. Nothing is lost or sent
twice: the Finesse reads happen before the claim and outside its transaction; a held
callback never leaves `scheduled`. No check at all with AGENT_AUTH=key_only, or without
FINESSE_URL or FINESSE_USERNAME.

Every decision is an event in the callback's timeline (`agent_away`, or the reason in
the `export_started` event's details).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from .. import agents, bulk, finesse
from ..models import AgentAway, Callback, CallbackCampaign, EventKind, Status

logger = logging.getLogger(__name__)

ACTOR = "scheduler"
REASON = "agent_logged_out"
# Seconds one export run may spend asking Finesse (a slow Finesse and many agents must
# not hold the export, and its campaign lease, for minutes): the agents not asked by then
# are dialed as booked.
READ_BUDGET_SECONDS = 60.0


def check_enabled() -> bool:
    """The Campaign Manager may ask Finesse for agents' states."""
    return not agents.key_only() and finesse.service_account_configured()


@dataclass
class Presence:
    """What Finesse said of the due personal callbacks' agents (read before a claim).

    `states`: the state read per agent; None where it could not be read. Kept for one
    export run (one campaign), so each agent is asked once per run."""

    checked: bool = False
    states: dict[str, str | None] = field(default_factory=dict)
    unreachable: bool = False  # Finesse did not answer in this run: ask no more
    budget_seconds: float = READ_BUDGET_SECONDS
    _started: float | None = None

    def logged_out(self) -> set[str]:
        return {agent for agent, state in self.states.items() if state == finesse.LOGGED_OUT}

    def read(self, agent_ids: set[str]) -> None:
        if self._started is None:
            self._started = time.monotonic()
        for agent in sorted(agent_ids - set(self.states)):
            if time.monotonic() - self._started >= self.budget_seconds:
                self.unreachable = True  # out of time: the same as no answer
            if self.unreachable:
                self.states[agent] = None
                continue
            try:
                self.states[agent] = finesse.fetch_state(agent)
            except finesse.FinesseUnreachable as down:
                logger.warning("agent state: %s; dialing as booked", down.code)
                self.unreachable = True
                self.states[agent] = None
            except finesse.FinesseError as refused:
                logger.warning("agent state of %s: %s; dialing as booked", agent, refused.code)
                self.states[agent] = None


def _personal_due(due: QuerySet[Callback]) -> QuerySet[Callback]:
    return due.exclude(agent_id="").filter(skill_reason="")


def presence_for(due: QuerySet[Callback], presence: Presence | None) -> Presence:
    """Read the states of the agents of `due`'s personal callbacks not routed yet."""
    presence = presence or Presence()
    if not check_enabled():
        return presence
    presence.checked = True
    presence.read(set(_personal_due(due).values_list("agent_id", flat=True).distinct()))
    return presence


def hold_away(
    due: QuerySet[Callback], *, campaign: CallbackCampaign, presence: Presence, now: dt.datetime
) -> QuerySet[Callback]:
    """With a holding campaign, leave out the callbacks of logged-out agents (marking the
    newly held ones, with an event); returns what may be claimed."""
    away = presence.logged_out()
    if not away or campaign.when_agent_logged_out != AgentAway.HOLD:
        return due
    held = _personal_due(due).filter(agent_id__in=away)
    # One export per campaign at a time (its campaign lease): each is marked held once.
    new = list(held.filter(held_at__isnull=True).values_list("pk", "agent_id"))
    if new:
        Callback.objects.filter(pk__in=[pk for pk, _ in new], held_at__isnull=True).update(
            held_at=now
        )
        _events(
            (pk, _note(agent, "held", "held until the agent logs in again")) for pk, agent in new
        )
    return due.exclude(agent_id__in=away, skill_reason="")


# What route_away reads of each callback about to be claimed (the claim's own query).
ROUTING_FIELDS = ("agent_id", "skill_reason", "held_at")


def route_away(
    claimed: list[tuple[int, str, str, dt.datetime | None]],
    *,
    campaign: CallbackCampaign,
    presence: Presence,
) -> dict[int, dict[str, Any]]:
    """Of the callbacks about to be claimed, (id, *ROUTING_FIELDS) each: mark those of
    logged-out agents for the skill (a routing campaign), with an event each. Returns the
    export event's details by id: the reason, or why a personal callback is dialed as
    booked."""
    if not presence.checked:
        return {}
    rows = [row for row in claimed if row[1]]  # personal callbacks
    away = presence.logged_out()
    routed = [
        (pk, agent)
        for pk, agent, reason, _ in rows
        if not reason and agent in away and campaign.when_agent_logged_out == AgentAway.SKILL
    ]
    if routed:
        Callback.objects.filter(pk__in=[pk for pk, _ in routed]).update(skill_reason=REASON)
        _events(
            (pk, _note(agent, "routed_to_skill", "dialed now for the skill"))
            for pk, agent in routed
        )
    notes: dict[int, dict[str, Any]] = {pk: {"reason": REASON} for pk, _ in routed}
    for pk, agent, reason, held_at in rows:
        state = presence.states.get(agent, "")
        if pk in notes or reason:
            continue
        if state is None:
            notes[pk] = {
                "agent_state": "unknown",
                "detail": "Finesse could not be read: dialed as booked",
            }
        elif held_at is not None:
            notes[pk] = {"agent_state": state, "detail": "the agent is back: dialed as booked"}
    return notes


def _note(agent: str, action: str, what: str) -> dict[str, Any]:
    return {
        "reason": REASON,
        "agent_id": agent,
        "agent_state": finesse.LOGGED_OUT,
        "action": action,
        "detail": f"agent {agent} is logged out of Finesse: {what}",
    }


def _events(pairs: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """One `agent_away` event per (callback id, details); the callbacks stay scheduled."""
    bulk.insert_events(
        (
            (pk, EventKind.AGENT_AWAY, Status.SCHEDULED, Status.SCHEDULED, details)
            for pk, details in pairs
        ),
        actor=ACTOR,
    )
