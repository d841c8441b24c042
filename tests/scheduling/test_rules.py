"""The rules engine: every violation code with a case that triggers it and a near case
that does not, time semantics (naive/aware, DST), holidays, special days, and the
promise that configuration is read once.

Dates used most: Friday 2026-11-20 10:00 Warsaw is `now`; Sat 21, Sun 22, Mon 23 Nov.
"""

import dataclasses
import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling import rules
from scheduling.models import (
    BusinessHours,
    CustomHoliday,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    SpecialDay,
    Weekday,
    bump_config_version,
)
from scheduling.rules import Candidate, assess, evaluate, free_slots

from .conftest import NOW, UTC, WARSAW, add_skill, codes, local, update_rules

US_NUMBER = "+1 212 736 5000"  # America/New_York
TOKYO_NUMBER = "+81 3 3201 3331"  # Asia/Tokyo
PL_NUMBER = "+48 22 123 45 67"
# Before both DST changes of 2026/2027 used below; with max_days_ahead 366 all are bookable.
DST_NOW = dt.datetime(2026, 10, 1, tzinfo=UTC)


def check(config, now, skill, when, phone=None) -> list[str]:
    return codes(evaluate(Candidate(skill, when, phone), config=config, now=now))


def only(config, now, skill, when, phone=None) -> rules.Violation:
    violations = evaluate(Candidate(skill, when, phone), config=config, now=now)
    assert len(violations) == 1, violations
    return violations[0]


# --- invalid_datetime ---------------------------------------------------------------


def test_it_rejects_text_that_is_not_a_datetime(config, now):
    violation = only(config, now, "Support", "next tuesday at ten")

    assert violation.code == "invalid_datetime"
    assert violation.field == "scheduled_at"
    assert "next tuesday at ten" in violation.message


def test_it_accepts_an_iso_datetime_string(config, now):
    assert check(config, now, "Support", "2026-11-23T10:30") == []
    assert check(config, now, "Support", "2026-11-23T10:30:00+01:00") == []


@pytest.mark.parametrize("wall", ["2027-03-28T02:00", "2027-03-28T02:30", "2027-03-28T02:59"])
def test_it_rejects_a_wall_time_skipped_by_daylight_saving_in_warsaw(round_the_clock, wall):
    violation = only(round_the_clock(), DST_NOW, "Warsaw all day", wall)

    assert violation.code == "invalid_datetime"
    assert "daylight-saving" in violation.message
    assert "Europe/Warsaw" in violation.message
    assert f"read it as 03:{wall[-2:]}" in violation.message


def test_it_reports_a_gap_times_holiday_horizon_and_hours_too(config, now):
    # 2027-03-28 02:30 Warsaw: skipped by DST, Easter Sunday, 128 days ahead (30 allowed),
    # and (read as 03:30, after the jump) before the 08:00 window: all in one answer.
    result = assess(Candidate("Support", "2027-03-28T02:30"), config=config, now=now)

    assert codes(result.violations) == [
        "invalid_datetime",
        "holiday",
        "too_far_ahead",
        "outside_global_window",
    ]
    assert (result.scheduled_at, result.local) == (None, None)  # never stored


def test_it_reports_a_gap_times_other_rules_in_new_york_too(round_the_clock):
    # 2027-03-14 02:30 New York does not exist; with a 30-day horizon it is also too far.
    config = round_the_clock(max_days_ahead=30)
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    assert check(config, now, "New York all day", "2027-03-14T02:30") == [
        "invalid_datetime",
        "too_far_ahead",
    ]
    assert check(round_the_clock(), now, "New York all day", "2027-03-14T02:30") == [
        "invalid_datetime"
    ]


@pytest.mark.parametrize("wall", ["2027-03-28T01:59", "2027-03-28T03:00"])
def test_it_accepts_the_wall_times_around_the_warsaw_gap(round_the_clock, wall):
    config = round_the_clock()

    assert check(config, DST_NOW, "Warsaw all day", wall) == []


