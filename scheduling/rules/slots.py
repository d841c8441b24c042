"""Which times are free: `free_slots` walks the slot grid with the very checks of
`assess`; `suggest` finds the nearest free slots to a candidate."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..phones import PhoneError, PhoneNumber, parse_phone
from .calendars import FIRST_YEAR, LAST_YEAR, in_calendar
from .checks import _check_instant, _parse_when
from .config import DAY_MINUTES, UTC, RulesConfig, SkillPlan
from .hours import _day_periods, _resolve_local
from .usage import _count_usage
from .values import Candidate, DaySlots, Slot
from .violations import Code, Violation


def free_slots(
    skill: str,
    start_date: dt.date,
    days: int = 1,
    phone: PhoneNumber | None = None,
    *,
    config: RulesConfig | None = None,
    now: dt.datetime | None = None,
    exclude: int | None = None,
) -> list[DaySlots]:
    """Bookable slots of `days` local dates from `start_date`, with capacity left.

    `exclude` leaves one stored callback out of the counts (the one being rescheduled).
    Raises KeyError for an unknown skill name, ValueError for dates outside the
    calendar the engine reasons about. A disabled skill has no slots.
    """
    last_date = start_date + dt.timedelta(days=max(days - 1, 0))
    if not (in_calendar(start_date) and in_calendar(last_date)):
        raise ValueError(f"{start_date.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}.")
    config = config or RulesConfig.load()
    now = now or timezone.now()
    plan = config.skills[skill]
    step = config.slot_minutes
    dates = [start_date + dt.timedelta(days=offset) for offset in range(days)]
    range_start = _midnight(plan, dates[0])
    range_end = _midnight(plan, dates[-1] + dt.timedelta(days=1))
    usage = _count_usage(config, plan, range_start, range_end, exclude)

    today = now.astimezone(plan.zone).date()
    result = []
    for day in dates:
        periods, closed = _day_periods(plan, day)
        closed = closed or _day_out_of_range(config, plan, day, today)
        if closed is not None:
            result.append(DaySlots(day, [], closed))
            continue
        slots = []
        midnight = dt.datetime.combine(day, dt.time())
        offset = _fixed_offset(plan.zone, midnight)
        for minute in range(0, DAY_MINUTES, step):
            if not any(a <= minute < b for a, b in periods):
                continue  # _check_instant would say skill_closed
            naive = midnight + dt.timedelta(minutes=minute)
            if offset is not None:  # no DST change that day: plain arithmetic
                local = naive.replace(tzinfo=plan.zone)
                start = (naive - offset).replace(tzinfo=UTC)
            else:
                resolved = _resolve_local(naive, plan.zone)
                if resolved is None:
                    continue  # inside a DST gap: that wall time does not exist
                local, start = resolved, resolved.astimezone(UTC)
            used = usage.get(start, 0)
            if not _check_instant(config, plan, local, start, periods, phone, now, today, used):
                slots.append(Slot(start, local, config.slot_capacity, config.slot_capacity - used))
        result.append(DaySlots(day, slots))
    return result


def _fixed_offset(zone: ZoneInfo, midnight: dt.datetime) -> dt.timedelta | None:
    """The zone's UTC offset for a whole local day, or None on a day the clocks change."""
    first = zone.utcoffset(midnight)
    last = zone.utcoffset(midnight + dt.timedelta(hours=23, minutes=59))
    return first if first == last else None


def _day_out_of_range(
    config: RulesConfig, plan: SkillPlan, day: dt.date, today: dt.date
) -> Violation | None:
    """Whole-day shortcuts of rules _check_instant would report for every slot."""
    if not plan.enabled:
        return Violation(
            "skill",
            Code.SKILL_DISABLED,
            _("%(name)s takes no callbacks now.") % {"name": plan.name},
        )
    if day < today:
        return Violation(
            "scheduled_at", Code.IN_PAST, _("%(when)s is in the past.") % {"when": day.isoformat()}
        )
    if (day - today).days > config.max_days_ahead:
        return Violation(
            "scheduled_at",
            Code.TOO_FAR_AHEAD,
            ngettext(
                "%(day)s is more than %(days)d day ahead.",
                "%(day)s is more than %(days)d days ahead.",
                config.max_days_ahead,
            )
            % {"day": day.isoformat(), "days": config.max_days_ahead},
        )
    return None


def _midnight(plan: SkillPlan, day: dt.date) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time())
    local = _resolve_local(naive, plan.zone) or naive.replace(tzinfo=plan.zone)
    return local.astimezone(UTC)


def suggest(
    candidate: Candidate,
    *,
    count: int = 3,
    config: RulesConfig | None = None,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """The next `count` free slots at or after the candidate's time, earliest first.

    A time in a DST gap searches from the jump; a time before now from now; a time past
    the booking horizon gets the last bookable slots before it, so an agent always
    sees the nearest alternatives (still listed earliest first).
    """
    config = config or RulesConfig.load()
    now = now or timezone.now()
    plan = config.skills.get(candidate.skill)
    if plan is None or not plan.enabled:
        return []
    phone = None
    if candidate.phone_number:
        try:
            phone = parse_phone(candidate.phone_number, config.phone_policy)
        except PhoneError:
            phone = None
    parsed = _parse_when(candidate.scheduled_at)
    if parsed is not None and parsed.tzinfo is None:
        # In a DST gap fold=0 lands just after the jump: search from there.
        parsed = _resolve_local(parsed, plan.zone) or parsed.replace(tzinfo=plan.zone)
    after = max(parsed.astimezone(UTC) if parsed else now, now)
    first = now.astimezone(plan.zone).date()
    last = first + dt.timedelta(days=config.max_days_ahead)
    day = after.astimezone(plan.zone).date()
    found: list[Slot] = []
    while day <= last and len(found) < count:
        chunk = min(7, (last - day).days + 1)
        for day_slots in free_slots(
            plan.name, day, chunk, phone, config=config, now=now, exclude=candidate.replaces
        ):
            found.extend(s for s in day_slots.slots if s.start >= after)
        day += dt.timedelta(days=chunk)
    if found:
        return found[:count]
    # Past the horizon: the latest bookable slots, nearest first.
    day = last
    while day >= first and len(found) < count:
        chunk_start = max(first, day - dt.timedelta(days=6))
        days = free_slots(
            plan.name,
            chunk_start,
            (day - chunk_start).days + 1,
            phone,
            config=config,
            now=now,
            exclude=candidate.replaces,
        )
        for day_slots in reversed(days):
            found.extend(reversed(day_slots.slots))
        day = chunk_start - dt.timedelta(days=1)
    # Collected nearest first (backwards from the horizon); shown in time order.
    return sorted(found[:count], key=lambda slot: slot.start)
