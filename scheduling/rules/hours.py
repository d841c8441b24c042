"""Opening hours of a local date, and wall times resolved in a zone (DST gaps and
repeated hours)."""

import datetime as dt
from zoneinfo import ZoneInfo

from ..display import day_label
from .config import UTC, Periods, SkillPlan
from .violations import Code, Violation


def _day_periods(skill: SkillPlan, day: dt.date) -> tuple[Periods, Violation | None]:
    """Opening periods of one local date, or why the skill is closed all that day."""
    special = skill.special.get(day)
    if special is not None:
        periods, name = special
        if not periods:
            reason = f" ({name})" if name else ""
            return (), Violation(
                "scheduled_at",
                Code.SKILL_CLOSED,
                f"{skill.name} is closed on {day_label(day)}{reason}.",
            )
        return periods, None
    if skill.calendar is not None:
        holiday = skill.calendar.holiday_name(day)
        if holiday:
            return (), Violation(
                "scheduled_at",
                Code.HOLIDAY,
                f"{day_label(day)} is a holiday ({holiday}); {skill.name} is closed.",
            )
    periods = skill.weekly[day.weekday()]
    if not periods:
        return (), Violation(
            "scheduled_at",
            Code.SKILL_CLOSED,
            f"{skill.name} is closed on {day:%A}s.",
        )
    return periods, None


def _continues_after_midnight(skill: SkillPlan, day: dt.date) -> int:
    """Minutes the next day's first period adds when it opens at 00:00."""
    periods, _ = _day_periods(skill, day + dt.timedelta(days=1))
    return periods[0][1] if periods and periods[0][0] == 0 else 0


def _resolve_local(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """Wall time in a zone -> aware datetime (first occurrence); None inside a DST gap."""
    local = naive.replace(tzinfo=zone, fold=0)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive.replace(fold=0):
        return None
    return local


def _jump_instant(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant a DST gap ends, for a wall time the gap swallowed."""
    before = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # read with the new offset
    after = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)  # read with the old offset
    new_offset = after.astimezone(zone).utcoffset()
    minute = dt.timedelta(minutes=1)
    while after - before > minute:  # transitions fall on whole minutes
        middle = before + (after - before) // 2
        if middle.astimezone(zone).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return after