# --- in_past / too_soon -------------------------------------------------------------


def test_it_rejects_a_time_in_the_past(config, now):
    violation = only(config, now, "Support", now - dt.timedelta(minutes=1))

    assert violation.code == "in_past"


def test_it_calls_now_itself_too_soon_not_past(config, now):
    assert check(config, now, "Support", now) == ["too_soon"]


def test_it_rejects_a_time_inside_the_lead_time(config, now):
    violation = only(config, now, "Support", now + dt.timedelta(minutes=4))

    assert violation.code == "too_soon"
    assert "5 minutes" in violation.message


def test_it_accepts_a_time_exactly_at_the_lead_time(config, now):
    assert check(config, now, "Support", now + dt.timedelta(minutes=5)) == []


# --- too_far_ahead ------------------------------------------------------------------


def test_it_accepts_the_last_day_ahead(config, now):
    assert check(config, now, "Support", "2026-12-20T10:00") == []  # day 30


def test_it_rejects_the_day_after_the_last_day_ahead(config, now):
    violation = only(config, now, "Support", "2026-12-21T10:00")  # day 31

    assert violation.code == "too_far_ahead"
    assert "2026-12-20" in violation.message


def test_it_counts_days_ahead_in_the_skills_zone(config):
    # 23:30 UTC on Friday is already Saturday 00:30 in Warsaw: day 30 is 21 December.
    late_friday = dt.datetime(2026, 11, 20, 23, 30, tzinfo=UTC)

    assert check(config, late_friday, "Support", "2026-12-21T10:00") == []
    assert check(config, late_friday, "Support", "2026-12-22T10:00") == ["too_far_ahead"]


# --- outside_global_window ----------------------------------------------------------


def test_it_accepts_the_last_minute_of_the_global_window(config, now):
    assert check(config, now, "Support", "2026-11-23T19:59") == []


def test_it_rejects_the_end_of_the_global_window(config, now):
    violation = only(config, now, "Support", "2026-11-23T20:00")  # Support is open until 22

    assert violation.code == "outside_global_window"
    assert "08:00-20:00" in violation.message


def test_it_rejects_a_time_before_the_global_window_while_the_skill_is_open(config, now):
    assert check(config, now, "Support", "2026-11-23T07:59") == ["outside_global_window"]


def test_it_accepts_the_start_of_the_global_window(config, now):
    assert check(config, now, "Support", "2026-11-23T08:00") == []


# --- skill_closed / closing_soon ----------------------------------------------------


def test_it_rejects_a_day_the_skill_never_opens(config, now):
    violation = only(config, now, "Sales", "2026-11-22T10:00")  # Sunday

    assert violation.code == "skill_closed"
    assert "Sundays" in violation.message


def test_it_accepts_the_neighbouring_open_day(config, now):
    assert check(config, now, "Sales", "2026-11-21T10:00") == []  # Saturday


def test_it_rejects_the_closing_time_itself(config, now):
    found = check(config, now, "Sales", "2026-11-23T20:00")

    assert sorted(found) == ["outside_global_window", "skill_closed"]


def test_it_rejects_a_saturday_after_the_shorter_hours(config, now):
    violation = only(config, now, "Sales", "2026-11-21T14:00")

    assert violation.code == "skill_closed"
    assert "09:00-14:00" in violation.message


def test_it_rejects_a_saturday_before_the_later_opening(config, now):
    assert check(config, now, "Sales", "2026-11-21T08:59") == ["skill_closed"]


def test_it_accepts_the_last_start_before_the_closing_buffer(config, now):
    assert check(config, now, "Sales", "2026-11-23T19:50") == []
    assert check(config, now, "Sales", "2026-11-21T13:50") == []


def test_it_rejects_a_start_inside_the_closing_buffer(config, now):
    violation = only(config, now, "Sales", "2026-11-23T19:51")

    assert violation.code == "closing_soon"
    assert "last callback may start at 19:50" in violation.message
    assert check(config, now, "Sales", "2026-11-21T13:51") == ["closing_soon"]


