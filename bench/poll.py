"""Poll benchmark: dialing results of 50,000 contacts read from db_cra and applied in bulk.

Not a test: it prints figures and compares them with the targets, never fails on a miss.

    python bench/poll.py                    # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/poll.py --here             # only the database DATABASE_URL points at
    python bench/poll.py --rows 20000

Setup: the export benchmark's all-day configuration; a DialingList in the simulator's
SQLite file (tables made by the simulator's Store, rows inserted with sqlite3 in the
shape of uccx_integration.mapping) with a realistic mix: 10 % pending, 55 % retry after
1-2 busy / no-answer attempts, 20 % closed as answered (VOICE) with an
AgentConnectionDetail row, 5 % closed as fax / invalid number, 10 % MAX_CALLS after 3
attempts; every 5th contact in Callback_Premium (campaign 2, external script), the rest
in Callback_Main. The Campaign Manager holds one `in_dialer` callback per contact.

Measured: `services.poll_dialer_results()` reading the file through pyodbc, unixODBC and
the SQLite3 ODBC driver, as in production with Informix. Django SQL statements are
counted with connection.execute_wrapper, db_cra queries by the client. The same run with
half the rows shows how the query count grows: per batch of 1,000 rows, not per row.
The first poll is the worst case (every contact has news); then a second poll of the
larger list, nothing new in it: the steady state every 120 s. The poll's CPU time in this
process is shown beside its wall time (the database server's is not in it).
Targets: 50,000 rows in <= 10 s; queries per batch the same at both sizes.
"""

import argparse
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api import setup_django
from export import (
    database_description,
    insert_callbacks,
    load_all_day_config,
    machine_description,
    run_on_both_databases,
)

TARGET_SECONDS = 10.0
PREMIUM_EVERY = 5  # every 5th contact belongs to Callback_Premium
HALF_FIRST_PK = 1_000_001  # the half-size run's callbacks and contacts start here


@dataclass
class PollRun:
    label: str
    rows: int
    seconds: float
    cpu: float  # this process only: not the database server's
    django_queries: int
    odbc_queries: int
    counts: dict[str, int]

    @property
    def batches(self) -> int:
        return self.counts.get("batches", 0)

    def per_batch(self) -> float:
        return (self.django_queries + self.odbc_queries) / max(1, self.batches)

    def per_thousand_rows(self) -> float:
        return (self.django_queries + self.odbc_queries) * 1000 / max(1, self.rows)


# --- the dialing list ----------------------------------------------------------------------
def dialing_state(rng: random.Random) -> tuple[int, int | None, int, bool]:
    """(callstatus, callresult, attempts, agent connected) of one contact."""
    from uccx_integration.mapping import CallResult, CallStatus

    roll = rng.random()
    retried = rng.choice([CallResult.BUSY, CallResult.NO_ANSWER])
    if roll < 0.10:
        return CallStatus.PENDING, None, 0, False
    if roll < 0.65:
        return CallStatus.RETRY, retried, rng.randint(1, 2), False
    if roll < 0.85:
        return CallStatus.CLOSED, CallResult.VOICE, rng.randint(1, 3), True
    if roll < 0.90:
        closing = rng.choice([CallResult.FAX, CallResult.INVALID_NUMBER])
        return CallStatus.CLOSED, closing, rng.randint(1, 3), False
    return CallStatus.MAX_CALLS, retried, 3, False


def fill_dialing_list(path: str, pks: Sequence[int], seed: int = 7) -> None:
    """One DialingList row per callback pk (dialinglistid = pk) and the agent legs."""
    from callbacks.models import Callback
    from uccx_integration import mapping as m
    from uccx_integration.simulator.store import Store

    Store(path).close()  # the simulator's own tables and index
    rng = random.Random(seed)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    contacts: list[tuple[Any, ...]] = []
    agent_legs: list[tuple[Any, ...]] = []
    for pk in pks:
        status, result, attempts, agent = dialing_state(rng)
        campaign_id = 2 if pk % PREMIUM_EVERY == 0 else 1
        number = f"600{pk:06d}"
        contacts.append(
            (pk, campaign_id, Callback.account_number_for(pk), "Bench", f"Customer {pk}",
             number, status, result, result, min(attempts, 3), attempts,
             number if attempts else None, stamp)
        )  # fmt: skip
        if agent:
            agent_legs.append((pk, 0, 1, 1, 1, result, pk, stamp, stamp))
    contact_columns = (
        m.DIALING_LIST_ID, m.CAMPAIGN_ID, m.ACCOUNT_NUMBER, m.FIRST_NAME, m.LAST_NAME,
        m.PHONE_01, m.CALL_STATUS, m.CALL_RESULT, m.CALL_RESULT_01, m.CALLS_MADE_TO_PHONE_01,
        m.DIALING_ATTEMPTS, m.LAST_NUMBER_DIALED, m.LAST_UPDATE_TIME,
    )  # fmt: skip
    with sqlite3.connect(path) as db:
        db.executemany(_insert_sql(m.DIALING_LIST.name, contact_columns), contacts)
        agent = m.AGENT_CONNECTION_DETAIL
        db.executemany(_insert_sql(agent.name, agent.column_names), agent_legs)
    db.close()


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def populate(count: int, first_pk: int, dialing_list: str) -> list[int]:
    """`count` in_dialer callbacks and their DialingList rows; returns the pks."""
    from django.utils import timezone

    from callbacks.models import CallbackCampaign, Status

    main, premium = (CallbackCampaign.objects.get(uccx_campaign_id=i) for i in (1, 2))
    pks = insert_callbacks(
        count,
        first_pk=first_pk,
        status=Status.IN_DIALER,
        scheduled_at=timezone.now(),
        campaign_for=lambda pk: premium if pk % PREMIUM_EVERY == 0 else main,
    )
    fill_dialing_list(dialing_list, pks)
    return pks


