"""Reporting benchmark: the report views CUIC reads, over a year of callbacks on PostgreSQL.

Not a test: it prints figures and compares them with the targets, never fails on a miss.

    python bench/reporting.py               # in a throw-away PostgreSQL (scripts/with-postgres.sh)
    python bench/reporting.py --here        # the PostgreSQL database DATABASE_URL points at
    python bench/reporting.py --callbacks 200000 --runs 5 --explain

PostgreSQL only: the views are the same SQL on every vendor (reporting/sql.py), and
PostgreSQL is the database the tests and benches run on.

Data (generated with set-based SQL, INSERT ... SELECT over generate_series, not the ORM):
1,000,000 callbacks, 2,740 a day over 365 days ending a week from today, so the last
week is still booked; 3 campaigns (Callback_Main 60 %, Callback_Retail 25 %,
Callback_Premium 15 % with its external script) and 4 skills in Europe/Warsaw (Sales
Mon-Fri 8-20 and Sat 9-14, Support daily 7-22, Billing and Retention Mon-Fri 8-18 and
9-17; a closed skill's share goes to Support; public holidays count as working days);
promised at 15-minute slots in opening hours, both DST changes included. local_date and
local_offset_minutes are computed by PostgreSQL with AT TIME ZONE 'Europe/Warsaw'. 15 %
are personal (40 agents). Statuses: booked ahead = scheduled (3 % cancelled); the last
hour = in the dialer; before that 69 % completed, 14 % failed (a quarter of them hung up
in the IVR, the rest after 3 busy / no-answer attempts), 5 % expired, 8 % cancelled, 4 %
rescheduled (a quarter of them in the IVR; each followed by the callback that replaced
it). Events as the services write them, in time order: created, export_started,
exported, dial_attempt 1-3 {"attempt": n, "result": ...}, ivr_lookup, ivr_outcome
{"outcome": ...} (1 in 7 answered personal callbacks falls back to the skill), delivered,
and the terminal event (completed, failed, expired, cancelled, rescheduled; purged before
a third of the expiries): about 7 events a callback. Foreign keys are not checked while
loading (the data is consistent by construction), secondary indexes are built after the
load, then VACUUM ANALYZE.

Measured on a plain psycopg connection, as a report client reads (execute, fetch every
row), warm cache (one untimed run first; the data fits in the OS page cache; PostgreSQL
runs with the defaults of scripts/with-postgres.sh, JIT on), `--runs` times: median and
max, and the shared buffers one EXPLAIN (ANALYZE, BUFFERS) run touched (times on this
shared machine vary with its load, buffers do not):
  (a) daily summary, 30 days  SELECT * FROM cm_daily_summary WHERE report_date BETWEEN
                              -- target <= 1 s
  (b) callback report, 1 day  SELECT * FROM cm_callback_report WHERE promised_date = %s
                              -- target <= 200 ms
  (c) attempt report, 1 day   SELECT * FROM cm_callback_attempt_report WHERE promised_date = %s
  (d) one agent, 30 days      the dashboard's measures per day for one agent_id
  (e) callback report, 7 days a weekly detail report
All first without the report indexes (callbacks migrations 0007 and 0008), then with them
(built by Django's schema editor from the models' Meta, timed). A missed target prints
the EXPLAIN (ANALYZE, BUFFERS) summary; --explain prints every plan. (b) is also read
through Django's connection, as the dashboard and the CSV export read.
"""

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

# This file is bench/reporting.py; setup_django() puts the project root first on
# sys.path, so `reporting` is the app, never this script.
from api import ROOT, setup_django
from export import database_description, machine_description

if TYPE_CHECKING:
    import psycopg

DAYS = 365
DAYS_AHEAD = 7  # the year ends a week from today: the last week is still booked
AGENTS = 40
RUNS = 7
SUMMARY_DAYS = 30
EXPLAIN_LINES = 40
# The report indexes (callbacks migrations 0007, 0008: the Meta indexes named here),
# measured without and with.
REPORT_INDEXES = (
    "callback_report_agent",
    "callbackevent_report_attempt",
    "callbackevent_report_outcome",
)
SHIPPED = "with indexes"  # the round the targets judge: the views and indexes as migrated


