"""The report views can use the indexes made for them (callbacks migrations 0007, 0008).

An expression index serves only a query with the same expression: if the view's agent_id
stopped being NULLIF(agent_id, '') the index would silently be left unused. The figures
are in bench/reporting.py; here only whether the planner can use each index at all.
"""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


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


def test_it_finds_one_agents_callbacks_by_day_in_the_report_agent_index():
    query = (
        "SELECT promised_date, COUNT(*) FROM cm_callback_report "
        "WHERE agent_id = %s AND promised_date BETWEEN %s AND %s GROUP BY promised_date"
    )
    assert "callback_report_agent" in plan(query, ["jkowalski", "2026-11-01", "2026-11-30"])


def test_it_reads_a_days_attempts_from_the_attempt_index():
    query = "SELECT * FROM cm_callback_attempt_report WHERE promised_date = %s"
    avoid = ("seqscan", "hashjoin", "mergejoin")
    assert "callbackevent_report_attempt" in plan(query, ["2026-11-20"], avoid=avoid)


def test_it_looks_up_a_personal_callbacks_ivr_outcomes_in_the_outcome_index():
    query = "SELECT fell_back_to_skill FROM cm_callback_report WHERE promised_date = %s"
    avoid = ("seqscan", "hashjoin", "mergejoin", "bitmapscan")
    assert "callbackevent_report_outcome" in plan(query, ["2026-11-20"], avoid=avoid)
