"""Configuration that decides WHEN a callback may happen.

A Skill is what a standard callback is queued to; its BusinessHours (own IANA time zone,
weekly opening periods, special days, a HolidayCalendar) say when it is open.
GlobalRules is one row of limits that apply to every callback. The rules engine
(scheduling.rules) reads all of it at once into a snapshot; nothing here evaluates.

`hours` holds the calendars, business hours and skills; `global_rules` the limits and the
configuration version; `do_not_call` the numbers and prefixes never to call.
"""

from .do_not_call import DoNotCallEntry, DoNotCallKind
from .global_rules import NUMBER_TYPES, GlobalRules, bump_config_version
from .hours import (
    MIDNIGHT,
    BusinessHours,
    CustomHoliday,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    SpecialDay,
    Weekday,
    check_no_overlap,
    check_period,
    minutes_of,
    supported_countries,
    time_zone_choices,
)

__all__ = [
    "MIDNIGHT",
    "NUMBER_TYPES",
    "BusinessHours",
    "CustomHoliday",
    "DoNotCallEntry",
    "DoNotCallKind",
    "GlobalRules",
    "HolidayCalendar",
    "OpeningPeriod",
    "Skill",
    "SpecialDay",
    "Weekday",
    "bump_config_version",
    "check_no_overlap",
    "check_period",
    "minutes_of",
    "supported_countries",
    "time_zone_choices",
]