# --- holiday ------------------------------------------------------------------------

PUBLIC_HOLIDAYS = [
    (dt.date(2026, 4, 6), "Easter Monday"),
    (dt.date(2027, 3, 29), "Easter Monday"),
    (dt.date(2028, 4, 17), "Easter Monday"),
    (dt.date(2026, 6, 4), "Corpus Christi"),
    (dt.date(2027, 5, 27), "Corpus Christi"),
    (dt.date(2028, 6, 15), "Corpus Christi"),
]


def shortly_before(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day - dt.timedelta(days=3), dt.time(9), tzinfo=UTC)


@pytest.mark.parametrize(("day", "name"), PUBLIC_HOLIDAYS, ids=str)
def test_it_closes_on_moving_public_holidays(config, day, name):
    violation = only(config, shortly_before(day), "Sales", f"{day}T10:00")

    assert violation.code == "holiday"
    assert name in violation.message


@pytest.mark.parametrize(("day", "name"), PUBLIC_HOLIDAYS, ids=str)
def test_it_opens_the_day_after_a_moving_public_holiday(config, day, name):
    after = day + dt.timedelta(days=1)

    assert check(config, shortly_before(day), "Sales", f"{after}T10:00") == []


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_it_closes_on_the_yearly_christmas_eve(config, year):
    eve = dt.date(year, 12, 24)

    violation = only(config, shortly_before(eve), "Support", f"{eve}T10:00")

    assert violation.code == "holiday"
    assert "Christmas Eve" in violation.message
    assert check(config, shortly_before(eve), "Support", f"{year}-12-23T10:00") == []


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2031])
def test_it_repeats_a_yearly_custom_holiday_every_year(demo, year):
    poland = HolidayCalendar.objects.get(name="Poland")
    CustomHoliday.objects.create(
        calendar=poland, date=dt.date(2001, 9, 15), name="Founders' Day", every_year=True
    )
    config = rules.RulesConfig.load()
    day = dt.date(year, 9, 15)

    violation = only(config, shortly_before(day), "Support", f"{day}T10:00")

    assert violation.code == "holiday"
    assert "Founders' Day" in violation.message
    assert check(config, shortly_before(day), "Support", f"{year}-09-16T10:00") == []


def test_it_closes_a_one_off_custom_holiday_only_in_its_year(demo):
    poland = HolidayCalendar.objects.get(name="Poland")
    CustomHoliday.objects.create(calendar=poland, date=dt.date(2027, 2, 10), name="Stocktaking")
    config = rules.RulesConfig.load()
    this_year, next_year = dt.date(2027, 2, 10), dt.date(2028, 2, 10)

    assert check(config, shortly_before(this_year), "Support", f"{this_year}T10:00") == ["holiday"]
    assert check(config, shortly_before(next_year), "Support", f"{next_year}T10:00") == []


def test_it_reports_a_holiday_for_the_whole_day_in_free_slots(config):
    day = dt.date(2027, 3, 29)

    (result,) = free_slots("Sales", day, config=config, now=shortly_before(day))

    assert result.slots == []
    assert result.unavailable.code == "holiday"
    assert "Easter Monday" in result.unavailable.message


# --- special days -------------------------------------------------------------------


def special_day(skill: str, day: dt.date, **fields) -> None:
    hours = Skill.objects.get(name=skill).business_hours
    SpecialDay.objects.create(business_hours=hours, date=day, **fields)


def test_it_opens_a_special_sunday(demo, now):
    special_day(
        "Sales", dt.date(2026, 11, 29), name="Advent fair", opens=dt.time(10), closes=dt.time(12)
    )
    config = rules.RulesConfig.load()

    assert check(config, now, "Sales", "2026-11-29T10:00") == []
    assert check(config, now, "Sales", "2026-11-29T11:50") == []
    assert check(config, now, "Sales", "2026-11-29T11:51") == ["closing_soon"]
    assert check(config, now, "Sales", "2026-11-29T09:59") == ["skill_closed"]


