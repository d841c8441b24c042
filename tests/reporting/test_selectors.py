"""reporting.selectors over the report views: each KPI against the hand-worked cast of
tests/reporting/dashboard_cast.py (see its table), on SQLite and PostgreSQL."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.db import connection

from reporting import selectors, sql
from reporting.selectors import ReportFilter

from .dashboard_cast import IN_RANGE, NOW, START, TODAY, Cast, build_cast
from .tsql import not_sql_server, parse_tsql


@pytest.fixture
def cast(db) -> Cast:
    with time_machine.travel(NOW, tick=False):
        yield build_cast()


def totals(cast: Cast, **filters) -> selectors.ReportTotals:
    return selectors.report_totals(filter=cast.month(**filters))


def test_it_counts_each_outcome_of_the_last_30_days(cast):
    m = totals(cast).measures

    assert (m.requested, m.completed, m.failed, m.expired) == (IN_RANGE, 3, 2, 1)
    assert (m.cancelled, m.rescheduled, m.pending) == (1, 1, 1)
    assert m.requested == m.completed + m.failed + m.expired + m.cancelled + m.rescheduled + 1


def test_it_rates_on_time_over_the_judged_callbacks_only(cast):
    m = totals(cast).measures

    # cancelled and rescheduled are not judged; today_expired was never dialed: broken.
    assert (m.on_time, m.late, m.judged) == (4, 3, 7)
    assert m.on_time_rate == pytest.approx(0.5714)


def test_it_rates_first_attempt_reach_over_the_dialed_callbacks(cast):
    m = totals(cast).measures

    # Reached: today_completed and on_time_personal; late_fell_back needed 2 tries.
    assert (m.dialed, m.reached_first_attempt) == (6, 2)
    assert m.first_attempt_reach_rate == pytest.approx(0.3333)


def test_it_averages_the_minutes_from_request_to_contact(cast):
    # (1443 + 1471 + 61) / 3: the three callbacks that reached someone.
    assert totals(cast).measures.avg_minutes_to_contact == pytest.approx(991.7)


def test_it_counts_personal_callbacks_that_fell_back_to_the_skill(cast):
    result = totals(cast)

    # today_completed was queued to the skill too, but it is a standard callback.
    assert (result.personal, result.personal_fell_back) == (5, 1)
    assert result.personal_fell_back_rate == pytest.approx(0.2)


def test_it_totals_a_single_day(cast):
    result = selectors.report_totals(filter=ReportFilter(start=TODAY, end=TODAY))
    m = result.measures

    assert (m.requested, m.completed, m.expired, m.pending) == (3, 1, 1, 1)
    assert (m.on_time, m.late, m.dialed, m.reached_first_attempt) == (2, 1, 2, 1)
    assert m.on_time_rate == pytest.approx(0.6667)
    assert m.first_attempt_reach_rate == pytest.approx(0.5)
    assert m.avg_minutes_to_contact == pytest.approx(1443.0)
    assert (result.personal, result.personal_fell_back) == (1, 0)
    assert result.personal_fell_back_rate == 0.0


def test_it_gives_zeros_and_no_rates_when_nothing_matches(cast):
    result = totals(cast, agent_id="asmith", campaign_id=cast.premium.pk)
    m = result.measures

    assert (m.requested, m.completed, m.late, result.personal) == (0, 0, 0, 0)
    assert m.on_time_rate is None
    assert m.first_attempt_reach_rate is None
    assert m.avg_minutes_to_contact is None
    assert result.personal_fell_back_rate is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # (requested, completed, failed, expired, cancelled, pending, on_time, late)
        ({"campaign": "premium"}, (2, 0, 0, 0, 1, 1, 1, 0)),
        ({"skill": "support"}, (3, 1, 1, 0, 0, 1, 1, 2)),
        ({"agent_id": "jkowalski"}, (3, 1, 1, 1, 0, 0, 2, 1)),
        ({"campaign": "main", "skill": "sales"}, (5, 2, 1, 1, 0, 0, 3, 1)),
    ],
)
def test_it_narrows_the_totals_to_a_campaign_skill_or_agent(cast, filters, expected):
    named = {
        "campaign_id": getattr(cast, filters["campaign"]).pk if "campaign" in filters else None,
        "skill_id": getattr(cast, filters["skill"]).pk if "skill" in filters else None,
        "agent_id": filters.get("agent_id"),
    }
    m = totals(cast, **named).measures

    got = (m.requested, m.completed, m.failed, m.expired, m.cancelled, m.pending)
    assert (*got, m.on_time, m.late) == expected


def test_it_has_every_day_of_the_range_in_order_even_without_callbacks(cast):
    days = selectors.report_by_day(filter=cast.month())

    assert [d.day for d in days] == [START + dt.timedelta(days=n) for n in range(30)]
    by_day = {d.day: d.measures for d in days}
    assert {day: m.requested for day, m in by_day.items() if m.requested} == {
        dt.date(2026, 11, 5): 1,
        dt.date(2026, 11, 10): 3,
        dt.date(2026, 11, 18): 2,
        dt.date(2026, 11, 20): 3,
    }
    quiet = by_day[dt.date(2026, 11, 1)]
    assert (quiet.completed, quiet.late, quiet.on_time_rate) == (0, 0, None)


def test_it_measures_each_day_with_the_shared_measures(cast):
    by_day = {d.day: d.measures for d in selectors.report_by_day(filter=cast.month())}

    nov_10, nov_18 = by_day[dt.date(2026, 11, 10)], by_day[dt.date(2026, 11, 18)]
    assert (nov_10.completed, nov_10.cancelled, nov_10.rescheduled) == (1, 1, 1)
    assert (nov_10.on_time_rate, nov_18.on_time_rate) == (1.0, 0.5)
    assert by_day[dt.date(2026, 11, 5)].on_time_rate == 0.0
    assert by_day[TODAY].on_time_rate == pytest.approx(0.6667)


def test_it_agrees_with_the_daily_summary_view(cast):
    # The dashboard and CUIC's cm_daily_summary share sql.measures(): summed over the
    # summary's campaign x skill rows, the counts are the dashboard's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(requested), SUM(completed), SUM(late), SUM(dialed) "
            "FROM cm_daily_summary WHERE report_date >= %s AND report_date <= %s",
            [START, TODAY],
        )
        summary = tuple(int(v) for v in cursor.fetchone())
    m = totals(cast).measures

    assert summary == (m.requested, m.completed, m.late, m.dialed)


def test_it_ranks_agents_by_broken_promises_with_their_latest_name(cast):
    agents = selectors.broken_promises_by_agent(filter=cast.month())

    assert [(a.key, a.name, a.judged, a.broken) for a in agents] == [
        ("asmith", "Alice Smith", 2, 2),  # also seen as "A. Smith"
        ("jkowalski", "Jan Kowalski", 3, 1),  # also seen as "J. Kowalski"
    ]
    assert [a.rate for a in agents] == [1.0, pytest.approx(0.3333)]


def test_it_ranks_skills_by_broken_promises(cast):
    skills = selectors.broken_promises_by_skill(filter=cast.month())

    assert [(s.key, s.name, s.judged, s.broken) for s in skills] == [
        (str(cast.support.pk), "Support", 3, 2),
        (str(cast.sales.pk), "Sales", 4, 1),
    ]


def test_it_leaves_out_groups_with_nothing_judged(cast):
    # Premium's Sales callback was cancelled: not judged, so no row for it.
    only_cancelled = cast.month(campaign_id=cast.premium.pk, skill_id=cast.sales.pk)

    assert selectors.broken_promises_by_skill(filter=only_cancelled) == []


def test_it_breaks_ties_by_the_larger_share_broken(cast):
    # 18-20 November: one broken promise each; Support's of 2 judged, Sales' of 3.
    skills = selectors.broken_promises_by_skill(
        filter=ReportFilter(start=dt.date(2026, 11, 18), end=TODAY)
    )

    assert [(s.name, s.judged, s.broken) for s in skills] == [("Support", 2, 1), ("Sales", 3, 1)]


def test_it_orders_the_report_rows_by_promised_time(cast):
    rows = selectors.report_rows(filter=cast.month())

    names = {c.pk: name for name, c in cast.callbacks.items()}
    assert [names[r.callback_id] for r in rows] == [
        "late_failed",
        "cancelled",
        "on_time_personal",
        "rescheduled",
        "late_fell_back",
        "on_time_failed",
        "today_expired",
        "today_completed",
        "today_in_dialer",
    ]


def test_it_filters_the_report_rows(cast):
    premium = selectors.report_rows(filter=cast.month(campaign_id=cast.premium.pk))
    asmith = selectors.report_rows(filter=cast.month(agent_id="asmith"))
    wide = dataclasses.replace(cast.month(), start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1))

    assert {r.account_number for r in premium} == {
        cast.callbacks["cancelled"].account_number,
        cast.callbacks["today_in_dialer"].account_number,
    }
    assert {r.agent_id for r in asmith} == {"asmith"}
    assert selectors.report_rows(filter=wide).count() == IN_RANGE + 2


def test_it_lists_each_agent_once_for_the_filter_choices(cast):
    assert selectors.agent_choices() == [
        ("asmith", "Alice Smith"),
        ("jkowalski", "Jan Kowalski"),
    ]


def test_it_refuses_a_range_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="starts"):
        ReportFilter(start=TODAY, end=START)


# The dashboard's own SQL must hold to SQL Server too.
@pytest.mark.parametrize(
    "statement",
    [
        selectors.report_totals_sql,
        selectors.report_by_day_sql,
        lambda d, f: selectors.broken_promises_sql(d, f, by="agent"),
        lambda d, f: selectors.broken_promises_sql(d, f, by="skill"),
    ],
)
def test_it_writes_sql_that_sql_server_can_run(statement):
    every_filter = ReportFilter(start=START, end=TODAY, campaign_id=1, skill_id=2, agent_id="a")
    text, params = statement(sql.dialect_for("microsoft"), every_filter)

    # mssql-django turns %s into ? placeholders.
    tree = parse_tsql(text.replace("%s", "?"))
    assert text.count("%s") == len(params) == 5
    assert not_sql_server(tree) == (set(), [])
