"""One code path: every offered slot validates, and every grid time NOT offered does not.

Hypothesis draws the skill, the searched dates, the customer's phone, `now` and (in the
second property) the global rules; each example compares free_slots with evaluate on
every wall time of the slot grid. Derandomised, so CI runs the same examples every time.
"""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scheduling import rules
from scheduling.phones import parse_phone
from scheduling.rules import Candidate, evaluate, free_slots

from .conftest import UTC, codes

PHONES = [None, "+48 22 123 45 67", "+1 212 736 5000", "+7 912 345 67 89"]
# Both DST changes of Warsaw and New York fall inside the drawn range.
DST_DATES = [
    dt.date(2026, 10, 25),
    dt.date(2026, 11, 1),
    dt.date(2027, 3, 14),
    dt.date(2027, 3, 28),
]

property_settings = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclasses.dataclass(frozen=True)
class Search:
    skill: str
    start: dt.date
    days: int
    phone: str | None
    now: dt.datetime


@st.composite
def searches(draw, skills: list[str], horizon: int) -> Search:
    start = draw(
        st.one_of(
            st.sampled_from(DST_DATES),
            st.dates(dt.date(2026, 10, 15), dt.date(2027, 4, 15)),
        )
    )
    # Minutes from `now` to the start: anywhere from three days after it (past days) to
    # 40 days before (too far ahead), often near today or the last bookable day.
    day = 24 * 60
    before = draw(
        st.one_of(
            st.integers(-3 * day, 40 * day),
            st.integers(-day, day),
            st.integers((horizon - 2) * day, (horizon + 1) * day),
        )
    )
    seconds = draw(st.integers(0, 59))
    midnight = dt.datetime.combine(start, dt.time(), tzinfo=UTC)
    now = midnight - dt.timedelta(minutes=before) + dt.timedelta(seconds=seconds)
    return Search(
        skill=draw(st.sampled_from(skills)),
        start=start,
        days=draw(st.integers(1, 3)),
        phone=draw(st.sampled_from(PHONES)),
        now=now,
    )


def wall_times(zone: ZoneInfo, day: dt.date, step: int) -> list[dt.datetime]:
    """The slot grid of one local date, without wall times a DST gap skips."""
    found = []
    for minute in range(0, 24 * 60, step):
        naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        there = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if there.replace(tzinfo=None) == naive:
            found.append(naive)
    return found


def compare(config: rules.RulesConfig, search: Search) -> int:
    """Assert free_slots and evaluate agree on every grid time; return how many offered."""
    phone = search.phone and parse_phone(search.phone, config.phone_policy)
    days = free_slots(search.skill, search.start, search.days, phone, config=config, now=search.now)
    zone = config.skills[search.skill].zone
    assert [d.date for d in days] == [
        search.start + dt.timedelta(days=i) for i in range(search.days)
    ]
    offered_total = 0
    for day in days:
        offered = {s.local.replace(tzinfo=None): s for s in day.slots}
        grid = wall_times(zone, day.date, config.slot_minutes)
        assert set(offered) <= set(grid)
        assert day.unavailable is None or not day.slots
        for naive in grid:
            candidate = Candidate(search.skill, naive, search.phone)
            found = evaluate(candidate, config=config, now=search.now)
            if naive in offered:
                assert found == [], (naive, found)
                slot = offered[naive]
                assert slot.start == slot.local.astimezone(UTC)
                assert slot.local.tzinfo is zone
            else:
                assert found, f"{naive} is valid but free_slots withheld it"
            if day.unavailable is not None:
                assert day.unavailable.code in codes(found), (naive, day.unavailable, found)
        offered_total += len(offered)
    return offered_total


def note_coverage(search: Search, offered: int) -> None:
    # Shown by --hypothesis-show-statistics: the properties must not pass vacuously.
    event("some slots offered" if offered else "no slot offered")
    searched = {search.start + dt.timedelta(days=i) for i in range(search.days)}
    if searched & set(DST_DATES):
        event("searched a DST day")