# --- data ----------------------------------------------------------------------------------
# Per callback, independent uniform draws (setseed makes the set repeatable).
CALLBACKS_SQL = """
INSERT INTO callbacks_callback (
    id, account_number, phone_number, dial_number, first_name, last_name,
    scheduled_at, local_date, local_offset_minutes, campaign_id, skill_id,
    agent_id, agent_name, status, attempts, dialer_attempts, last_result, source,
    created_by, notes, origin_account_number, rescheduled_from_id,
    created_at, updated_at, exported_at, first_dialed_at, connected_at, delivered_at,
    finished_at, round, skill_reason)
WITH drawn AS (
    SELECT id,
        %(first_day)s::date + ((id - 1) * %(days)s / %(callbacks)s)::int AS day,
        random() AS r_skill, random() AS r_slot, random() AS r_campaign,
        random() AS r_agent, random() AS r_status, random() AS r_attempts,
        random() AS r_dial, random() AS r_lead, random() AS r_source, random() AS r_route
    FROM generate_series(1, %(callbacks)s) AS id
), wanted AS (
    SELECT d.*, EXTRACT(ISODOW FROM d.day)::int AS dow,
        CASE WHEN r_skill < 0.35 THEN 'Sales' WHEN r_skill < 0.70 THEN 'Support'
            WHEN r_skill < 0.90 THEN 'Billing' ELSE 'Retention' END AS wanted
    FROM drawn d
), placed AS (
    -- A skill closed that day gives its share to Support (open every day).
    SELECT w.*, CASE
            WHEN w.wanted = 'Sales' AND w.dow <= 6 THEN 'Sales'
            WHEN w.wanted IN ('Billing', 'Retention') AND w.dow <= 5 THEN w.wanted
            ELSE 'Support' END AS skill
    FROM wanted w
), hours AS (
    SELECT p.*,
        CASE p.skill WHEN 'Sales' THEN CASE WHEN p.dow = 6 THEN 9 ELSE 8 END
            WHEN 'Support' THEN 7 WHEN 'Billing' THEN 8 ELSE 9 END AS opens,
        CASE p.skill WHEN 'Sales' THEN CASE WHEN p.dow = 6 THEN 14 ELSE 20 END
            WHEN 'Support' THEN 22 WHEN 'Billing' THEN 18 ELSE 17 END AS closes
    FROM placed p
), promised AS MATERIALIZED (
    -- A 15-minute slot in opening hours, a wall time in Warsaw made a UTC instant.
    SELECT h.*,
        (h.day + make_interval(mins => 60 * h.opens
            + 15 * floor(h.r_slot * 4 * (h.closes - h.opens))::int))
            AT TIME ZONE 'Europe/Warsaw' AS promised_at,
        CASE WHEN r_agent < 0.15 THEN 1 + floor(r_agent / 0.15 * %(agents)s)::int END AS agent
    FROM hours h
), fated AS (
    SELECT p.*,
        CASE
            WHEN p.promised_at > %(now)s THEN
                CASE WHEN p.r_status < 0.03 THEN 'cancelled' ELSE 'scheduled' END
            WHEN p.promised_at > %(now)s - INTERVAL '1 hour' THEN 'in_dialer'
            WHEN p.r_status < 0.69 THEN 'completed'
            WHEN p.r_status < 0.83 THEN 'failed'
            WHEN p.r_status < 0.88 THEN 'expired'
            WHEN p.r_status < 0.96 THEN 'cancelled'
            ELSE 'rescheduled' END AS status
    FROM promised p
), dialed AS (
    SELECT f.*,
        CASE
            WHEN f.status = 'completed' THEN
                CASE WHEN r_attempts < 0.70 THEN 1 WHEN r_attempts < 0.90 THEN 2 ELSE 3 END
            WHEN f.status = 'failed' THEN CASE WHEN r_attempts < 0.25 THEN 1 ELSE 3 END
            WHEN f.status = 'rescheduled' THEN CASE WHEN r_attempts < 0.5 THEN 1 ELSE 0 END
            WHEN f.status = 'in_dialer' THEN CASE WHEN r_attempts < 0.3 THEN 1 ELSE 0 END
            ELSE 0 END AS attempts,
        -- answered: completed, hung up in the IVR, or asked there for another time
        f.status = 'completed' OR (f.status IN ('failed', 'rescheduled') AND r_attempts < 0.25)
            AS answered,
        -- the first dial: mostly within the 5 on-time minutes, some late
        f.promised_at + make_interval(secs => CASE
            WHEN r_dial < 0.85 THEN r_dial / 0.85 * 280
            WHEN r_dial < 0.95 THEN 300 + (r_dial - 0.85) * 15000
            ELSE 1800 + (r_dial - 0.95) * 30000 END) AS first_dial,
        -- booked between 10 minutes and 3 days ahead, mostly shortly before
        f.promised_at - make_interval(secs => 600 + r_lead * r_lead * 259200) AS booked
    FROM fated f
), stamped AS MATERIALIZED (
    SELECT d.*,
        CASE WHEN d.status NOT IN ('scheduled', 'cancelled', 'rescheduled') OR d.attempts > 0
            OR (d.status = 'cancelled' AND d.r_route < 0.5 AND d.promised_at < %(now)s)
            THEN d.promised_at - INTERVAL '2 minutes' END AS exported,
        CASE WHEN d.attempts > 0 THEN d.first_dial END AS dialed_at,
        CASE WHEN d.answered THEN d.first_dial + make_interval(mins => 10 * (d.attempts - 1))
            + INTERVAL '25 seconds' END AS connected
    FROM dialed d
), rows AS MATERIALIZED (
    SELECT s.*,
        CASE s.status
            WHEN 'completed' THEN s.connected + INTERVAL '5 minutes'
            WHEN 'failed' THEN COALESCE(s.connected + INTERVAL '1 minute',
                s.first_dial + INTERVAL '21 minutes')
            WHEN 'expired' THEN s.promised_at + INTERVAL '1 hour'
            WHEN 'cancelled' THEN s.booked + (s.promised_at - s.booked) / 2
            WHEN 'rescheduled' THEN COALESCE(s.connected + INTERVAL '1 minute',
                s.booked + (s.promised_at - s.booked) / 2)
            END AS finished,
        -- the Premium campaign's script takes the call: no delivery to an agent
        CASE WHEN s.status = 'completed' AND s.r_campaign < 0.85
            THEN s.connected + INTERVAL '30 seconds' END AS delivered
    FROM stamped s
)
SELECT r.id, 'CB' || lpad(r.id::text, 10, '0'), '+48' || (500000000 + r.id),
    (500000000 + r.id)::text,
    (ARRAY['Anna', 'Piotr', 'Maria', 'Tomasz', 'Ewa', 'Adam', 'Zofia', 'Jan'])[1 + r.id %% 8],
    (ARRAY['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik', 'Kamiński', 'Lewandowska',
        'Zieliński'])[1 + r.id %% 7],
    r.promised_at,
    (r.promised_at AT TIME ZONE 'Europe/Warsaw')::date,
    EXTRACT(EPOCH FROM (r.promised_at AT TIME ZONE 'Europe/Warsaw')
        - (r.promised_at AT TIME ZONE 'UTC'))::int / 60,
    CASE WHEN r.r_campaign < 0.60 THEN %(main)s WHEN r.r_campaign < 0.85 THEN %(retail)s
        ELSE %(premium)s END,
    (%(skill_ids)s::bigint[])[array_position(
        ARRAY['Sales', 'Support', 'Billing', 'Retention'], r.skill)],
    COALESCE('agent' || lpad(r.agent::text, 2, '0'), ''),
    COALESCE('Agent ' || r.agent, ''),
    r.status, r.attempts, r.attempts,
    CASE
        WHEN r.status = 'completed' THEN 'voice'
        WHEN r.status = 'failed' AND r.answered THEN 'customer_hangup'
        WHEN r.attempts > 0 AND NOT r.answered THEN
            CASE WHEN r.r_route < 0.5 THEN 'busy' ELSE 'no_answer' END
        WHEN r.answered THEN 'voice'
        ELSE '' END,
    CASE WHEN r.r_source < 0.70 THEN 'gadget' WHEN r.r_source < 0.88 THEN 'ivr'
        WHEN r.r_source < 0.98 THEN 'api' ELSE 'admin' END,
    CASE WHEN r.r_source < 0.70 THEN 'agent' || lpad((1 + r.id %% %(agents)s)::text, 2, '0')
        WHEN r.r_source < 0.88 THEN 'ivr' WHEN r.r_source < 0.98 THEN 'crm'
        ELSE 'admin' END,
    '', '', NULL,
    r.booked,
    COALESCE(r.finished, r.connected, r.dialed_at, r.exported, r.booked),
    r.exported, r.dialed_at, r.connected, r.delivered, r.finished,
    1, ''
FROM rows r
"""

