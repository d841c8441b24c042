"""The configuration snapshot: global rules read fresh, skills with their parsed hours
reused while the configuration version holds."""

import datetime as dt
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from ..models import BusinessHours, GlobalRules, Skill, SpecialDay, minutes_of
from ..phones import PhonePolicy
from .calendars import CalendarPlan

UTC = dt.UTC


DAY_MINUTES = 24 * 60


Periods = tuple[tuple[int, int], ...]  # (opens, closes) in minutes since local midnight


@dataclass(slots=True)
class SkillPlan:
    id: int
    name: str
    enabled: bool
    zone: ZoneInfo
    weekly: tuple[Periods, ...]  # index 0 = Monday
    special: dict[dt.date, tuple[Periods, str]]
    calendar: CalendarPlan | None


@dataclass(slots=True)
class RulesConfig:
    """A snapshot of all configuration the engine needs; load once per request/batch."""

    earliest: int
    latest: int
    min_lead: dt.timedelta
    max_days_ahead: int
    closing_buffer: int
    slot_minutes: int
    slot_capacity: int
    customer_earliest: int
    customer_latest: int
    max_pending_per_number: int
    phone_policy: PhonePolicy
    skills: dict[str, SkillPlan]
    _zones: dict[str, ZoneInfo] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "RulesConfig":
        """Global rules read fresh (one query); skills and hours rebuilt only when the
        configuration version changed (or, as a safety net, after a minute)."""
        rules = GlobalRules.load()
        return cls(
            earliest=minutes_of(rules.earliest_time),
            latest=minutes_of(rules.latest_time, closing=True),
            min_lead=dt.timedelta(minutes=rules.min_lead_minutes),
            max_days_ahead=rules.max_days_ahead,
            closing_buffer=rules.closing_buffer_minutes,
            slot_minutes=rules.slot_minutes,
            slot_capacity=rules.slot_capacity,
            customer_earliest=minutes_of(rules.customer_earliest_time),
            customer_latest=minutes_of(rules.customer_latest_time, closing=True),
            max_pending_per_number=rules.max_pending_per_number,
            phone_policy=PhonePolicy.from_rules(rules),
            skills=_skill_plans(rules.config_version),
        )

    def zone(self, name: str) -> ZoneInfo:
        zone = self._zones.get(name)
        if zone is None:
            zone = self._zones[name] = ZoneInfo(name)
        return zone


_PLANS_MAX_AGE = 60.0  # seconds; bounds staleness after changes that sent no signal


_plans_cache: tuple[str, float, dict[str, "SkillPlan"]] | None = None


def _skill_plans(version: str) -> dict[str, "SkillPlan"]:
    """Skills with their parsed hours, reused while the configuration version holds."""
    global _plans_cache
    cached = _plans_cache
    if cached and cached[0] == version and time.monotonic() - cached[1] < _PLANS_MAX_AGE:
        return cached[2]
    hours = BusinessHours.objects.select_related("holiday_calendar").prefetch_related(
        "periods",
        Prefetch("special_days", queryset=SpecialDay.objects.order_by("date")),
        "holiday_calendar__custom_holidays",
    )
    plans = {bh.pk: _business_hours_plan(bh) for bh in hours}
    skills = {
        skill.name: SkillPlan(skill.pk, skill.name, skill.enabled, *plans[skill.business_hours_id])
        for skill in Skill.objects.all()
    }
    _plans_cache = (version, time.monotonic(), skills)
    return skills


def _merged(spans: list[tuple[int, int]]) -> Periods:
    """Sorted union of periods: 08:00-12:00 + 12:00-16:00 is one period 08:00-16:00, so
    the closing buffer applies only where the skill really closes."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _business_hours_plan(
    bh: BusinessHours,
) -> tuple[ZoneInfo, tuple[Periods, ...], dict, CalendarPlan | None]:
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for period in bh.periods.all():
        weekly[period.weekday].append(
            (minutes_of(period.opens), minutes_of(period.closes, closing=True))
        )
    special = {
        day.date: (
            ()
            if day.closed or day.opens is None or day.closes is None
            else ((minutes_of(day.opens), minutes_of(day.closes, closing=True)),),
            day.name,
        )
        for day in bh.special_days.all()
    }
    calendar = None
    if bh.holiday_calendar is not None:
        calendar = CalendarPlan.from_calendar(bh.holiday_calendar)
    return ZoneInfo(bh.time_zone), tuple(_merged(p) for p in weekly), special, calendar