def test_it_rejects_the_end_of_special_hours_naming_them(demo, now):
    special_day(
        "Sales", dt.date(2026, 11, 29), name="Advent fair", opens=dt.time(10), closes=dt.time(12)
    )
    config = rules.RulesConfig.load()

    violation = only(config, now, "Sales", "2026-11-29T12:00")

    assert violation.code == "skill_closed"
    assert "10:00-12:00" in violation.message


def test_it_closes_a_special_closed_monday(demo, now):
    special_day("Sales", dt.date(2026, 11, 30), name="Stocktaking", closed=True)
    config = rules.RulesConfig.load()

    violation = only(config, now, "Sales", "2026-11-30T10:00")

    assert violation.code == "skill_closed"
    assert "Stocktaking" in violation.message
    assert check(config, now, "Sales", "2026-12-01T10:00") == []
    assert check(config, now, "Support", "2026-11-30T10:00") == []  # other hours untouched


def test_it_lets_a_special_day_open_a_holiday(demo):
    special_day(
        "Sales", dt.date(2026, 12, 24), name="Gift line", opens=dt.time(9), closes=dt.time(13)
    )
    config = rules.RulesConfig.load()
    before = dt.datetime(2026, 12, 20, 9, tzinfo=UTC)

    assert check(config, before, "Sales", "2026-12-24T10:00") == []
    assert check(config, before, "Sales", "2026-12-24T14:00") == ["skill_closed"]
    assert check(config, before, "Support", "2026-12-24T10:00") == ["holiday"]
    (day,) = free_slots("Sales", dt.date(2026, 12, 24), config=config, now=before)
    assert [s.local.strftime("%H:%M") for s in (day.slots[0], day.slots[-1])] == [
        "09:00",
        "12:45",
    ]


# --- outside_customer_hours ---------------------------------------------------------


def test_it_rejects_a_time_before_the_customers_morning(config, now):
    violation = only(config, now, "Support", "2026-11-23T13:59", US_NUMBER)

    assert violation.code == "outside_customer_hours"
    assert "07:59 in America/New_York" in violation.message


def test_it_accepts_the_customers_first_minute(config, now):
    assert check(config, now, "Support", "2026-11-23T14:00", US_NUMBER) == []


def test_it_rejects_the_end_of_the_customers_evening(config, now):
    assert check(config, now, "Support", "2026-11-23T12:59", TOKYO_NUMBER) == []
    assert check(config, now, "Support", "2026-11-23T13:00", TOKYO_NUMBER) == [
        "outside_customer_hours"
    ]


def test_it_offers_only_slots_inside_the_customers_window(config, now):
    phone = rules.parse_phone(US_NUMBER, config.phone_policy)

    (day,) = free_slots("Support", dt.date(2026, 11, 23), phone=phone, config=config, now=now)

    assert day.slots[0].local.strftime("%H:%M") == "14:00"
    assert day.slots[-1].local.strftime("%H:%M") == "19:45"


# --- slot_full ----------------------------------------------------------------------


def test_it_accepts_a_slot_with_one_place_left(config, now, usage):
    usage.add(local(WARSAW, 2026, 11, 23, 10, 0), 9)

    assert check(config, now, "Sales", "2026-11-23T10:00") == []


def test_it_rejects_a_full_slot_counting_a_callback_inside_it(config, now, usage):
    usage.add(local(WARSAW, 2026, 11, 23, 10, 0), 9)
    usage.add(local(WARSAW, 2026, 11, 23, 10, 7))  # 10:07 occupies the 10:00 slot

    violation = only(config, now, "Sales", "2026-11-23T10:00")

    assert violation.code == "slot_full"
    assert "capacity 10" in violation.message
    assert check(config, now, "Sales", "2026-11-23T10:14") == ["slot_full"]


