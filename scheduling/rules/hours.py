"""Opening hours of a local date, and wall times resolved in a zone (DST gaps and
repeated hours)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..display import day_label
from .config import UTC, Periods, SkillPlan
from .violations import Code, Violation

# "closed on Sundays": a weekday in the plural, each translated whole.
EVERY_WEEKDAY = (
    gettext_lazy("Mondays"),
    gettext_lazy("Tuesdays"),
    gettext_lazy("Wednesdays"),
    gettext_lazy("Thursdays"),
    gettext_lazy("Fridays"),
    gettext_lazy("Saturdays"),
    gettext_lazy("Sundays"),
)


def _day_periods(skill: SkillPlan, day: dt.date) -> tuple[Periods, Violation | None]:
    """Opening periods of one local date, or why the skill is closed all that day."""
    special = skill.special.get(day)
    if special is not None:
        periods, name = special
        if not periods:
            return (), Violation(
                "scheduled_at",
                Code.SKILL_CLOSED,
                (
                    _("%(skill)s is closed on %(day)s (%(reason)s).")
                    if name
                    else _("%(skill)s is closed on %(day)s.")
                )
                % {"skill": skill.name, "day": day_label(day), "reason": name},
            )
        return periods, None
    if skill.calendar is not None:
        holiday = skill.calendar.holiday_name(day)
        if holiday:
            return (), Violation(
                "scheduled_at",
                Code.HOLIDAY,
                _("%(day)s is a holiday (%(holiday)s); %(skill)s is closed.")
                % {"day": day_label(day), "holiday": holiday, "skill": skill.name},
            )
    periods = skill.weekly[day.weekday()]
    if not periods:
        return (), Violation(
            "scheduled_at",
            Code.SKILL_CLOSED,
            _("%(skill)s is closed on %(weekdays)s.")
            % {"skill": skill.name, "weekdays": EVERY_WEEKDAY[day.weekday()]},
        )
    return periods, None


def _continues_after_midnight(skill: SkillPlan, day: dt.date) -> int:
    """Minutes the next day's first period adds when it opens at 00:00."""
    periods, _closed = _day_periods(skill, day + dt.timedelta(days=1))
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