# Each callback's replacement is the next callback (ids of one day are adjacent).
RESCHEDULED_FROM_SQL = """
UPDATE callbacks_callback n SET rescheduled_from_id = o.id
FROM callbacks_callback o
WHERE o.status = 'rescheduled' AND n.id = o.id + 1 AND n.status <> 'rescheduled'
"""

# One SELECT per kind of event, all inserted in time order like the services write them.
EVENTS_SQL = """
INSERT INTO callbacks_callbackevent (callback_id, at, kind, from_status, to_status, actor,
    details)
SELECT callback_id, at, kind, from_status, to_status, actor, details FROM (
    SELECT c.id AS callback_id, c.created_at AS at, 'created' AS kind, '' AS from_status,
        'scheduled' AS to_status, c.created_by AS actor,
        jsonb_build_object('source', c.source, 'rescheduled_from', p.account_number)
            AS details
    FROM callbacks_callback c LEFT JOIN callbacks_callback p ON p.id = c.rescheduled_from_id
  UNION ALL
    SELECT id, exported_at - INTERVAL '1 second', 'export_started', 'scheduled', 'exporting',
        'exporter', jsonb_build_object('batch', 'B' || to_char(exported_at, 'YYYYMMDDHH24MI'))
    FROM callbacks_callback WHERE exported_at IS NOT NULL
  UNION ALL
    SELECT id, exported_at, 'exported', 'exporting', 'in_dialer', 'exporter',
        jsonb_build_object('batch', 'B' || to_char(exported_at, 'YYYYMMDDHH24MI'))
    FROM callbacks_callback WHERE exported_at IS NOT NULL
  UNION ALL
    SELECT c.id, c.first_dialed_at + make_interval(mins => 10 * (n - 1)), 'dial_attempt',
        'in_dialer', 'in_dialer', 'dialer',
        jsonb_build_object('attempt', n, 'result', CASE
            WHEN n = c.attempts AND c.connected_at IS NOT NULL THEN 'voice'
            WHEN (c.id + n) %% 2 = 0 THEN 'busy' ELSE 'no_answer' END)
    FROM callbacks_callback c CROSS JOIN LATERAL generate_series(1, c.attempts) AS n
    WHERE c.attempts > 0
  UNION ALL
    SELECT c.id, c.connected_at + INTERVAL '5 seconds', 'ivr_lookup', 'in_dialer', 'in_ivr',
        'ivr', jsonb_build_object('action', CASE WHEN c.campaign_id = %(premium)s THEN 'script'
            WHEN c.agent_id <> '' THEN 'agent' ELSE 'skill' END)
    FROM callbacks_callback c WHERE c.connected_at IS NOT NULL
  UNION ALL
    SELECT c.id, c.connected_at + INTERVAL '15 seconds', 'ivr_outcome', 'in_ivr',
        CASE WHEN c.last_result = 'customer_hangup' THEN 'failed' ELSE 'in_ivr' END, 'ivr',
        jsonb_build_object('outcome', CASE
            WHEN c.last_result = 'customer_hangup' THEN 'customer_hangup'
            WHEN c.status = 'rescheduled' THEN 'reschedule_requested'
            WHEN c.campaign_id = %(premium)s THEN 'transferred_script'
            WHEN c.agent_id = '' OR c.id %% 7 = 0 THEN 'queued_skill'
            ELSE 'queued_agent' END)
    FROM callbacks_callback c WHERE c.connected_at IS NOT NULL
  UNION ALL
    SELECT id, delivered_at, 'delivered', 'in_ivr', 'in_ivr',
        CASE WHEN agent_id <> '' AND id %% 7 <> 0 THEN agent_id ELSE 'agent'
            || lpad((1 + id %% %(agents)s)::text, 2, '0') END, '{}'::jsonb
    FROM callbacks_callback WHERE delivered_at IS NOT NULL
  UNION ALL
    SELECT id, finished_at - INTERVAL '1 minute', 'purged', 'in_dialer', 'in_dialer',
        'purger', jsonb_build_object('reason',
            'not dialed in time; removed from the dialing list by a purge')
    FROM callbacks_callback WHERE status = 'expired' AND id %% 3 = 0
  UNION ALL
    SELECT id, finished_at, status,
        CASE WHEN status = 'completed' THEN 'in_ivr' WHEN exported_at IS NOT NULL
            THEN 'in_dialer' ELSE 'scheduled' END,
        status,
        CASE status WHEN 'completed' THEN 'dialer' WHEN 'failed' THEN 'dialer'
            WHEN 'expired' THEN 'expirer' ELSE created_by END,
        CASE status
            WHEN 'failed' THEN jsonb_build_object('result', last_result, 'attempts', attempts)
            WHEN 'expired' THEN jsonb_build_object('reason', 'not dialed within 60 minutes')
            WHEN 'cancelled' THEN jsonb_build_object('reason', 'customer request')
            WHEN 'rescheduled' THEN jsonb_build_object('scheduled_at', scheduled_at
                + INTERVAL '1 day')
            ELSE jsonb_build_object('detail', 'the dialer connected the customer') END
    FROM callbacks_callback
    WHERE finished_at IS NOT NULL AND last_result <> 'customer_hangup'
) AS history
ORDER BY at
"""


