"""The rules engine: may a callback happen at this time, and which times are free?

One code path decides both. `evaluate` checks a single candidate; `free_slots` walks the
slot grid and asks the very same `_day_periods` and `_check_instant` functions, so a
slot offered to an agent always validates and a valid grid time is never withheld.

Configuration is read once into a `RulesConfig` snapshot (a handful of queries); after
that no check touches the database except the slot-usage hook, which the callbacks app
registers to count stored callbacks (one query per evaluation or per slot search).

Time semantics, decided here and documented for administrators:
- A naive datetime is wall time in the skill's zone. A wall time that does not exist
  (skipped by a spring-forward DST change) is `invalid_datetime`; an ambiguous one
  (repeated by a fall-back change) means its FIRST occurrence (fold=0).
- Windows are half-open: 08:00-20:00 admits 08:00 and 19:59, not 20:00.
- The slot grid starts at local midnight in steps of GlobalRules.slot_minutes; a
  callback at 10:07 occupies the 10:00 slot.
- The customer's calling window is read in every time zone of the phone number;
  numbers that phonenumbers cannot place are read in the skill's zone.
- A special day overrides the weekly hours and holidays for its date.

The package, bottom up: `violations` (the codes, in one place), `values` (candidates,
slots, assessments), `calendars` (holidays), `config` (the snapshot), `hours` (a date's
periods, wall times in a zone), `usage` (the slot grid and the slot-usage hook),
`checks` (`assess`, `evaluate`) and `slots` (`free_slots`, `suggest`). Import from
`scheduling.rules`: the names below are its interface.
"""

from ..phones import PhoneError, PhoneNumber, PhonePolicy, parse_phone
from . import usage as _usage
from .calendars import FIRST_YEAR, LAST_YEAR, CalendarPlan, holidays_for, in_calendar
from .checks import assess, evaluate
from .config import DAY_MINUTES, UTC, Periods, RulesConfig, SkillPlan
from .slots import free_slots, suggest
from .usage import SlotUsage, register_slot_usage
from .usage import _no_usage as _no_usage  # the default provider (tests and bench restore it)
from .values import Assessment, Candidate, DaySlots, Slot
from .violations import BOOKING_ONLY, Code, Violation

__all__ = [
    "BOOKING_ONLY",
    "DAY_MINUTES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "UTC",
    "Assessment",
    "CalendarPlan",
    "Candidate",
    "Code",
    "DaySlots",
    "Periods",
    "PhoneError",
    "PhoneNumber",
    "PhonePolicy",
    "RulesConfig",
    "SkillPlan",
    "Slot",
    "SlotUsage",
    "Violation",
    "assess",
    "evaluate",
    "free_slots",
    "holidays_for",
    "in_calendar",
    "parse_phone",
    "register_slot_usage",
    "suggest",
]


def __getattr__(name: str):
    # The provider registered now (it changes at run time, so it is not copied here).
    if name == "_slot_usage":
        return _usage._slot_usage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