def test_it_accepts_the_neighbouring_slots_of_a_full_one(config, now, usage):
    usage.add(local(WARSAW, 2026, 11, 23, 10, 7), 10)

    assert check(config, now, "Sales", "2026-11-23T09:59") == []
    assert check(config, now, "Sales", "2026-11-23T10:15") == []


def test_it_counts_usage_per_skill(config, now, usage):
    sales_id = config.skills["Sales"].id
    usage.add(local(WARSAW, 2026, 11, 23, 10, 0), 10)

    check(config, now, "Sales", "2026-11-23T10:00")

    assert {skill_id for skill_id, _, _ in usage.calls} == {sales_id}


def test_it_shows_remaining_capacity_and_hides_full_slots(config, now, usage):
    usage.add(local(WARSAW, 2026, 11, 23, 10, 0), 3)
    usage.add(local(WARSAW, 2026, 11, 23, 10, 29), 10)

    (day,) = free_slots("Sales", dt.date(2026, 11, 23), config=config, now=now)

    by_time = {s.local.strftime("%H:%M"): s for s in day.slots}
    assert (by_time["10:00"].capacity, by_time["10:00"].remaining) == (10, 7)
    assert "10:15" not in by_time
    assert by_time["10:30"].remaining == 10


# --- unknown_skill / skill_disabled -------------------------------------------------


def test_it_rejects_an_unknown_skill(config, now):
    violation = only(config, now, "Marketing", "2026-11-23T10:00")

    assert (violation.field, violation.code) == ("skill", "unknown_skill")
    assert "Marketing" in violation.message


def test_it_rejects_a_disabled_skill(demo, now):
    Skill.objects.filter(name="Support").update(enabled=False)
    bump_config_version()
    config = rules.RulesConfig.load()

    violation = only(config, now, "Support", "2026-11-23T10:00")

    assert (violation.field, violation.code) == ("skill", "skill_disabled")
    assert check(config, now, "Sales", "2026-11-23T10:00") == []


def test_it_offers_no_slots_for_a_disabled_skill(demo, now):
    Skill.objects.filter(name="Support").update(enabled=False)
    bump_config_version()
    config = rules.RulesConfig.load()

    days = free_slots("Support", dt.date(2026, 11, 23), 2, config=config, now=now)

    assert [(d.slots, d.unavailable.code) for d in days] == [([], "skill_disabled")] * 2


# --- invalid_phone / phone_not_allowed ----------------------------------------------


def test_it_rejects_an_invalid_phone(config, now):
    violation = only(config, now, "Sales", "2026-11-23T10:00", "12")

    assert (violation.field, violation.code) == ("phone_number", "invalid_phone")


def test_it_accepts_a_valid_phone(config, now):
    assert check(config, now, "Sales", "2026-11-23T10:00", PL_NUMBER) == []


def test_it_rejects_a_phone_outside_the_allowed_regions(demo, now):
    config = update_rules(allowed_regions="PL")

    violation = only(config, now, "Support", "2026-11-23T15:00", US_NUMBER)

    assert (violation.field, violation.code) == ("phone_number", "phone_not_allowed")
    assert check(config, now, "Support", "2026-11-23T15:00", PL_NUMBER) == []


# --- several rules, zones -----------------------------------------------------------


def test_it_returns_every_violation_at_once(config, now):
    # Sunday (Sales closed), 07:00 (before the window), day 37 (too far), bad phone.
    found = check(config, now, "Sales", "2026-12-27T07:00", "not a number")

    assert sorted(found) == [
        "invalid_phone",
        "outside_global_window",
        "skill_closed",
        "too_far_ahead",
    ]


def test_it_respects_an_aware_datetime(config, now):
    result = assess(Candidate("Sales", "2026-11-23T10:00+00:00"), config=config, now=now)

    assert result.scheduled_at == dt.datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert result.local == local(WARSAW, 2026, 11, 23, 11, 0)
    assert result.local.tzinfo == WARSAW