@dataclass(frozen=True)
class Cast:
    """Ids of the configuration the generated callbacks point at."""

    campaigns: dict[str, int]
    skills: dict[str, int]


def configure() -> Cast:
    """seed_demo (Sales, Support, Callback_Main, Callback_Premium), two more skills in
    Warsaw and a third campaign."""
    from django.core.management import call_command

    from callbacks.models import CallbackCampaign
    from scheduling.models import BusinessHours, OpeningPeriod, Skill

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    calendar = BusinessHours.objects.get(name="Sales hours").holiday_calendar
    for name, opens, closes in (("Billing", 8, 18), ("Retention", 9, 17)):
        hours, _ = BusinessHours.objects.update_or_create(
            name=f"{name} hours",
            defaults={"time_zone": "Europe/Warsaw", "holiday_calendar": calendar},
        )
        for day in range(0, 5):
            OpeningPeriod.objects.get_or_create(
                business_hours=hours, weekday=day, opens=dt.time(opens), closes=dt.time(closes)
            )
        Skill.objects.update_or_create(name=name, defaults={"business_hours": hours})
    CallbackCampaign.objects.get_or_create(
        name="Callback_Retail",
        defaults={"uccx_campaign_id": 3, "presented_number": "+48223333333"},
    )
    return Cast(
        campaigns=dict(CallbackCampaign.objects.values_list("name", "pk")),
        skills=dict(Skill.objects.values_list("name", "pk")),
    )


