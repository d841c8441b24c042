"""The callback IVR script's two questions: where to route an answered call, and what
it did with the call (flow steps 10-12, docs/architecture.md §7).

Split from callbacks.services (every other write); these build on it: a rescheduling
outcome books through `callback_reschedule`, a hang-up ends the round through the recall
policy (callbacks.recall.rounds).
"""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from scheduling.codes import ViolationCode
from scheduling.rules import Violation

from . import states
from .models import Callback, CallbackCampaign, EventKind, Outcome, RouteAction, Source, Status
from .recall.rounds import callback_ivr_hangup
from .services import CallbackRejected, callback_reschedule


@dataclass(frozen=True, slots=True)
class Route:
    """What the callback IVR script needs to route an answered call (flat on purpose)."""

    found: bool
    action: str
    agent_id: str = ""
    agent_name: str = ""
    skill: str = ""
    script: str = ""
    first_name: str = ""
    last_name: str = ""
    phone_number: str = ""
    campaign: str = ""
    callback_id: int | None = None
    account_number: str = ""
    personal_wait_seconds: int = 0  # agent: how long to try the agent before the skill
    reason: str = ""  # a personal callback queued to the skill: why (agent_logged_out)

    def as_dict(self) -> dict:
        return asdict(self)


def _default_campaign(hint: str | None) -> CallbackCampaign | None:
    campaigns = CallbackCampaign.objects.select_related("fallback_skill")
    if hint:
        by_name = campaigns.filter(name=hint).first()
        if by_name is not None:
            return by_name
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        is_id = hint.isascii() and hint.isdigit() and len(hint) <= 9
        by_id = campaigns.filter(uccx_campaign_id=int(hint)).first() if is_id else None
        if by_id is not None:
            return by_id
    return campaigns.filter(enabled=True).order_by("pk").first()


def _unknown_route(account_number: str, campaign_hint: str | None) -> Route:
    campaign = _default_campaign(campaign_hint)
    if campaign is None:
        return Route(found=False, action=RouteAction.SKILL.value, account_number=account_number)
    action = campaign.unknown_action
    return Route(
        found=False,
        action=action,
        skill=campaign.fallback_skill.name if campaign.fallback_skill else "",
        script=campaign.external_script if action == RouteAction.SCRIPT else "",
        campaign=campaign.name,
        account_number=account_number,
    )


ROUTE_FIELDS = (
    "status",
    "account_number",
    "agent_id",
    "agent_name",
    "first_name",
    "last_name",
    "phone_number",
    "exported_at",
    "campaign__name",
    "campaign__external_script",
    "campaign__personal_wait_seconds",
    "skill__name",
    "skill_reason",
)


def callback_route_for_ivr(*, account_number: str, campaign_hint: str | None = None) -> Route:
    """Flow steps 10-11 (docs/architecture.md §7): where should the answered call go?

    A known callback is routed even if it was cancelled meanwhile: the customer is
    already on the line, and hanging up on them is worse than serving them.
    """
    account_number = account_number.strip().upper()
    try:
        # Only what routing needs: this answers a live call within UCCX's timeout.
        callback = (
            Callback.objects.select_related("campaign", "skill")
            .only(*ROUTE_FIELDS)
            .get(account_number=account_number)
        )
    except Callback.DoesNotExist:
        return _unknown_route(account_number, campaign_hint)
    campaign = callback.campaign
    if campaign.external_script:
        action = RouteAction.SCRIPT.value
    elif callback.agent_id and not callback.skill_reason:  # dialing/agent_away.py
        action = RouteAction.AGENT.value
    else:
        action = RouteAction.SKILL.value
    wait = campaign.personal_wait_seconds if action == RouteAction.AGENT else 0
    looked_up: dict[str, Any] = {"action": action}
    if action == RouteAction.AGENT:  # in the timeline: what the script was told to wait
        looked_up["personal_wait_seconds"] = wait
    elif callback.skill_reason:
        looked_up["reason"] = callback.skill_reason
    # Answered before the exporter recorded UCCX's acceptance: stamp it now.
    exported: dict[str, Any] = {} if callback.exported_at else {"exported_at": timezone.now()}
    try:
        states.transition(
            callback,
            Status.IN_IVR,
            event=EventKind.IVR_LOOKUP,
            actor="ivr",
            details=looked_up,
            **exported,
        )
    except states.TransitionRefused:  # not from its state (or moved meanwhile): noted only
        states.record_event(callback, EventKind.IVR_LOOKUP, actor="ivr", details=looked_up)
    return Route(
        found=True,
        action=action,
        agent_id=callback.agent_id,
        agent_name=callback.agent_name,
        skill=callback.skill.name,
        script=campaign.external_script,
        first_name=callback.first_name,
        last_name=callback.last_name,
        phone_number=callback.phone_number,
        campaign=campaign.name,
        callback_id=callback.pk,
        account_number=callback.account_number or account_number,
        personal_wait_seconds=wait,
        reason=callback.skill_reason,
    )


def callback_record_ivr_outcome(
    *,
    callback: Callback,
    outcome: str,
    scheduled_at: dt.datetime | str | None = None,
    now: dt.datetime | None = None,
) -> Callback:
    """What the IVR script did with the call. Returns the callback now in charge.

    `reschedule_requested` goes through the same validation as any new callback and
    returns the new one; `customer_hangup` ends the round (the promise was kept by
    calling, the customer left): failed, or the next round as the recall policy says;
    queueing outcomes are recorded, and completion comes
    when the agent receives the call (delivered, or the dialer's agent connection).
    """
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown IVR outcome {outcome!r}; expected one of {Outcome.values}.")
    if outcome == Outcome.RESCHEDULE_REQUESTED:
        if not scheduled_at:
            raise CallbackRejected(
                [
                    Violation(
                        "scheduled_at",
                        ViolationCode.INVALID_DATETIME,
                        "Give the new date and time.",
                    )
                ]
            )
        with transaction.atomic():  # the outcome is recorded only with its reschedule
            states.record_event(
                callback, EventKind.IVR_OUTCOME, actor="ivr", details={"outcome": outcome}
            )
            return callback_reschedule(
                callback=callback,
                scheduled_at=scheduled_at,
                source=Source.IVR,
                actor="ivr",
                now=now,
            )
    if outcome == Outcome.CUSTOMER_HANGUP:
        return callback_ivr_hangup(callback=callback, now=now)
    details: dict[str, Any] = {"outcome": outcome}
    if outcome == Outcome.QUEUED_SKILL and callback.skill_reason:
        details["reason"] = callback.skill_reason  # sent to the skill, no wait for the agent
    elif outcome == Outcome.QUEUED_SKILL and callback.agent_id:
        # A personal callback fell back to the skill after the IVR's wait for the agent.
        details["personal_wait_seconds"] = callback.campaign.personal_wait_seconds
    states.record_event(callback, EventKind.IVR_OUTCOME, actor="ivr", details=details)
    return callback