# --- measuring -----------------------------------------------------------------------------
def time_poll(label: str, rows: int, dialing_list: str) -> PollRun:
    from django.db import connection

    from uccx_integration import services
    from uccx_integration.informix import InformixClient

    class CountingInformix(InformixClient):
        queries = 0

        def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
            CountingInformix.queries += 1
            return super()._fetch(sql, params)

    django_queries = 0

    def count(execute, sql, params, many, context):
        nonlocal django_queries
        django_queries += 1
        return execute(sql, params, many, context)

    informix = CountingInformix(f"DRIVER=SQLite3;Database={dialing_list};NoCreat=1")
    try:
        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            summary = services.poll_dialer_results(informix=informix)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        informix.close()
    if summary.errors:
        print(f"  {label}: errors {summary.errors}")
    return PollRun(
        label, rows, seconds, cpu, django_queries, CountingInformix.queries, summary.counts
    )


def outcome_counts() -> dict[str, int]:
    from django.db.models import Count

    from callbacks.models import Callback

    rows = Callback.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    return dict(rows)


def print_runs(runs: list[PollRun]) -> None:
    print(
        f"{'run':<30}{'rows':>8}{'seconds':>9}{'cpu s':>7}{'rows/s':>9}{'SQL':>7}{'ODBC':>6}"
        f"{'batches':>9}{'q/batch':>9}{'q/1000 rows':>13}"
    )
    for r in runs:
        print(
            f"{r.label:<30}{r.rows:>8,}{r.seconds:>9.2f}{r.cpu:>7.2f}{r.rows / r.seconds:>9.0f}"
            f"{r.django_queries:>7}{r.odbc_queries:>6}{r.batches:>9}{r.per_batch():>9.1f}"
            f"{r.per_thousand_rows():>13.1f}"
        )


def run_here(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="cm-bench-poll-") as var_dir:
        setup_django(var_dir)
        load_all_day_config()
        full_list = os.path.join(var_dir, "db_cra-full.sqlite3")
        half_list = os.path.join(var_dir, "db_cra-half.sqlite3")
        started = time.perf_counter()
        populate(args.rows, 1, full_list)
        populate(args.rows // 2, HALF_FIRST_PK, half_list)
        print(
            f"\n== Poll benchmark on {database_description()} — {args.rows:,} + "
            f"{args.rows // 2:,} in_dialer callbacks and DialingList rows loaded in "
            f"{time.perf_counter() - started:.1f} s; {machine_description()}; "
            "db_cra = SQLite file over pyodbc + SQLite3 ODBC driver"
        )
        full = time_poll("first poll", args.rows, full_list)
        half = time_poll("first poll, half the rows", args.rows // 2, half_list)
        repeat = time_poll("second poll, nothing new", args.rows, full_list)
        statuses = outcome_counts()
    print_runs([full, half, repeat])
    print(f"first poll applied: {full.counts}")
    print(f"callbacks by status after both lists: {statuses}")
    fast = full.seconds <= TARGET_SECONDS
    print(
        f"time: {args.rows:,} rows in {full.seconds:.2f} s "
        f"(target <= {TARGET_SECONDS:.0f} s): {'OK' if fast else 'MISS'}"
    )
    # Per batch, not per row: the same queries per batch at both sizes, and far fewer
    # queries than rows.
    steady = abs(full.per_batch() - half.per_batch()) <= 0.1 * half.per_batch()
    few = full.per_thousand_rows() < 100
    print(
        f"queries: {full.per_batch():.1f} per batch at {args.rows:,} rows, "
        f"{half.per_batch():.1f} at {args.rows // 2:,}; {full.per_thousand_rows():.1f} per "
        f"1,000 rows (grow per batch, not per row): {'OK' if steady and few else 'MISS'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--here", action="store_true", help="only the current DATABASE_URL")
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    run_on_both_databases(args, run_here, [f"--rows={args.rows}"])


if __name__ == "__main__":
    main()