def test_it_applies_the_rules_to_the_aware_time_in_the_skills_zone(config, now):
    # 19:00 UTC is 20:00 in Warsaw: closed; the same wall time without a zone is open.
    aware = dt.datetime(2026, 11, 23, 19, tzinfo=UTC)

    assert "skill_closed" in check(config, now, "Sales", aware)
    assert check(config, now, "Sales", "2026-11-23T19:00") == []


def test_it_reads_a_naive_datetime_in_the_skills_zone(round_the_clock):
    config = round_the_clock()
    naive = dt.datetime(2026, 11, 23, 10, 0)

    warsaw = assess(Candidate("Warsaw all day", naive), config=config, now=NOW)
    new_york = assess(Candidate("New York all day", naive), config=config, now=NOW)

    assert warsaw.scheduled_at == dt.datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert new_york.scheduled_at == dt.datetime(2026, 11, 23, 15, tzinfo=UTC)


# --- daylight-saving time -----------------------------------------------------------


def test_it_reads_a_repeated_warsaw_time_as_its_first_occurrence(config):
    result = assess(Candidate("Support", "2026-10-25T02:30"), config=config, now=DST_NOW)

    assert result.scheduled_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_it_rejects_a_wall_time_skipped_in_new_york(round_the_clock):
    config = round_the_clock()

    violation = only(config, DST_NOW, "New York all day", "2027-03-14T02:30")

    assert violation.code == "invalid_datetime"
    assert "daylight-saving" in violation.message
    assert "America/New_York" in violation.message


@pytest.mark.parametrize("wall", ["2027-03-14T01:59", "2027-03-14T03:00"])
def test_it_accepts_the_wall_times_around_the_new_york_gap(round_the_clock, wall):
    config = round_the_clock()

    assert check(config, DST_NOW, "New York all day", wall) == []


def test_it_reads_a_repeated_new_york_time_as_its_first_occurrence(round_the_clock):
    config = round_the_clock()

    result = assess(Candidate("New York all day", "2026-11-01T01:30"), config=config, now=DST_NOW)

    assert result.violations == []
    assert result.scheduled_at == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


DST_DAYS = [
    ("Warsaw all day", dt.date(2027, 3, 28), 92),  # 02:00-03:00 skipped
    ("Warsaw all day", dt.date(2026, 10, 25), 96),  # 02:00-03:00 twice
    ("New York all day", dt.date(2027, 3, 14), 92),
    ("New York all day", dt.date(2026, 11, 1), 96),  # 01:00-02:00 twice
]


@pytest.mark.parametrize(("skill", "day", "count"), DST_DAYS, ids=str)
def test_it_cuts_a_dst_day_into_unique_increasing_slots(round_the_clock, skill, day, count):
    config = round_the_clock()
    zone = config.skills[skill].zone

    (result,) = free_slots(skill, day, config=config, now=DST_NOW)

    starts = [s.start for s in result.slots]
    assert len(starts) == count
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert all(s.start == s.local.astimezone(UTC) for s in result.slots)
    assert all(s.local.tzinfo is zone and s.local.date() == day for s in result.slots)


@pytest.mark.parametrize(
    ("skill", "day"),
    [("Warsaw all day", dt.date(2027, 3, 28)), ("New York all day", dt.date(2027, 3, 14))],
    ids=str,
)
def test_it_offers_no_slot_in_a_dst_gap(round_the_clock, skill, day):
    config = round_the_clock()

    (result,) = free_slots(skill, day, config=config, now=DST_NOW)

    walls = [s.local.strftime("%H:%M") for s in result.slots]
    assert not [w for w in walls if w.startswith("02:")]
    assert walls[walls.index("01:45") + 1] == "03:00"
    after_gap = result.slots[walls.index("03:00")].start
    assert after_gap - result.slots[walls.index("01:45")].start == dt.timedelta(minutes=15)


