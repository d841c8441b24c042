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
"""

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.db.models import Prefetch
from django.utils import timezone

from .codes import ViolationCode
from .models import BusinessHours, GlobalRules, Skill, SpecialDay, minutes_of
from .phones import PhoneError, PhoneNumber, PhonePolicy, parse_phone

UTC = dt.UTC
DAY_MINUTES = 24 * 60
# Dates the engine reasons about; far outside any booking horizon, and far enough from
# datetime's own limits that zone arithmetic cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 9000


# The engine's name for the one list of violation codes (scheduling/codes.py).
Code = ViolationCode


# Rules about the moment of booking, not about the time itself: they no longer apply when
# a stored callback is checked again at dial time (`assess(..., booking=False)`).
BOOKING_ONLY = frozenset({Code.IN_PAST, Code.TOO_SOON, Code.TOO_FAR_AHEAD, Code.SLOT_FULL})


@dataclass(frozen=True, slots=True)
class Violation:
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Candidate:
    skill: str
    scheduled_at: dt.datetime | str
    phone_number: str | None = None
    replaces: int | None = None  # id of a stored callback this one would replace


@dataclass(frozen=True, slots=True)
class Slot:
    start: dt.datetime  # UTC
    local: dt.datetime  # in the skill's zone
    capacity: int
    remaining: int


@dataclass(frozen=True, slots=True)
class DaySlots:
    date: dt.date
    slots: list[Slot]
    unavailable: Violation | None = None  # why the whole day is closed, if it is


@dataclass(slots=True)
class Assessment:
    """Everything `evaluate` worked out, so callers need not parse anything again."""

    violations: list[Violation]
    scheduled_at: dt.datetime | None = None  # UTC
    local: dt.datetime | None = None  # skill zone
    phone: PhoneNumber | None = None
    skill: "SkillPlan | None" = None

    @property
    def valid(self) -> bool:
        return not self.violations


# The hook the callbacks app fills: how many pending callbacks of one skill start at
# each time (UTC) in [start, end), as (time, count) pairs, leaving out the callback
# with id `exclude` (the one being rescheduled). The engine buckets them into slots.
SlotUsage = Callable[[int, dt.datetime, dt.datetime, int | None], Iterable[tuple[dt.datetime, int]]]


def _no_usage(
    skill_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
) -> Iterable[tuple[dt.datetime, int]]:
    return ()


_slot_usage: SlotUsage = _no_usage


def register_slot_usage(provider: SlotUsage) -> None:
    """Plug in the counting of stored callbacks (done by the callbacks app on start)."""
    global _slot_usage
    _slot_usage = provider


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    found = holidays_lib.country_holidays(country, subdiv=subdivision or None, years=year)
    if "en_US" in getattr(found, "supported_languages", ()):
        found = holidays_lib.country_holidays(
            country, subdiv=subdivision or None, years=year, language="en_US"
        )
    return dict(found.items())


Periods = tuple[tuple[int, int], ...]  # (opens, closes) in minutes since local midnight


@dataclass(slots=True)
class CalendarPlan:
    country: str
    subdivision: str
    one_off: dict[dt.date, str]
    yearly: dict[tuple[int, int], str]

    @classmethod
    def from_calendar(cls, calendar) -> "CalendarPlan":
        customs = list(calendar.custom_holidays.all())
        return cls(
            country=calendar.country,
            subdivision=calendar.subdivision,
            one_off={c.date: c.name for c in customs if not c.every_year},
            yearly={(c.date.month, c.date.day): c.name for c in customs if c.every_year},
        )

    def holiday_name(self, day: dt.date) -> str | None:
        # Custom names win over the public ones, here and in holidays_in().
        name = self.one_off.get(day) or self.yearly.get((day.month, day.day))
        if name is None and self.country:
            name = _public_holidays(self.country, self.subdivision, day.year).get(day)
        return name

    def holidays_in(self, year: int) -> list[tuple[dt.date, str]]:
        found: dict[dt.date, str] = {}
        if self.country:
            found.update(_public_holidays(self.country, self.subdivision, year))
        for (month, day_of_month), name in self.yearly.items():
            try:
                found[dt.date(year, month, day_of_month)] = name
            except ValueError:  # 29 February in a common year
                continue
        found.update({d: n for d, n in self.one_off.items() if d.year == year})
        return sorted(found.items())


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


# --- formatting helpers for messages a person understands --------------------------


def _hhmm(minutes: int) -> str:
    return "24:00" if minutes == DAY_MINUTES else f"{minutes // 60:02d}:{minutes % 60:02d}"


def _spans(periods: Periods) -> str:
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in periods)


def _day_label(day: dt.date) -> str:
    return f"{day:%A} {day.isoformat()}"


# --- the checks ---------------------------------------------------------------------


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
                f"{skill.name} is closed on {_day_label(day)}{reason}.",
            )
        return periods, None
    if skill.calendar is not None:
        holiday = skill.calendar.holiday_name(day)
        if holiday:
            return (), Violation(
                "scheduled_at",
                Code.HOLIDAY,
                f"{_day_label(day)} is a holiday ({holiday}); {skill.name} is closed.",
            )
    periods = skill.weekly[day.weekday()]
    if not periods:
        return (), Violation(
            "scheduled_at",
            Code.SKILL_CLOSED,
            f"{skill.name} is closed on {day:%A}s.",
        )
    return periods, None


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


def _slot_floor(config: RulesConfig, local: dt.datetime) -> dt.datetime:
    """Naive wall time of the grid line at or before a local time."""
    minute = local.hour * 60 + local.minute
    floor = minute - minute % config.slot_minutes
    return dt.datetime.combine(local.date(), dt.time(floor // 60, floor % 60))


def _slot_start(config: RulesConfig, skill: SkillPlan, local: dt.datetime) -> dt.datetime:
    """UTC start of the grid slot a local time falls in.

    The wall-clock grid decides: both occurrences of a repeated (fall-back) hour share
    the first occurrence's slot, and a slot whose start a spring-forward gap skipped
    starts at the jump.
    """
    naive = _slot_floor(config, local)
    offset = local.utcoffset()
    if offset is not None and local.fold == 0 and skill.zone.utcoffset(naive) == offset:
        # The usual case: no clock change between the slot's start and this time.
        return (naive - offset).replace(tzinfo=UTC)
    start = _resolve_local(naive, skill.zone)
    if start is None:
        return _jump_instant(naive, skill.zone)
    return start.astimezone(UTC)


def _slot_used(
    config: RulesConfig, skill: SkillPlan, local: dt.datetime, exclude: int | None = None
) -> tuple[dt.datetime, int]:
    """(slot start, callbacks in it) for the slot of one local time."""
    start = _slot_start(config, skill, local)
    end_wall = _slot_floor(config, local) + dt.timedelta(minutes=config.slot_minutes)
    # fold=1 reaches the second occurrence of a repeated hour, which shares this slot.
    end = max(
        end_wall.replace(tzinfo=skill.zone, fold=1).astimezone(UTC),
        start + dt.timedelta(minutes=config.slot_minutes),
    )
    return start, _count_usage(config, skill, start, end, exclude)[start]


def _count_usage(
    config: RulesConfig,
    skill: SkillPlan,
    start: dt.datetime,
    end: dt.datetime,
    exclude: int | None = None,
) -> Counter:
    counts: Counter = Counter()
    for scheduled, count in _slot_usage(skill.id, start, end, exclude):
        counts[_slot_start(config, skill, scheduled.astimezone(skill.zone))] += count
    return counts


def _continues_after_midnight(skill: SkillPlan, day: dt.date) -> int:
    """Minutes the next day's first period adds when it opens at 00:00."""
    periods, _ = _day_periods(skill, day + dt.timedelta(days=1))
    return periods[0][1] if periods and periods[0][0] == 0 else 0


