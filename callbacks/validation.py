"""Validation of a callback request: the rules engine plus what only callbacks know.

`scheduling.rules` decides the time, the phone number and the slot capacity (stored
callbacks are counted through the slot-usage hook registered in apps.py); this module
adds the campaign checks, duplicate detection and the do-not-call list, and proposes
the next free slots when anything fails. Both the create service and the dry-run endpoint call it.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.codes import ViolationCode
from scheduling.display import local_short
from scheduling.do_not_call import listing_of, suggest_allowed, violation_for
from scheduling.rules import Assessment, Candidate, RulesConfig, Slot, Violation, assess

from .models import PENDING, Callback, CallbackCampaign


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    phone_number: str
    scheduled_at: dt.datetime | str
    campaign: str
    skill: str
    agent_id: str = ""


@dataclass(slots=True)
class Verdict:
    assessment: Assessment
    campaign: CallbackCampaign | None
    violations: list[Violation]
    suggestions: list[Slot] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations


def pending_scheduled_times(
    skill_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
) -> list[tuple[dt.datetime, int]]:
    """The slot-usage hook: pending callbacks of a skill in [start, end), but `exclude`,
    counted per start time (agents book slot starts, so times repeat a lot)."""
    pending = Callback.objects.filter(
        skill_id=skill_id, status__in=PENDING, scheduled_at__gte=start, scheduled_at__lt=end
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude)
    return list(
        pending.order_by()
        .values("scheduled_at")
        .annotate(n=Count("pk"))
        .values_list("scheduled_at", "n")
    )


def campaign_violations(name: str) -> tuple[CallbackCampaign | None, list[Violation]]:
    campaign = CallbackCampaign.objects.filter(name=name).first()
    if campaign is None:
        return None, [
            Violation(
                "campaign",
                ViolationCode.UNKNOWN_CAMPAIGN,
                _("There is no callback campaign '%(name)s'.") % {"name": name},
            )
        ]
    if not campaign.enabled:
        return campaign, [
            Violation(
                "campaign",
                ViolationCode.CAMPAIGN_DISABLED,
                _("%(name)s takes no callbacks now.") % {"name": campaign.name},
            )
        ]
    return campaign, []


def _duplicate_violations(
    e164: str, limit: int, exclude_id: int | None, zone: ZoneInfo
) -> list[Violation]:
    """At most `limit` pending per number; the pending one's time in `zone` (the time
    zone the agent books in), never UTC."""
    pending = Callback.objects.filter(phone_number=e164, status__in=PENDING)
    if exclude_id is not None:
        pending = pending.exclude(pk=exclude_id)
    existing = list(pending.order_by("scheduled_at")[:limit])
    if len(existing) < limit:
        return []
    first = existing[0]
    return [
        Violation(
            "phone_number",
            ViolationCode.DUPLICATE_PENDING,
            _(
                "%(number)s already has a callback waiting (%(account)s, %(when)s); "
                "at most %(limit)d per number. Reschedule or cancel that one instead."
            )
            % {
                "number": e164,
                "account": first.account_number,
                "when": local_short(first.scheduled_at, zone),
                "limit": limit,
            },
        )
    ]


def callback_validate(
    *,
    request: CallbackRequest,
    config: RulesConfig | None = None,
    now: dt.datetime | None = None,
    exclude_id: int | None = None,
    with_suggestions: bool = True,
) -> Verdict:
    """Every violation of a request at once, and the next free slots if any."""
    config = config or RulesConfig.load()
    candidate = Candidate(
        request.skill, request.scheduled_at, request.phone_number, replaces=exclude_id
    )
    result = assess(candidate, config=config, now=now)
    campaign, violations = campaign_violations(request.campaign)
    violations = violations + result.violations
    listed = listing_of(result, now=now or timezone.now())
    if result.phone is not None:
        zone = result.skill.zone if result.skill is not None else ZoneInfo(settings.TIME_ZONE)
        violations += _duplicate_violations(
            result.phone.e164, config.max_pending_per_number, exclude_id, zone
        )
        if listed is not None:
            violations.append(violation_for(listed, result.phone.e164))
    verdict = Verdict(result, campaign, violations)
    time_trouble = any(v.field == "scheduled_at" for v in violations)
    if with_suggestions and result.skill is not None and (time_trouble or listed is not None):
        verdict.suggestions = suggest_allowed(candidate, result, listed, config=config, now=now)
    return verdict


def request_for(
    callback: Callback, scheduled_at: dt.datetime | str | None = None
) -> CallbackRequest:
    """The request a stored callback stands for (at its own time, or at a new one)."""
    return CallbackRequest(
        phone_number=callback.phone_number,
        scheduled_at=callback.scheduled_at if scheduled_at is None else scheduled_at,
        campaign=callback.campaign.name,
        skill=callback.skill.name,
        agent_id=callback.agent_id,
    )


def callback_revalidate(
    *, callback: Callback, config: RulesConfig | None = None, now: dt.datetime | None = None
) -> Verdict:
    """Does a stored callback still meet today's rules? (It does not count against itself.)"""
    return callback_validate(
        request=request_for(callback),
        config=config,
        now=now,
        exclude_id=callback.pk,
        with_suggestions=False,
    )