def test_it_offers_the_first_occurrence_of_a_repeated_hour(round_the_clock):
    config = round_the_clock()

    (result,) = free_slots("Warsaw all day", dt.date(2026, 10, 25), config=config, now=DST_NOW)

    repeated = [s for s in result.slots if s.local.hour == 2]
    assert [s.local.utcoffset() for s in repeated] == [dt.timedelta(hours=2)] * 4
    assert repeated[0].start == dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_it_agrees_with_free_slots_about_a_repeated_hour_slot(round_the_clock, usage):
    config = round_the_clock()
    # Ten callbacks in the SECOND 02:30 (CET, 01:30 UTC) on the fall-back night.
    usage.add(dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 10)

    (day,) = free_slots("Warsaw all day", dt.date(2026, 10, 25), config=config, now=DST_NOW)
    offered = any(s.local.strftime("%H:%M") == "02:30" for s in day.slots)
    valid = not evaluate(
        Candidate("Warsaw all day", "2026-10-25T02:30"), config=config, now=DST_NOW
    )

    assert offered == valid


def test_it_counts_a_slot_starting_in_a_dst_gap_from_the_jump(round_the_clock, usage):
    config = round_the_clock(slot_minutes=40)
    # 03:45 CEST belongs to the 03:20 slot; 03:10 is in the 02:40 slot (starting at 03:00).
    usage.add(local(WARSAW, 2027, 3, 28, 3, 45), 10)

    assert check(config, DST_NOW, "Warsaw all day", "2027-03-28T03:20") == ["slot_full"]
    assert check(config, DST_NOW, "Warsaw all day", "2027-03-28T03:10") == []


# --- periods crossing midnight ------------------------------------------------------


def test_it_refuses_an_opening_period_that_crosses_midnight(demo):
    hours = BusinessHours.objects.get(name="Support hours")
    period = OpeningPeriod(
        business_hours=hours, weekday=Weekday.FRIDAY, opens=dt.time(22), closes=dt.time(2)
    )

    with pytest.raises(ValidationError) as error:
        period.full_clean()

    assert "22:00-00:00 and 00:00-02:00" in str(error.value)


def night_desk(round_the_clock) -> rules.RulesConfig:
    add_skill(
        "Night desk",
        "Europe/Warsaw",
        {
            Weekday.MONDAY: [(dt.time(22), dt.time(0))],
            Weekday.TUESDAY: [(dt.time(0), dt.time(2))],
        },
    )
    return round_the_clock()


def test_it_reads_a_closing_time_of_midnight_as_the_end_of_the_day(round_the_clock, now):
    config = night_desk(round_the_clock)

    assert check(config, now, "Night desk", "2026-11-23T23:45") == []
    assert check(config, now, "Night desk", "2026-11-24T00:30") == []
    assert check(config, now, "Night desk", "2026-11-23T21:59") == ["skill_closed"]
    assert check(config, now, "Night desk", "2026-11-24T02:00") == ["skill_closed"]
    (monday,) = free_slots("Night desk", dt.date(2026, 11, 23), config=config, now=now)
    assert [s.local.strftime("%H:%M") for s in monday.slots][-1] == "23:45"


def test_it_does_not_close_at_midnight_when_the_next_day_continues(round_the_clock, now):
    config = night_desk(round_the_clock)

    assert check(config, now, "Night desk", "2026-11-23T23:55") == []


def test_it_does_not_close_between_adjacent_periods(demo, now):
    add_skill(
        "Split shift",
        "Europe/Warsaw",
        {Weekday.MONDAY: [(dt.time(8), dt.time(12)), (dt.time(12), dt.time(20))]},
    )
    config = rules.RulesConfig.load()

    assert check(config, now, "Split shift", "2026-11-23T11:55") == []


# --- configuration is read once -----------------------------------------------------


def load_query_count() -> int:
    with CaptureQueriesContext(connection) as queries:
        rules.RulesConfig.load()
    return len(queries)