def report_indexes() -> list[tuple[type, object]]:
    """(model, index) of every index the callbacks app declares for the report views."""
    from callbacks.models import Callback, CallbackEvent

    return [
        (model, index)
        for model in (Callback, CallbackEvent)
        for index in model._meta.indexes
        if index.name in REPORT_INDEXES
    ]


def secondary_indexes(cursor, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(tables)],
    )
    return cursor.fetchall()


def local_promises_differing(every: int = 97) -> tuple[int, int]:
    """(checked, differing): the SQL-made promised day and offset of every `every`-th
    callback against callbacks.models.local_promise, which the application uses."""
    from callbacks.models import Callback, local_promise

    sample = Callback.objects.filter(id__in=range(1, Callback.objects.count() + 1, every))
    rows = sample.values_list("scheduled_at", "local_date", "local_offset_minutes")
    differing = sum(local_promise(at, "Europe/Warsaw") != (day, offset) for at, day, offset in rows)
    return len(rows), differing


@dataclass
class Load:
    seconds: float
    steps: dict[str, float]
    callbacks: int
    events: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    sizes: dict[str, str]
    first_day: dt.date
    last_day: dt.date


def load(cast: Cast, callbacks: int, today: dt.date) -> Load:
    """The year of callbacks and events. Indexes other than the report ones rebuilt after."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from callbacks.models import Callback, CallbackEvent

    first_day = today + dt.timedelta(days=DAYS_AHEAD - DAYS)
    params = {
        "first_day": first_day,
        "days": DAYS,
        "callbacks": callbacks,
        "agents": AGENTS,
        "now": dt.datetime.now(dt.UTC),
        "main": cast.campaigns["Callback_Main"],
        "retail": cast.campaigns["Callback_Retail"],
        "premium": cast.campaigns["Callback_Premium"],
        "skill_ids": [cast.skills[name] for name in ("Sales", "Support", "Billing", "Retention")],
    }
    skip = set(REPORT_INDEXES)
    steps: dict[str, float] = {}

    def step(name: str, run: Callable[..., object], *args: object) -> None:
        began = time.perf_counter()
        run(*args)
        steps[name] = steps.get(name, 0.0) + time.perf_counter() - began

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")  # the events' sort by time
        # LLVM spends minutes compiling the generators' large expressions, for nothing.
        cursor.execute("SET LOCAL jit = off")
        # Foreign keys unchecked: the rows are consistent by construction, and the
        # constraints are deferred: 8 million checks would queue up for the commit.
        cursor.execute("SET LOCAL session_replication_role = replica")
        indexes = secondary_indexes(cursor, ("callbacks_callback", "callbacks_callbackevent"))
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SELECT setseed(0.2026)")
        step("callbacks", cursor.execute, CALLBACKS_SQL, params)
        step("replacements", cursor.execute, RESCHEDULED_FROM_SQL)
        step("events", cursor.execute, EVENTS_SQL, params)
        for name, statement in indexes:
            if name not in skip:
                step("indexes", cursor.execute, statement)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Callback, CallbackEvent]):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        step("VACUUM ANALYZE", cursor.execute, "VACUUM ANALYZE callbacks_callback")
        step("VACUUM ANALYZE", cursor.execute, "VACUUM ANALYZE callbacks_callbackevent")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, COUNT(*) FROM callbacks_callback GROUP BY 1 ORDER BY 2 DESC")
        by_status = dict(cursor.fetchall())
        cursor.execute(
            "SELECT kind, COUNT(*) FROM callbacks_callbackevent GROUP BY 1 ORDER BY 2 DESC"
        )
        by_kind = dict(cursor.fetchall())
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('callbacks_callback', 'callbacks_callbackevent')"
        )
        sizes = dict(cursor.fetchall())
    return Load(
        seconds,
        steps,
        sum(by_status.values()),
        sum(by_kind.values()),
        by_status,
        by_kind,
        sizes,
        first_day,
        first_day + dt.timedelta(days=DAYS - 1),
    )


# --- measuring -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    label: str
    sql: str
    params: tuple
    target_ms: float | None


def queries(day: dt.date, week: dt.date, first: dt.date, last: dt.date, agent: str) -> list[Query]:
    from reporting import sql

    dashboard = sql.select_measures(sql.dialect_for("postgresql"))
    return [
        Query(
            f"(a) daily summary, {SUMMARY_DAYS} days",
            "SELECT * FROM cm_daily_summary WHERE report_date BETWEEN %s AND %s",
            (first, last),
            1000,
        ),
        Query(
            "(b) callback report, 1 day",
            "SELECT * FROM cm_callback_report WHERE promised_date = %s",
            (day,),
            200,
        ),
        Query(
            "(c) attempt report, 1 day",
            "SELECT * FROM cm_callback_attempt_report WHERE promised_date = %s",
            (day,),
            None,
        ),
        Query(
            f"(d) one agent, {SUMMARY_DAYS} days",
            f"SELECT r.promised_date,\n    {dashboard},\n    "
            "SUM(r.fell_back_to_skill) AS fell_back_to_skill\n"
            "FROM cm_callback_report r WHERE r.agent_id = %s AND r.promised_date BETWEEN %s "
            "AND %s\nGROUP BY r.promised_date ORDER BY r.promised_date",
            (agent, first, last),
            None,
        ),
        Query(
            "(e) callback report, 7 days",
            "SELECT * FROM cm_callback_report WHERE promised_date BETWEEN %s AND %s",
            (week, last),
            None,
        ),
    ]


@dataclass
class Timing:
    rows: int
    seconds: list[float]
    buffers: int  # shared buffers hit or read, from EXPLAIN (ANALYZE, BUFFERS)
    plan: list[str]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000


def client() -> "psycopg.Connection":
    """A plain psycopg connection to the bench database, as a report client has: psycopg's
    C loaders read the rows. (Django's connection reads every timestamptz in pure Python,
    about 20 µs a value, Django ticket #36960: that is the dashboard's cost, not the
    database's; see django_fetch().)"""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    )


def time_query(db: "psycopg.Connection", query: Query, runs: int) -> Timing:
    """Executed and fetched `runs` times after one untimed run (warm cache), then once
    more under EXPLAIN (ANALYZE, BUFFERS): pages touched do not depend on the machine's
    load, unlike times."""
    with db.cursor() as cursor:
        rows, seconds = timed_runs(cursor, query, runs)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query.sql}", query.params)
        plan = [line for (line,) in cursor.fetchall()]
    return Timing(rows, seconds, buffers(plan), plan)


