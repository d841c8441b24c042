"""The tests' own cast: the configuration every test relies on, built here and not by
seed_demo, so the demo data can change without breaking tests.

It has the same names and values the demo had when the tests were written (the tests
assert them):

- Europe/Warsaw; holiday calendar "Poland" (country PL: Polish public holidays) with a
  yearly "Christmas Eve" (24 December);
- skill "Sales" ("Sales hours": Mon-Fri 08:00-20:00, Sat 09:00-14:00) and skill
  "Support" ("Support hours": every day 07:00-22:00), both on that calendar;
- global rules: lead 5 min, 30 days ahead, window 08:00-20:00, 10-min closing buffer,
  15-min slots of 10, customer window 08:00-21:00, default region PL;
- campaigns Callback_Main (UCCX campaign 1, presented +48221111111, no external script)
  and Callback_Premium (UCCX campaign 2, presented +48222222222, script
  PremiumCustomerLookup.aef), home region PL, fallback skill Support.

Plus API keys (`api_key`; tests/conftest.py's `gadget_key` and `ivr_key` use it), the fixed
moments (`NOW`, `MONDAY_10`), fresh phone numbers, and the UCCX simulator's
credentials and contact rows. Plain functions: nothing here needs factory_boy. Users
are not in it: seed_demo made none for the tests either, and each test that logs in
makes its own (superuser, staff with permissions) next to its assertions.

tests/callbacks/test_commands.py checks that seed_demo itself still loads the demo.
"""

import datetime as dt
import itertools

from callbacks.models import ApiKey, ApiScope, CallbackCampaign
from scheduling.models import (
    BusinessHours,
    CustomHoliday,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    Weekday,
    bump_config_version,
)
from uccx_integration.client import ContactRow

# Friday 20 November 2026, 10:00 in Warsaw (winter time, UTC+1).
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
# Monday 23 November 2026, 10:00 in Warsaw: open for Sales and Support.
MONDAY_10 = "2026-11-23T10:00"

WARSAW = "Europe/Warsaw"
SALES_WEEK = {day: (8, 20) for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1)} | {
    Weekday.SATURDAY: (9, 14)
}
SUPPORT_WEEK = {day: (7, 22) for day in Weekday.values}
RULES = {
    "min_lead_minutes": 5,
    "max_days_ahead": 30,
    "earliest_time": dt.time(8),
    "latest_time": dt.time(20),
    "closing_buffer_minutes": 10,
    "slot_minutes": 15,
    "slot_capacity": 10,
    "customer_earliest_time": dt.time(8),
    "customer_latest_time": dt.time(21),
    "default_region": "PL",
}
CAMPAIGNS = {
    "Callback_Main": {"uccx_campaign_id": 1, "presented_number": "+48221111111"},
    "Callback_Premium": {
        "uccx_campaign_id": 2,
        "presented_number": "+48222222222",
        "external_script": "PremiumCustomerLookup.aef",
    },
}

# The UCCX simulator's administrator (tests/conftest.py: `simulator`).
UCCX_USERNAME = "administrator"
UCCX_PASSWORD = "s3cret"

_numbers = itertools.count(1)


def next_phone() -> str:
    """A valid Warsaw fixed-line number not used before in this test run (+48225...)."""
    return f"+48225{next(_numbers) % 1_000_000:06d}"


def holidays() -> HolidayCalendar:
    poland = HolidayCalendar.objects.create(name="Poland", country="PL", subdivision="")
    CustomHoliday.objects.create(
        calendar=poland, name="Christmas Eve", date=dt.date(2000, 12, 24), every_year=True
    )
    return poland


def business_hours(name: str, week: dict[int, tuple[int, int]], calendar) -> BusinessHours:
    hours = BusinessHours.objects.create(name=name, time_zone=WARSAW, holiday_calendar=calendar)
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(business_hours=hours, weekday=day, opens=dt.time(o), closes=dt.time(c))
        for day, (o, c) in week.items()
    )
    return hours


def global_rules() -> GlobalRules:
    rules = GlobalRules.load()
    for field, value in RULES.items():
        setattr(rules, field, value)
    rules.full_clean()
    rules.save()
    return rules


def load() -> dict[str, Skill]:
    """The configuration above (on an empty database); returns the skills by name."""
    calendar = holidays()
    skills = {
        "Sales": Skill.objects.create(
            name="Sales", business_hours=business_hours("Sales hours", SALES_WEEK, calendar)
        ),
        "Support": Skill.objects.create(
            name="Support",
            business_hours=business_hours("Support hours", SUPPORT_WEEK, calendar),
        ),
    }
    global_rules()
    for name, fields in CAMPAIGNS.items():
        CallbackCampaign.objects.create(
            name=name, home_region="PL", fallback_skill=skills["Support"], **fields
        )
    bump_config_version()  # the periods went in with bulk_create, which sends no signal
    return skills


def api_key(scope: str = ApiScope.GADGET, name: str | None = None) -> tuple[ApiKey, str]:
    """A new API key of `scope`: (the stored row, the key in clear)."""
    return ApiKey.objects.create_key(name=name or f"Test {scope}", scope=scope)


def contact(n: int, **fields) -> ContactRow:
    """The n-th contact row of a test import (account CB..., phone 0048221...)."""
    return ContactRow(**{"account_number": f"CB{n:010d}", "phone1": f"0048221{n:06d}", **fields})
