"""Issue 17 point 10: holiday names. 1 May in Poland is "Labour Day" in English (the
holidays library says "National Day"), and every holiday is named in Polish for a user
who reads Polish (the library's own Polish names)."""

import datetime as dt

from django.utils import translation

from scheduling.rules.calendars import CalendarPlan

POLAND = CalendarPlan(country="PL", subdivision="", one_off={}, yearly={})


def test_1_may_is_labour_day_in_english():
    with translation.override("en"):
        assert POLAND.holiday_name(dt.date(2027, 5, 1)) == "Labour Day"
        assert POLAND.holiday_name(dt.date(2027, 11, 11)) == "National Independence Day"


def test_holidays_are_named_in_polish_for_a_polish_reader():
    with translation.override("pl"):
        assert POLAND.holiday_name(dt.date(2027, 5, 1)) == "Święto Państwowe"
        assert POLAND.holiday_name(dt.date(2027, 12, 25)) == "Boże Narodzenie (pierwszy dzień)"
        names = dict(POLAND.holidays_in(2027))
    assert names[dt.date(2027, 11, 11)] == "Narodowe Święto Niepodległości"


def test_an_administrators_own_name_wins_in_every_language():
    plan = CalendarPlan(country="PL", subdivision="", one_off={}, yearly={(5, 1): "Majówka"})
    for language in ("en", "pl"):
        with translation.override(language):
            assert plan.holiday_name(dt.date(2027, 5, 1)) == "Majówka"