def django_fetch(query: Query, runs: int) -> Timing:
    """The same query through Django's connection (as the dashboard and CSV export read)."""
    from django.db import connection

    with connection.cursor() as cursor:
        rows, seconds = timed_runs(cursor, query, runs)
    return Timing(rows, seconds, 0, [])


def timed_runs(cursor, query: Query, runs: int) -> tuple[int, list[float]]:
    """Rows of one untimed run (warm cache), then the seconds of `runs` runs, fetched."""
    cursor.execute(query.sql, query.params)
    rows = len(cursor.fetchall())
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        cursor.execute(query.sql, query.params)
        cursor.fetchall()
        seconds.append(time.perf_counter() - started)
    return rows, seconds


def buffers(plan: list[str]) -> int:
    """The top node's shared buffers (hit + read), its children's included."""
    for line in plan[1:]:
        text = line.strip()
        if text.startswith("Buffers: shared"):
            return sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", text))
    return 0


KEY_WORDS = ("->", "Index Cond", "Filter", "Rows Removed", "Buffers", "SubPlan",
             "Hash Cond", "Join Filter", "Sort Method", "Planning Time", "Execution Time",
             "JIT", "Timing:")  # fmt: skip


def summary(plan: list[str]) -> Iterator[str]:
    """The key lines of a plan: nodes, conditions, buffers, times. InitPlans (the on-time
    tolerance read from scheduling_globalrules, once per use in the view) are counted."""
    kept, init_plans, skip_deeper = [plan[0]], 0, None
    for line in plan[1:]:
        depth = len(line) - len(line.lstrip())
        if skip_deeper is not None and depth > skip_deeper:
            continue
        skip_deeper = None
        if line.strip().startswith("InitPlan"):
            init_plans, skip_deeper = init_plans + 1, depth
        elif any(word in line for word in KEY_WORDS):
            kept.append(line)
    if init_plans:
        kept.insert(1, f"  ({init_plans} InitPlans of one row each left out)")
    for line in kept[:EXPLAIN_LINES]:
        yield line if len(line) <= 150 else line[:147] + "..."
    if len(kept) > EXPLAIN_LINES:
        yield f"    ... {len(kept) - EXPLAIN_LINES} more lines"


