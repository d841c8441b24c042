"""The checks of one candidate: `assess` and `evaluate`, and the time-of-day rules of
one instant that `free_slots` asks too."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..display import clock, day_label, hhmm, in_zone, spans, wall_time
from ..phones import PhoneError, PhoneNumber, parse_phone
from .calendars import FIRST_YEAR, LAST_YEAR
from .config import DAY_MINUTES, UTC, Periods, RulesConfig, SkillPlan
from .hours import _continues_after_midnight, _day_periods, _resolve_local
from .usage import _slot_used
from .values import Assessment, Candidate
from .violations import BOOKING_ONLY, Code, Violation


def _check_instant(
    config: RulesConfig,
    skill: SkillPlan,
    local: dt.datetime,
    when: dt.datetime,
    periods: Periods,
    phone: PhoneNumber | None,
    now: dt.datetime,
    today: dt.date,
    used: int,
) -> list[Violation]:
    """Every time-of-day rule for one instant (local and UTC) on a date with known periods.

    `today` is the skill's local date at `now`.
    """
    found: list[Violation] = []
    minute = local.hour * 60 + local.minute
    if when < now:
        found.append(
            Violation(
                "scheduled_at",
                Code.IN_PAST,
                _("%(when)s is in the past.") % {"when": in_zone(local)},
            )
        )
    elif when < now + config.min_lead:
        lead = int(config.min_lead.total_seconds() // 60)
        found.append(
            Violation(
                "scheduled_at",
                Code.TOO_SOON,
                ngettext(
                    "%(when)s is too soon: a callback needs at least %(lead)d minute's notice.",
                    "%(when)s is too soon: a callback needs at least %(lead)d minutes' notice.",
                    lead,
                )
                % {"when": in_zone(local), "lead": lead},
            )
        )
    if (local.date() - today).days > config.max_days_ahead:
        last = today + dt.timedelta(days=config.max_days_ahead)
        found.append(
            Violation(
                "scheduled_at",
                Code.TOO_FAR_AHEAD,
                ngettext(
                    "%(when)s is too far ahead: callbacks can be booked up to "
                    "%(days)d day ahead (until %(last)s).",
                    "%(when)s is too far ahead: callbacks can be booked up to "
                    "%(days)d days ahead (until %(last)s).",
                    config.max_days_ahead,
                )
                % {"when": in_zone(local), "days": config.max_days_ahead, "last": last.isoformat()},
            )
        )
    if not config.earliest <= minute < config.latest:
        found.append(
            Violation(
                "scheduled_at",
                Code.OUTSIDE_GLOBAL_WINDOW,
                _("%(when)s is outside the callback hours %(earliest)s-%(latest)s.")
                % {
                    "when": in_zone(local),
                    "earliest": hhmm(config.earliest),
                    "latest": hhmm(config.latest),
                },
            )
        )
    if periods:
        closing = next((end for start, end in periods if start <= minute < end), None)
        if closing is None:
            found.append(
                Violation(
                    "scheduled_at",
                    Code.SKILL_CLOSED,
                    _("%(skill)s is closed at %(when)s; on %(day)s it is open %(spans)s.")
                    % {
                        "skill": skill.name,
                        "when": in_zone(local),
                        "day": day_label(local.date()),
                        "spans": spans(periods),
                    },
                )
            )
        elif closing - minute < config.closing_buffer and not (
            closing == DAY_MINUTES
            and closing + _continues_after_midnight(skill, local.date()) - minute
            >= config.closing_buffer
        ):
            last_start = hhmm(closing - config.closing_buffer)
            found.append(
                Violation(
                    "scheduled_at",
                    Code.CLOSING_SOON,
                    _("%(skill)s closes at %(closing)s; the last callback may start at %(last)s.")
                    % {"skill": skill.name, "closing": hhmm(closing), "last": last_start},
                )
            )
    found.extend(_customer_hours(config, skill, when, phone))
    if used >= config.slot_capacity:
        found.append(
            Violation(
                "scheduled_at",
                Code.SLOT_FULL,
                _(
                    "The %(minutes)d-minute slot at %(when)s already has "
                    "%(used)d callbacks for %(skill)s (capacity %(capacity)d)."
                )
                % {
                    "minutes": config.slot_minutes,
                    "when": in_zone(local),
                    "used": used,
                    "skill": skill.name,
                    "capacity": config.slot_capacity,
                },
            )
        )
    return found


def _customer_hours(
    config: RulesConfig, skill: SkillPlan, when: dt.datetime, phone: PhoneNumber | None
) -> list[Violation]:
    if phone is None:
        return []
    zones = [config.zone(name) for name in phone.time_zones] or [skill.zone]
    outside = []
    for zone in zones:
        there = when.astimezone(zone)
        minute = there.hour * 60 + there.minute
        if not config.customer_earliest <= minute < config.customer_latest:
            outside.append(_("%(time)s in %(zone)s") % {"time": clock(there), "zone": zone.key})
    if not outside:
        return []
    return [
        Violation(
            "scheduled_at",
            Code.OUTSIDE_CUSTOMER_HOURS,
            _(
                "That is %(there)s for the customer; customers are called only "
                "%(earliest)s-%(latest)s their time."
            )
            % {
                "there": ", ".join(outside),
                "earliest": hhmm(config.customer_earliest),
                "latest": hhmm(config.customer_latest),
            },
        )
    ]


def _parse_when(value: dt.datetime | str) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def assess(
    candidate: Candidate,
    *,
    config: RulesConfig | None = None,
    now: dt.datetime | None = None,
    booking: bool = True,
) -> Assessment:
    """Check a candidate against every rule; ALL violations come back at once.

    `booking=False` checks a stored callback again when it is about to be dialed: the
    rules of the booking moment (`BOOKING_ONLY`: lead time, horizon, slot capacity) are
    left out, and no stored callbacks are counted.
    """
    config = config or RulesConfig.load()
    now = now or timezone.now()
    result = Assessment(violations=[])
    found = result.violations

    if candidate.phone_number is not None:
        try:
            result.phone = parse_phone(candidate.phone_number, config.phone_policy)
        except PhoneError as error:
            found.append(Violation("phone_number", error.code, error.message))

    skill = config.skills.get(candidate.skill)
    result.skill = skill
    if skill is None:
        found.append(
            Violation(
                "skill",
                Code.UNKNOWN_SKILL,
                _("There is no skill named '%(skill)s'.") % {"skill": candidate.skill},
            )
        )
    elif not skill.enabled:
        found.append(
            Violation(
                "skill",
                Code.SKILL_DISABLED,
                _("%(name)s takes no callbacks now.") % {"name": skill.name},
            )
        )

    parsed = _parse_when(candidate.scheduled_at)
    if parsed is None:
        found.append(
            Violation(
                "scheduled_at",
                Code.INVALID_DATETIME,
                _(
                    "'%(value)s' is not a date and time; use e.g. "
                    "2026-11-23T10:30 or 2026-11-23T10:30+01:00."
                )
                % {"value": candidate.scheduled_at},
            )
        )
        return result
    if skill is None:
        if parsed.tzinfo is not None:
            result.scheduled_at = parsed.astimezone(UTC)
        return result

    in_gap = False
    if parsed.tzinfo is None:
        resolved = _resolve_local(parsed, skill.zone)
        if resolved is None:
            # A wall time the clocks skip: refused, but the other rules still judge the
            # instant it reads as (fold=0, just after the jump, where suggestions start),
            # so a gap time on a holiday or past the horizon reports those too.
            in_gap = True
            local = parsed.replace(tzinfo=skill.zone, fold=0).astimezone(UTC)
            local = local.astimezone(skill.zone)
            found.append(
                Violation(
                    "scheduled_at",
                    Code.INVALID_DATETIME,
                    _(
                        "%(when)s does not exist in %(zone)s: the clocks jump forward over it "
                        "for daylight-saving time (the other rules read it as %(read_as)s). "
                        "Pick a later time."
                    )
                    % {"when": wall_time(parsed), "zone": skill.zone.key, "read_as": clock(local)},
                )
            )
        else:
            local = resolved
    else:
        local = parsed.astimezone(skill.zone)
    when = local.astimezone(UTC)
    if not in_gap:  # a time that does not exist is never stored
        result.local = local
        result.scheduled_at = when

    periods, closed = _day_periods(skill, local.date())
    if closed is not None:
        found.append(closed)
    used = _slot_used(config, skill, local, candidate.replaces)[1] if booking else 0
    today = now.astimezone(skill.zone).date()
    found.extend(
        _check_instant(config, skill, local, when, periods, result.phone, now, today, used)
    )
    if not booking:
        result.violations = [v for v in found if v.code not in BOOKING_ONLY]
    return result


def evaluate(
    candidate: Candidate, *, config: RulesConfig | None = None, now: dt.datetime | None = None
) -> list[Violation]:
    """All violations of a candidate; an empty list means it may be booked."""
    return assess(candidate, config=config, now=now).violations
