"""Validation of the scheduling configuration, so admin and API refuse the same things."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from scheduling.models import (
    BusinessHours,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    SpecialDay,
    Weekday,
    check_no_overlap,
    check_period,
    minutes_of,
)


def clean_errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.clean()
    return error.value.message_dict


# --- GlobalRules --------------------------------------------------------------------


def test_it_accepts_the_default_global_rules(db):
    GlobalRules().full_clean()


def test_it_requires_the_latest_time_after_the_earliest(db):
    rules = GlobalRules(earliest_time=dt.time(20), latest_time=dt.time(20))

    assert "latest_time" in clean_errors(rules)


def test_it_reads_a_latest_time_of_midnight_as_the_end_of_the_day(db):
    GlobalRules(earliest_time=dt.time(8), latest_time=dt.time(0)).clean()
    GlobalRules(earliest_time=dt.time(0), latest_time=dt.time(0)).clean()


def test_it_requires_the_customer_window_to_end_after_it_starts(db):
    rules = GlobalRules(customer_earliest_time=dt.time(21), customer_latest_time=dt.time(8))

    assert list(clean_errors(rules)) == ["customer_latest_time"]


def test_it_rejects_an_unknown_default_region(db):
    assert "default_region" in clean_errors(GlobalRules(default_region="XX"))


def test_it_upper_cases_a_known_default_region(db):
    rules = GlobalRules(default_region="de")

    rules.clean()

    assert rules.default_region == "DE"


def test_it_names_each_unknown_allowed_region(db):
    errors = clean_errors(GlobalRules(allowed_regions="PL, XX\nYY"))

    assert errors["allowed_regions"] == ["Unknown country codes: XX, YY."]


def test_it_rejects_an_unknown_number_type(db):
    errors = clean_errors(GlobalRules(allowed_number_types="mobile, cell"))

    assert errors["allowed_number_types"] == ["Unknown number types: cell."]


def test_it_accepts_known_number_types_in_any_case(db):
    GlobalRules(allowed_number_types="Mobile, FIXED_LINE, voip").clean()


def test_it_rejects_a_blocked_prefix_that_is_not_digits(db):
    errors = clean_errors(GlobalRules(blocked_prefixes="+48700\n+48 70x"))

    assert list(errors) == ["blocked_prefixes"]
    assert "+48 70x" in errors["blocked_prefixes"][0]


def test_it_reports_every_global_rules_error_at_once(db):
    rules = GlobalRules(
        earliest_time=dt.time(9),
        latest_time=dt.time(8),
        default_region="XX",
        allowed_number_types="pager-ish",
    )

    assert set(clean_errors(rules)) == {"latest_time", "default_region", "allowed_number_types"}


def test_it_normalises_the_policy_lists(db):
    rules = GlobalRules(
        allowed_regions=" pl,de ,", allowed_number_types="Mobile", blocked_prefixes="48700\n+48701"
    )

    assert rules.allowed_region_list == ["PL", "DE"]
    assert rules.allowed_number_type_list == ["mobile"]
    assert rules.blocked_prefix_list == ["+48700", "+48701"]


def test_it_keeps_global_rules_a_single_row(db):
    GlobalRules(min_lead_minutes=7).save()
    GlobalRules(min_lead_minutes=9).save()

    assert list(GlobalRules.objects.values_list("pk", "min_lead_minutes")) == [(1, 9)]
    assert GlobalRules.load().min_lead_minutes == 9


def test_it_creates_the_single_row_on_first_load(db):
    rules = GlobalRules.load()

    assert rules.pk == GlobalRules.SINGLETON_ID == 1
    assert GlobalRules.objects.count() == 1


def test_it_limits_slot_length_by_field_validators(db):
    with pytest.raises(ValidationError) as error:
        GlobalRules(slot_minutes=4, slot_capacity=0).full_clean()

    assert set(error.value.message_dict) == {"slot_minutes", "slot_capacity"}


# --- HolidayCalendar ----------------------------------------------------------------


def test_it_rejects_an_unknown_country(db):
    errors = clean_errors(HolidayCalendar(name="Atlantis", country="XX"))

    assert list(errors) == ["country"]


def test_it_rejects_an_unknown_subdivision_listing_the_known_ones(db):
    errors = clean_errors(HolidayCalendar(name="US", country="us", subdivision="ZZ"))

    assert list(errors) == ["subdivision"]
    assert "NY" in errors["subdivision"][0]


def test_it_says_when_a_country_has_no_subdivisions(db):
    errors = clean_errors(HolidayCalendar(name="Poland", country="PL", subdivision="MZ"))

    assert "Known: none." in errors["subdivision"][0]


def test_it_requires_a_country_for_a_subdivision(db):
    assert list(clean_errors(HolidayCalendar(name="Custom", subdivision="NY"))) == ["subdivision"]


def test_it_accepts_and_normalises_a_known_country_and_subdivision(db):
    calendar = HolidayCalendar(name="New York", country=" us", subdivision="ny ")

    calendar.clean()

    assert (calendar.country, calendar.subdivision) == ("US", "NY")


def test_it_accepts_a_calendar_of_custom_holidays_only(db):
    HolidayCalendar(name="Company days").clean()


# --- SpecialDay and periods ---------------------------------------------------------


@pytest.fixture
def hours(db) -> BusinessHours:
    return BusinessHours.objects.create(name="Front desk", time_zone="Europe/Warsaw")


def test_it_requires_hours_on_a_special_day_that_is_not_closed(hours):
    day = SpecialDay(business_hours=hours, date=dt.date(2026, 12, 31), opens=dt.time(9))

    with pytest.raises(ValidationError) as error:
        day.clean()

    assert "Enter both an opening and a closing time." in error.value.messages[0]
    assert "tick 'closed'" in error.value.messages[0]


def test_it_rejects_special_hours_that_close_before_they_open(hours):
    day = SpecialDay(
        business_hours=hours, date=dt.date(2026, 12, 31), opens=dt.time(12), closes=dt.time(9)
    )

    with pytest.raises(ValidationError):
        day.clean()


def test_it_drops_the_hours_of_a_closed_special_day(hours):
    day = SpecialDay(
        business_hours=hours,
        date=dt.date(2026, 12, 31),
        closed=True,
        opens=dt.time(9),
        closes=dt.time(12),
    )

    day.clean()

    assert (day.opens, day.closes) == (None, None)


def test_it_accepts_a_period_closing_at_midnight(hours):
    OpeningPeriod(
        business_hours=hours, weekday=Weekday.FRIDAY, opens=dt.time(22), closes=dt.time(0)
    ).full_clean()


def test_it_rejects_a_period_crossing_midnight_with_advice():
    with pytest.raises(ValidationError) as error:
        check_period(dt.time(22), dt.time(2))

    assert "add two periods" in error.value.messages[0]


def test_it_rejects_an_empty_period():
    with pytest.raises(ValidationError):
        check_period(dt.time(9), dt.time(9))


def test_it_reads_closing_midnight_as_minute_1440():
    assert minutes_of(dt.time(0), closing=True) == 1440
    assert minutes_of(dt.time(0)) == 0
    assert minutes_of(dt.time(13, 45), closing=True) == 825


def test_it_rejects_overlapping_periods_on_one_day():
    periods = [
        ("Monday", dt.time(8), dt.time(12)),
        ("Monday", dt.time(11, 59), dt.time(16)),
    ]

    with pytest.raises(ValidationError) as error:
        check_no_overlap(periods)

    assert "Monday" in error.value.messages[0]


def test_it_rejects_a_period_inside_one_ending_at_midnight():
    with pytest.raises(ValidationError):
        check_no_overlap(
            [("Friday", dt.time(22), dt.time(0)), ("Friday", dt.time(23), dt.time(23, 30))]
        )


def test_it_accepts_touching_periods_and_the_same_hours_on_other_days():
    check_no_overlap(
        [
            ("Monday", dt.time(13), dt.time(20)),
            ("Monday", dt.time(8), dt.time(13)),
            ("Tuesday", dt.time(8), dt.time(20)),
            ("Wednesday", dt.time(8), dt.time(20)),
        ]
    )