def measure(label: str, plan: list[Query], runs: int, show_plans: bool) -> dict[str, Timing]:
    with client() as db:
        timings = {query.label: time_query(db, query, runs) for query in plan}
    for query in plan:
        timing = timings[query.label]
        missed = query.target_ms is not None and timing.median_ms > query.target_ms
        if show_plans or missed:
            print(f"\n{label}: {query.label}{' (MISS)' if missed else ''}")
            for line in summary(timing.plan):
                print(f"  {line}")
    return timings


def build_report_indexes() -> list[tuple[str, float]]:
    """Create the report indexes as their migrations do; (name, seconds) each."""
    from django.db import connection

    built = []
    for model, index in report_indexes():
        started = time.perf_counter()
        with connection.schema_editor() as editor:
            editor.add_index(model, index)
        built.append((index.name, time.perf_counter() - started))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE callbacks_callback")
        cursor.execute("ANALYZE callbacks_callbackevent")
    return built


def verdict(query: Query, timing: Timing) -> str:
    if query.target_ms is None:
        return "(no target)"
    ok = timing.median_ms <= query.target_ms
    return f"median <= {query.target_ms:,.0f} ms: {'OK' if ok else 'MISS'}"


def print_table(plan: list[Query], phases: dict[str, dict[str, Timing]]) -> None:
    """One row a query, three columns a round; the verdict is on the migrated state."""
    print("\n" + " " * 38 + "".join(f"{f'{label} (ms)':>26}" for label in phases))
    print(
        f"{'query':<30}{'rows':>8}"
        + f"{'median':>8}{'max':>8}{'buffers':>10}" * len(phases)
        + f"  target ({SHIPPED})"
    )
    for query in plan:
        timings = [timings[query.label] for timings in phases.values()]
        print(
            f"{query.label:<30}{timings[-1].rows:>8,}"
            + "".join(f"{t.median_ms:>8.1f}{t.max_ms:>8.1f}{t.buffers:>10,}" for t in timings)
            + f"  {verdict(query, phases[SHIPPED][query.label])}"
        )


