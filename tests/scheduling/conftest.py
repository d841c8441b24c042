"""A small fixed cast for the rules engine: the demo configuration, a fixed `now`, a
fake slot-usage provider, and all-day skills for daylight-saving cases.

The cast (`demo`: tests/cast.py, not seed_demo) is Europe/Warsaw: Sales Mon-Fri
08:00-20:00 and Sat 09:00-14:00, Support daily 07:00-22:00, Polish holidays plus a
yearly Christmas Eve, lead 5 min, 30 days ahead, global window 08:00-20:00, 10-min
closing buffer, 15-min slots of 10, customer window 08:00-21:00, default region PL.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import pytest

from scheduling import rules
from scheduling.models import BusinessHours, GlobalRules, OpeningPeriod, Skill, Weekday

UTC = dt.UTC
WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")

# Friday 20 November 2026, 10:00 in Warsaw (winter time, UTC+1).
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def config(demo) -> rules.RulesConfig:
    return rules.RulesConfig.load()


@pytest.fixture
def now() -> dt.datetime:
    return NOW


class FakeUsage:
    """Stands in for the callbacks app: pending callbacks' times, filtered like a query."""

    def __init__(self) -> None:
        self.times: list[dt.datetime] = []
        self.calls: list[tuple[int, dt.datetime, dt.datetime]] = []

    def add(self, when: dt.datetime, count: int = 1) -> None:
        self.times.extend([when.astimezone(UTC)] * count)

    def __call__(
        self, skill_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
    ) -> Iterable:
        self.calls.append((skill_id, start, end))
        return [(t, 1) for t in self.times if start <= t < end]


@pytest.fixture
def usage() -> Iterable[FakeUsage]:
    previous = rules._slot_usage
    fake = FakeUsage()
    rules.register_slot_usage(fake)
    yield fake
    rules.register_slot_usage(previous)


@pytest.fixture
def no_usage() -> Iterable[None]:
    """The engine's own default provider, whatever another app registered."""
    previous = rules._slot_usage
    rules.register_slot_usage(rules._no_usage)
    yield
    rules.register_slot_usage(previous)


def add_skill(
    name: str,
    zone: str,
    week: dict[int, list[tuple[dt.time, dt.time]]],
    calendar=None,
) -> Skill:
    hours = BusinessHours.objects.create(
        name=f"{name} hours", time_zone=zone, holiday_calendar=calendar
    )
    for weekday, spans in week.items():
        for opens, closes in spans:
            OpeningPeriod.objects.create(
                business_hours=hours, weekday=weekday, opens=opens, closes=closes
            )
    return Skill.objects.create(name=name, business_hours=hours)


ALL_DAY = {day: [(dt.time(0), dt.time(0))] for day in Weekday.values}


def update_rules(**changes) -> rules.RulesConfig:
    """Save GlobalRules with changes (validated) and return a fresh config."""
    global_rules = GlobalRules.load()
    for name, value in changes.items():
        setattr(global_rules, name, value)
    global_rules.full_clean()
    global_rules.save()
    return rules.RulesConfig.load()


@pytest.fixture
def round_the_clock(demo) -> Callable[..., rules.RulesConfig]:
    """Skills open all day, every day, in Warsaw and New York (no holidays), and
    GlobalRules that let any time of day through: for daylight-saving cases."""
    add_skill("Warsaw all day", "Europe/Warsaw", ALL_DAY)
    add_skill("New York all day", "America/New_York", ALL_DAY)

    def load(**changes) -> rules.RulesConfig:
        defaults = {
            "earliest_time": dt.time(0),
            "latest_time": dt.time(0),
            "customer_earliest_time": dt.time(0),
            "customer_latest_time": dt.time(0),
            "max_days_ahead": 366,
        }
        return update_rules(**(defaults | changes))

    return load


def codes(violations: list[rules.Violation]) -> list[str]:
    return [v.code for v in violations]


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)