def _shown(local: dt.datetime) -> str:
    return f"{local:%Y-%m-%d %H:%M} ({local.tzinfo})"


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
        found.append(Violation("scheduled_at", Code.IN_PAST, f"{_shown(local)} is in the past."))
    elif when < now + config.min_lead:
        lead = int(config.min_lead.total_seconds() // 60)
        found.append(
            Violation(
                "scheduled_at",
                Code.TOO_SOON,
                f"{_shown(local)} is too soon: a callback needs at least {lead} minutes' notice.",
            )
        )
    if (local.date() - today).days > config.max_days_ahead:
        last = today + dt.timedelta(days=config.max_days_ahead)
        found.append(
            Violation(
                "scheduled_at",
                Code.TOO_FAR_AHEAD,
                f"{_shown(local)} is too far ahead: callbacks can be booked up to "
                f"{config.max_days_ahead} days ahead (until {last.isoformat()}).",
            )
        )
    if not config.earliest <= minute < config.latest:
        found.append(
            Violation(
                "scheduled_at",
                Code.OUTSIDE_GLOBAL_WINDOW,
                f"{_shown(local)} is outside the callback hours {_hhmm(config.earliest)}-"
                f"{_hhmm(config.latest)}.",
            )
        )
    if periods:
        closing = next((end for start, end in periods if start <= minute < end), None)
        if closing is None:
            found.append(
                Violation(
                    "scheduled_at",
                    Code.SKILL_CLOSED,
                    f"{skill.name} is closed at {_shown(local)}; on "
                    f"{_day_label(local.date())} it is open {_spans(periods)}.",
                )
            )
        elif closing - minute < config.closing_buffer and not (
            closing == DAY_MINUTES
            and closing + _continues_after_midnight(skill, local.date()) - minute
            >= config.closing_buffer
        ):
            last_start = _hhmm(closing - config.closing_buffer)
            found.append(
                Violation(
                    "scheduled_at",
                    Code.CLOSING_SOON,
                    f"{skill.name} closes at {_hhmm(closing)}; the last callback may start at "
                    f"{last_start}.",
                )
            )
    found.extend(_customer_hours(config, skill, when, phone))
    if used >= config.slot_capacity:
        found.append(
            Violation(
                "scheduled_at",
                Code.SLOT_FULL,
                f"The {config.slot_minutes}-minute slot at {_shown(local)} already has "
                f"{used} callbacks for {skill.name} (capacity {config.slot_capacity}).",
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
            outside.append(f"{there:%H:%M} in {zone.key}")
    if not outside:
        return []
    return [
        Violation(
            "scheduled_at",
            Code.OUTSIDE_CUSTOMER_HOURS,
            f"That is {', '.join(outside)} for the customer; customers are called only "
            f"{_hhmm(config.customer_earliest)}-{_hhmm(config.customer_latest)} their time.",
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


def in_calendar(day: dt.date) -> bool:
    """Whether a date is within the years the engine reasons about."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


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
            Violation("skill", Code.UNKNOWN_SKILL, f"There is no skill named '{candidate.skill}'.")
        )
    elif not skill.enabled:
        found.append(
            Violation("skill", Code.SKILL_DISABLED, f"{skill.name} takes no callbacks now.")
        )

    parsed = _parse_when(candidate.scheduled_at)
    if parsed is None:
        found.append(
            Violation(
                "scheduled_at",
                Code.INVALID_DATETIME,
                f"'{candidate.scheduled_at}' is not a date and time; use e.g. "
                "2026-11-23T10:30 or 2026-11-23T10:30+01:00.",
            )
        )
        return result
    if skill is None:
        if parsed.tzinfo is not None:
            result.scheduled_at = parsed.astimezone(UTC)
        return result

    if parsed.tzinfo is None:
        local = _resolve_local(parsed, skill.zone)
        if local is None:
            found.append(
                Violation(
                    "scheduled_at",
                    Code.INVALID_DATETIME,
                    f"{parsed:%Y-%m-%d %H:%M} does not exist in {skill.zone.key}: the clocks "
                    "jump forward over it for daylight-saving time. Pick a later time.",
                )
            )
            return result
    else:
        local = parsed.astimezone(skill.zone)
    result.local = local
    result.scheduled_at = local.astimezone(UTC)

    periods, closed = _day_periods(skill, local.date())
    if closed is not None:
        found.append(closed)
    used = _slot_used(config, skill, local, candidate.replaces)[1] if booking else 0
    today = now.astimezone(skill.zone).date()
    found.extend(
        _check_instant(
            config, skill, local, result.scheduled_at, periods, result.phone, now, today, used
        )
    )
    if not booking:
        result.violations = [v for v in found if v.code not in BOOKING_ONLY]
    return result


def evaluate(
    candidate: Candidate, *, config: RulesConfig | None = None, now: dt.datetime | None = None
) -> list[Violation]:
    """All violations of a candidate; an empty list means it may be booked."""
    return assess(candidate, config=config, now=now).violations


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
        return Violation("skill", Code.SKILL_DISABLED, f"{plan.name} takes no callbacks now.")
    if day < today:
        return Violation("scheduled_at", Code.IN_PAST, f"{day.isoformat()} is in the past.")
    if (day - today).days > config.max_days_ahead:
        return Violation(
            "scheduled_at",
            Code.TOO_FAR_AHEAD,
            f"{day.isoformat()} is more than {config.max_days_ahead} days ahead.",
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
    """The next `count` free slots at or after the candidate's time.

    A time in a DST gap searches from the jump; a time before now from now; a time past
    the booking horizon gets the last bookable slots before it, so an agent always
    sees the nearest alternatives.
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
    return found[:count]


def holidays_for(calendar, year: int) -> list[tuple[dt.date, str]]:
    """Every closed date of a HolidayCalendar in a year, with names (admin preview)."""
    return CalendarPlan.from_calendar(calendar).holidays_in(year)