@property_settings
@given(search=searches(["Sales", "Support"], horizon=30))
def test_it_offers_exactly_the_grid_times_that_validate(config, no_usage, search):
    offered = compare(config, search)

    note_coverage(search, offered)


@st.composite
def rule_changes(draw) -> dict:
    hour = 60
    earliest = draw(st.integers(0, 11 * hour))
    latest = draw(st.integers(14 * hour, 24 * hour))
    customer_earliest = draw(st.integers(0, 10 * hour))
    return {
        "slot_minutes": draw(st.sampled_from([10, 15, 30])),
        "min_lead": dt.timedelta(minutes=draw(st.integers(0, 180))),
        "max_days_ahead": draw(st.one_of(st.integers(0, 40), st.just(366))),
        "earliest": earliest,
        "latest": latest,
        "closing_buffer": draw(st.integers(0, 60)),
        "customer_earliest": customer_earliest,
        "customer_latest": draw(st.integers(17 * hour, 24 * hour)),
    }


SKILLS_AND_ROUND_THE_CLOCK = ["Sales", "Support", "Warsaw all day", "New York all day"]


@st.composite
def scenarios(draw) -> tuple[dict, Search]:
    changes = draw(rule_changes())
    horizon = min(changes["max_days_ahead"], 40)
    return changes, draw(searches(SKILLS_AND_ROUND_THE_CLOCK, horizon))


@settings(property_settings, max_examples=100)
@given(scenario=scenarios())
def test_it_keeps_slots_and_validation_in_step_under_any_global_rules(
    round_the_clock, no_usage, scenario
):
    changes, search = scenario
    config = dataclasses.replace(round_the_clock(), **changes)

    offered = compare(config, search)

    note_coverage(search, offered)


def test_it_offers_slots_across_the_whole_day_when_the_rules_allow(round_the_clock, no_usage):
    # Guard against a vacuous property: a permissive example does offer slots, DST day too.
    config = round_the_clock()
    search = Search(
        "New York all day", dt.date(2026, 11, 1), 2, None, dt.datetime(2026, 10, 1, tzinfo=UTC)
    )

    assert compare(config, search) == 96 * 2


@st.composite
def bookings(draw, slot_minutes: int) -> list[tuple[int, int, int]]:
    """(slot index in the day, callbacks in it, minute offset inside the slot)."""
    return draw(
        st.lists(
            st.tuples(
                st.integers(0, 24 * 60 // slot_minutes - 1),
                st.integers(1, 12),
                st.integers(0, slot_minutes - 1),
            ),
            max_size=12,
            unique_by=lambda booking: booking[0],
        )
    )


@property_settings
@given(
    skill=st.sampled_from(["Sales", "Support"]),
    day=st.dates(dt.date(2026, 11, 23), dt.date(2026, 12, 18)),
    booked=bookings(15),
)
def test_it_shows_capacity_left_and_hides_full_slots(config, usage, skill, day, booked):
    now = dt.datetime(2026, 11, 20, 9, tzinfo=UTC)
    zone = config.skills[skill].zone
    usage.times = []
    used: dict[dt.datetime, int] = {}
    for index, count, offset in booked:
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=15 * index)
        usage.add(naive.replace(tzinfo=zone) + dt.timedelta(minutes=offset), count)
        used[naive] = count

    (result,) = free_slots(skill, day, config=config, now=now)

    offered = {s.local.replace(tzinfo=None): s for s in result.slots}
    for naive, slot in offered.items():
        assert slot.capacity == 10
        assert slot.remaining == 10 - used.get(naive, 0) > 0
    for naive, count in used.items():
        found = codes(evaluate(Candidate(skill, naive), config=config, now=now))
        assert ("slot_full" in found) == (count >= 10)
        assert (naive in offered) == (found == [])