def add_skill_with_everything(index: int) -> None:
    calendar = HolidayCalendar.objects.create(name=f"Calendar {index}", country="DE")
    CustomHoliday.objects.create(calendar=calendar, date=dt.date(2027, 1, 2), name="Day")
    weekdays = {0: [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))]}
    skill = add_skill(f"Skill {index}", "Europe/Berlin", weekdays, calendar)
    special_day(skill.name, dt.date(2027, 1, 4), closed=True)


def test_it_loads_the_configuration_in_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    GlobalRules.load()
    add_skill_with_everything(0)
    with django_assert_max_num_queries(6):
        assert len(rules.RulesConfig.load().skills) == 1
    one_skill = load_query_count()
    for index in range(1, 5):
        add_skill_with_everything(index)

    with django_assert_max_num_queries(6):
        assert len(rules.RulesConfig.load().skills) == 5
    assert load_query_count() == one_skill


def test_it_evaluates_without_touching_the_database(
    config, now, no_usage, django_assert_num_queries
):
    candidates = [
        Candidate("Sales", "2026-11-23T10:00", PL_NUMBER),
        Candidate("Support", "2026-12-24T10:00", US_NUMBER),
        Candidate("Sales", "2026-11-22T10:00"),
        Candidate("Marketing", "2026-11-23T10:00"),
    ]

    with django_assert_num_queries(0):
        results = [evaluate(c, config=config, now=now) for c in candidates]
        free_slots("Support", dt.date(2026, 11, 23), 3, config=config, now=now)

    assert [codes(r) for r in results] == [
        [],
        ["holiday", "too_far_ahead", "outside_customer_hours"],
        ["skill_closed"],
        ["unknown_skill"],
    ]


def test_it_uses_the_snapshot_not_later_database_changes(config, now):
    Skill.objects.filter(name="Sales").update(enabled=False)
    bump_config_version()

    assert check(config, now, "Sales", "2026-11-23T10:00") == []
    assert check(rules.RulesConfig.load(), now, "Sales", "2026-11-23T10:00") == ["skill_disabled"]


def test_it_applies_the_lead_time_of_the_config_it_is_given(config, now):
    tighter = dataclasses.replace(config, min_lead=dt.timedelta(hours=1))

    assert check(tighter, now, "Support", now + dt.timedelta(minutes=30)) == ["too_soon"]
    assert check(config, now, "Support", now + dt.timedelta(minutes=30)) == []


def test_it_asks_the_registered_usage_provider_once_per_check(config, now):
    # Whatever the callbacks app registered: one query per evaluation or slot search.
    with CaptureQueriesContext(connection) as evaluation:
        evaluate(Candidate("Sales", "2026-11-23T10:00"), config=config, now=now)
    with CaptureQueriesContext(connection) as search:
        free_slots("Sales", dt.date(2026, 11, 23), 3, config=config, now=now)

    assert len(evaluation) <= 1
    assert len(search) <= 1


def test_it_reuses_the_parsed_configuration_until_it_changes(demo, django_assert_num_queries):
    rules.RulesConfig.load()
    with django_assert_num_queries(1):  # only the global rules row
        cached = rules.RulesConfig.load()
    sales = Skill.objects.get(name="Sales")
    period = OpeningPeriod.objects.get(business_hours=sales.business_hours, weekday=0)
    period.closes = dt.time(12, 0)
    period.save()

    reloaded = rules.RulesConfig.load()

    assert cached.skills["Sales"].weekly[0] == ((8 * 60, 20 * 60),)
    assert reloaded.skills["Sales"].weekly[0] == ((8 * 60, 12 * 60),)


def test_it_sees_a_deleted_special_day_and_a_renamed_skill(demo, now):
    sales = Skill.objects.get(name="Sales")
    special = SpecialDay.objects.create(
        business_hours=sales.business_hours, date=dt.date(2026, 11, 23), closed=True
    )
    assert rules.RulesConfig.load().skills["Sales"].special
    special.delete()
    sales.name = "Sales EU"
    sales.save()

    config = rules.RulesConfig.load()

    assert "Sales" not in config.skills
    assert config.skills["Sales EU"].special == {}
