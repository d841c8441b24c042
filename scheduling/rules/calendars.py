"""Holidays: public ones (the holidays library) and an administrator's own, and the
years the engine reasons about."""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as holidays_lib
from django.utils import translation

# Dates the engine reasons about; far outside any booking horizon, and far enough from
# datetime's own limits that zone arithmetic cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def in_calendar(day: dt.date) -> bool:
    """Whether a date is within the years the engine reasons about."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


# English names the holidays library gets wrong for a business reader: (country, its
# en_US name) -> ours. Poland's 1 May is officially "Święto Państwowe" (State Holiday),
# which the library renders "National Day"; everyone calls it Labour Day.
ENGLISH_NAMES = {("PL", "National Day"): "Labour Day"}


def holiday_language() -> str:
    """The holidays library's language for the active Django language: "pl" when the
    user reads Polish, else en_US (a country without either keeps its own)."""
    return "pl" if (translation.get_language() or "").startswith("pl") else "en_US"


def _public_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    return _public_holidays_in(country, subdivision, year, holiday_language())


@lru_cache(maxsize=256)
def _public_holidays_in(
    country: str, subdivision: str, year: int, language: str
) -> dict[dt.date, str]:
    found = holidays_lib.country_holidays(country, subdiv=subdivision or None, years=year)
    supported = getattr(found, "supported_languages", ())
    chosen = next((name for name in (language, "en_US") if name in supported), None)
    if chosen is not None:
        found = holidays_lib.country_holidays(
            country, subdiv=subdivision or None, years=year, language=chosen
        )
    names = dict(found.items())
    if chosen == "en_US":
        names = {day: ENGLISH_NAMES.get((country, name), name) for day, name in names.items()}
    return names


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


def holidays_for(calendar, year: int) -> list[tuple[dt.date, str]]:
    """Every closed date of a HolidayCalendar in a year, with names (admin preview)."""
    return CalendarPlan.from_calendar(calendar).holidays_in(year)
