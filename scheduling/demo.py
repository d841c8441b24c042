"""Demo scheduling configuration (used by the seed_demo command). Idempotent.

Europe/Warsaw; calendar "Poland" (PL public holidays + Christmas Eve every year);
skill "Sales" Mon-Fri 08:00-20:00 and Sat 09:00-14:00; "Support" every day
07:00-22:00; the global rules of the customer's design.
"""

import datetime as dt

from .models import (
    BusinessHours,
    CustomHoliday,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    Weekday,
    bump_config_version,
)

WARSAW = "Europe/Warsaw"
SALES_WEEK = {day: [(8, 20)] for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1)} | {
    Weekday.SATURDAY: [(9, 14)]
}
SUPPORT_WEEK = {day: [(7, 22)] for day in Weekday.values}
DEMO_SKILLS = ("Sales", "Support")


def load_scheduling_demo() -> dict[str, Skill]:
    """The demo configuration, loaded once: when its skills exist, what administrators
    changed since (hours, rules) is kept, so `make run` can be restarted safely."""
    existing = {skill.name: skill for skill in Skill.objects.filter(name__in=DEMO_SKILLS)}
    if len(existing) == len(DEMO_SKILLS):
        return existing
    poland, _ = HolidayCalendar.objects.update_or_create(
        name="Poland", defaults={"country": "PL", "subdivision": ""}
    )
    CustomHoliday.objects.update_or_create(
        calendar=poland,
        name="Christmas Eve",
        defaults={"date": dt.date(2000, 12, 24), "every_year": True},
    )
    skills = {
        "Sales": _skill("Sales", _hours("Sales hours", SALES_WEEK, poland)),
        "Support": _skill("Support", _hours("Support hours", SUPPORT_WEEK, poland)),
    }
    _rules()
    bump_config_version()  # the periods went in with bulk_create, which sends no signal
    return skills


def _hours(name: str, week: dict, calendar: HolidayCalendar) -> BusinessHours:
    hours, _ = BusinessHours.objects.update_or_create(
        name=name, defaults={"time_zone": WARSAW, "holiday_calendar": calendar}
    )
    hours.periods.all().delete()
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(
            business_hours=hours,
            weekday=day,
            opens=dt.time(opens),
            closes=dt.time(closes % 24),
        )
        for day, spans in week.items()
        for opens, closes in spans
    )
    return hours


def _skill(name: str, hours: BusinessHours) -> Skill:
    skill, _ = Skill.objects.update_or_create(
        name=name, defaults={"business_hours": hours, "enabled": True}
    )
    return skill


def _rules() -> None:
    rules = GlobalRules.load()
    rules.min_lead_minutes = 5
    rules.max_days_ahead = 30
    rules.earliest_time = dt.time(8)
    rules.latest_time = dt.time(20)
    rules.closing_buffer_minutes = 10
    rules.slot_minutes = 15
    rules.slot_capacity = 10
    rules.customer_earliest_time = dt.time(8)
    rules.customer_latest_time = dt.time(21)
    rules.default_region = "PL"
    rules.full_clean()
    rules.save()