def report_day(today: dt.date) -> dt.date:
    """A weekday a week ago: a full day, every skill open."""
    day = today - dt.timedelta(days=7)
    while day.isoweekday() > 5:
        day -= dt.timedelta(days=1)
    return day


def run_here(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="cm-bench-reporting-") as var_dir:
        setup_django(var_dir)
        from django.db import connection

        if connection.vendor != "postgresql":
            raise SystemExit("bench/reporting.py runs on PostgreSQL only (see its docstring)")
        cast = configure()
        today = dt.datetime.now(dt.UTC).date()
        data = load(cast, args.callbacks, today)
        print(
            f"\n== Reporting benchmark on {database_description()}; {machine_description()}\n"
            f"generated {data.callbacks:,} callbacks and {data.events:,} events "
            f"({data.first_day} .. {data.last_day}, {data.callbacks / DAYS:,.0f} a day) in "
            f"{data.seconds:.1f} s; sizes {data.sizes}"
        )
        print("generation steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in data.steps.items()))
        checked, differing = local_promises_differing()
        print(
            f"local_date and local_offset_minutes of {checked:,} callbacks against "
            f"callbacks.models.local_promise: {differing} differ"
        )
        print(f"callbacks by status: {data.by_status}")
        print(f"events by kind: {data.by_kind}")
        last = today - dt.timedelta(days=1)
        first = last - dt.timedelta(days=SUMMARY_DAYS - 1)
        week = last - dt.timedelta(days=6)
        day = report_day(today)
        plan = queries(day, week, first, last, agent="agent07")
        print(
            f"warm cache, {args.runs} runs after one untimed run; (a)/(d) {first} .. {last}, "
            f"(b)/(c) {day}, (d) agent07, (e) {week} .. {last}"
        )
        phases = {"no indexes": measure("no indexes", plan, args.runs, args.explain)}
        built = build_report_indexes()
        names = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in built)
        print(f"\nreport indexes built (+ ANALYZE): {names or 'none declared'}")
        phases[SHIPPED] = measure(SHIPPED, plan, args.runs, args.explain)
        via_django = django_fetch(plan[1], args.runs)
    print_table(plan, phases)
    print(
        f"{plan[1].label} through Django's connection (dashboard, CSV export): median "
        f"{via_django.median_ms:.1f} ms, max {via_django.max_ms:.1f} ms; Django reads each "
        "timestamptz in pure Python (Django ticket #36960): 8 such columns a row"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--here", action="store_true", help="the PostgreSQL of DATABASE_URL")
    parser.add_argument("--callbacks", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per query")
    parser.add_argument("--explain", action="store_true", help="plans of every query")
    args = parser.parse_args()
    if args.here or os.environ.get("DATABASE_URL", "").startswith("postgres"):
        run_here(args)
        return
    passthrough = [f"--callbacks={args.callbacks}", f"--runs={args.runs}", "--here"]
    passthrough += ["--explain"] * args.explain
    script = os.path.abspath(__file__)
    command = [str(ROOT / "scripts/with-postgres.sh"), sys.executable, script, *passthrough]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
