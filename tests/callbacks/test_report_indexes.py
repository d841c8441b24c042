"""The report views can use the indexes made for them (callbacks migrations 0007, 0008).

An expression index serves only a query with the same expression: if the view's agent_id
stopped being NULLIF(agent_id, '') the index would silently be left unused. The figures
are in bench/reporting.py; here only whether the planner can use each index at all.
"""

import datetime as dt

import pytest
from django.db import connection

from callbacks.models import Callback

pytestmark = pytest.mark.django_db

AGENTS = [f"agent{n:02d}" for n in range(20)]


def plan(query: str, params: list[str], *, avoid: tuple[str, ...] = ("seqscan",)) -> str:
    """The query plan as text. PostgreSQL reads empty tables faster without an index:
    the `avoid`ed methods are switched off to see which index fits."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for method in avoid:
                cursor.execute(f"SET LOCAL enable_{method} = off")
            cursor.execute(f"EXPLAIN {query}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {query}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def analysed_month(campaign, sales) -> None:
    """Two months of callbacks, every 4th personal to one of 20 agents, and the planner's
    statistics of them. On empty tables PostgreSQL's choice between this index and the
    day index (callback_report_day) hangs on whatever earlier tests left in its
    statistics; with these, one agent's month is clearly the agent index's."""
    start = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
    Callback.objects.bulk_create(
        Callback(
            phone_number="+48221234567",
            dial_number="221234567",
            scheduled_at=start + dt.timedelta(minutes=37 * n),
            campaign=campaign,
            skill=sales,
            agent_id=AGENTS[n % len(AGENTS)] if n % 4 == 0 else "",
        )
        for n in range(2400)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE callbacks_callback")


def test_it_finds_one_agents_callbacks_by_day_in_the_report_agent_index(campaign, sales):
    analysed_month(campaign, sales)
    query = (
        "SELECT promised_date, COUNT(*) FROM cm_callback_report "
        "WHERE agent_id = %s AND promised_date BETWEEN %s AND %s GROUP BY promised_date"
    )
    assert "callback_report_agent" in plan(query, ["agent04", "2026-11-01", "2026-11-30"])


def test_it_reads_a_days_attempts_from_the_attempt_index():
    query = "SELECT * FROM cm_callback_attempt_report WHERE promised_date = %s"
    avoid = ("seqscan", "hashjoin", "mergejoin")
    assert "callbackevent_report_attempt" in plan(query, ["2026-11-20"], avoid=avoid)


def test_it_looks_up_a_personal_callbacks_ivr_outcomes_in_the_outcome_index():
    query = "SELECT fell_back_to_skill FROM cm_callback_report WHERE promised_date = %s"
    avoid = ("seqscan", "hashjoin", "mergejoin", "bitmapscan")
    assert "callbackevent_report_outcome" in plan(query, ["2026-11-20"], avoid=avoid)
