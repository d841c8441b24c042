"""Export benchmark: 10,000 due callbacks into the UCCX simulator, against bare HTTP posts.

Not a test: it prints figures and compares them with the target, never fails on a miss.

    python bench/export.py                  # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/export.py --here           # only the database DATABASE_URL points at
    python bench/export.py --callbacks 2000 --rounds 1

Setup: demo configuration, then a skill open 00:00-24:00 every day without holidays and
global rules whose callback and customer windows cover the whole day, so the dial-time
re-check passes at whatever hour the bench runs (only the simulator's campaign window,
00:00-23:59 Warsaw, shuts one minute a day: the summary then says campaigns_closed). Each
round inserts 10,000 callbacks of Callback_Main (UCCX campaign 1) with bulk_create,
`scheduled`, 30 s ago (within the expiry): all due.

Measured, each against the simulator as its own process (dialer off) on a fresh SQLite
file, on the same 2-core machine:
- export: `services.export_due_callbacks()` — claim, rules re-check, per batch of
  `campaign.batch_size` (500) the import status read before the POST, the POST, the
  import status read until UCCX reports the run (asynchronous import), state
  transitions, events, ExportBatch records;
- baseline: the same contacts in the same batches, each body built with
  `UccxClient.contacts_document` and posted with requests: the least any exporter does.
The simulator's own import work is inside both. Three rounds; the best time of each side
counts (the machine is shared: the best round is the least disturbed one). The export's
CPU time in this process is shown beside its wall time. Target: export <= 1.3 x baseline.
"""

import argparse
import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from api import ROOT, bench_callback, free_port, setup_django

TARGET_RATIO = 1.3
USERNAME = "administrator"
PASSWORD = "bench-secret"
CAMPAIGN = "Callback_Main"  # UCCX campaign 1 in seed_demo and in the simulator
ALL_DAY_SKILL = "Bench 24h"


# --- helpers shared with bench/poll.py ---------------------------------------------------
def load_all_day_config() -> None:
    """seed_demo, a skill open around the clock, and rules that allow every hour.

    The bench may run at night: the demo skills are closed then and every callback would
    be moved to the next slot instead of being exported.
    """
    from django.core.management import call_command

    from scheduling.models import BusinessHours, GlobalRules, OpeningPeriod, Skill, Weekday

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    hours, _ = BusinessHours.objects.update_or_create(
        name="Bench all day", defaults={"time_zone": "Europe/Warsaw", "holiday_calendar": None}
    )
    hours.periods.all().delete()
    for day in Weekday.values:  # save() per row: the signal bumps the config version
        OpeningPeriod.objects.create(
            business_hours=hours, weekday=day, opens=dt.time(0), closes=dt.time(0)
        )
    Skill.objects.update_or_create(
        name=ALL_DAY_SKILL, defaults={"business_hours": hours, "enabled": True}
    )
    rules = GlobalRules.load()
    rules.earliest_time = rules.latest_time = dt.time(0)  # 00:00-24:00
    rules.customer_earliest_time = rules.customer_latest_time = dt.time(0)
    rules.save()


def insert_callbacks(
    count: int,
    *,
    status: str,
    scheduled_at: dt.datetime,
    campaign_for: Callable[[int], object],
    first_pk: int = 1,
) -> list[int]:
    """`count` valid callbacks of the all-day skill in one bulk insert; returns their pks."""
    from django.core.management.color import no_style
    from django.db import connection

    from callbacks.models import Callback
    from scheduling.models import Skill

    skill = Skill.objects.get(name=ALL_DAY_SKILL)
    pks = list(range(first_pk, first_pk + count))
    Callback.objects.bulk_create(
        (
            bench_callback(
                pk,
                scheduled_at=scheduled_at,
                campaign=campaign_for(pk),
                skill=skill,
                status=status,
            )
            for pk in pks
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:  # explicit pks: PostgreSQL's sequence must follow
        for sql in connection.ops.sequence_reset_sql(no_style(), [Callback]):
            cursor.execute(sql)
        # Statistics as autovacuum would keep them: planned on an empty table's statistics,
        # PostgreSQL scans the whole status index for every `id IN (...)` batch.
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Callback._meta.db_table)}")
    return pks


@contextlib.contextmanager
def simulator_process(db_path: str) -> Iterator[str]:
    """`python -m uccx_integration.simulator` on a free port (dialer off); yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "uccx_integration.simulator", "--port", str(port)]
    command += ["--db", db_path, "--user", USERNAME, "--password", PASSWORD]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise SystemExit("the UCCX simulator did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    return f"{connection.vendor} {version}"


def machine_description() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{cores} cores, load {load}"


def run_on_both_databases(args: argparse.Namespace, run_here: Callable, passthrough: list) -> None:
    """Like bench/api.py: this database only with --here (or under PostgreSQL), otherwise
    SQLite then PostgreSQL, each in a process of its own."""
    if args.here or os.environ.get("DATABASE_URL", "").startswith("postgres"):
        run_here(args)
        return
    script = os.path.abspath(sys.argv[0])
    subprocess.run([sys.executable, script, *passthrough, "--here"], check=True)
    subprocess.run(
        [str(ROOT / "scripts/with-postgres.sh"), sys.executable, script, *passthrough, "--here"],
        check=True,
    )


# --- this benchmark ----------------------------------------------------------------------
def simulator_contacts(db_path: str) -> int:
    from uccx_integration.simulator.store import Store

    store = Store(db_path)
    try:
        return store.count_contacts(1)
    finally:
        store.close()


def time_export(url: str) -> tuple[float, float, dict[str, int], list[str]]:
    """(wall seconds, this process's CPU seconds, summary counts, errors)."""
    from uccx_integration import services
    from uccx_integration.client import UccxClient

    client = UccxClient(url, username=USERNAME, password=PASSWORD)
    started, cpu = time.perf_counter(), time.process_time()
    summary = services.export_due_callbacks(client=client)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, summary.counts, summary.errors


def time_baseline(url: str, pks: list[int]) -> tuple[float, float]:
    """(seconds building bodies, seconds posting) for the same contacts and batches."""
    import requests

    from callbacks.models import Callback, CallbackCampaign
    from uccx_integration.client import UccxClient
    from uccx_integration.services import contact_row

    campaign = CallbackCampaign.objects.get(name=CAMPAIGN)
    callbacks = list(Callback.objects.filter(pk__in=pks).order_by("scheduled_at", "pk"))
    client = UccxClient(url, username=USERNAME, password=PASSWORD)  # builds the bodies only
    session = requests.Session()
    session.auth = (USERNAME, PASSWORD)
    headers = {"Accept": "application/xml", "Content-Type": "application/xml; charset=utf-8"}
    endpoint = f"{url}/adminapi/campaign/{campaign.uccx_campaign_id}/contacts"
    building = posting = 0.0
    for start in range(0, len(callbacks), campaign.batch_size):
        began = time.perf_counter()
        rows = [contact_row(c) for c in callbacks[start : start + campaign.batch_size]]
        body = client.contacts_document(campaign.uccx_campaign_id, campaign.name, rows)
        data = body.encode("utf-8")
        built = time.perf_counter()
        session.post(endpoint, data=data, headers=headers, timeout=30).raise_for_status()
        building += built - began
        posting += time.perf_counter() - built
    return building, posting


@dataclass
class Round:
    export: float
    export_cpu: float
    export_counts: dict[str, int]
    export_contacts: int
    building: float
    posting: float
    baseline_contacts: int

    @property
    def baseline(self) -> float:
        return self.building + self.posting


def one_round(var_dir: str, number: int, count: int) -> Round:
    """Fresh due callbacks exported to one fresh simulator, then posted to another."""
    from django.utils import timezone

    from callbacks.models import CallbackCampaign, Status

    campaign = CallbackCampaign.objects.get(name=CAMPAIGN)
    pks = insert_callbacks(
        count,
        first_pk=1 + number * count,
        status=Status.SCHEDULED,
        scheduled_at=timezone.now() - dt.timedelta(seconds=30),
        campaign_for=lambda pk: campaign,
    )
    export_db = os.path.join(var_dir, f"uccx-export-{number}.sqlite3")
    with simulator_process(export_db) as url:
        seconds, cpu, counts, errors = time_export(url)
    if errors:
        print(f"  round {number + 1}: export errors {errors}")
    baseline_db = os.path.join(var_dir, f"uccx-baseline-{number}.sqlite3")
    with simulator_process(baseline_db) as url:
        building, posting = time_baseline(url, pks)
    return Round(
        seconds,
        cpu,
        counts,
        simulator_contacts(export_db),
        building,
        posting,
        simulator_contacts(baseline_db),
    )


def run_here(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="cm-bench-export-") as var_dir:
        setup_django(var_dir)
        load_all_day_config()
        print(
            f"\n== Export benchmark on {database_description()} — {args.callbacks:,} due "
            f"callbacks per round, {args.rounds} rounds; {machine_description()}; "
            "batch size 500; simulator as its own process"
        )
        rounds = [one_round(var_dir, number, args.callbacks) for number in range(args.rounds)]
    print(
        f"{'round':<7}{'export s':>9}{'cpu s':>7}{'contacts':>10}{'baseline s':>12}{'bodies s':>10}"
        f"{'contacts':>10}{'ratio':>7}  export summary"
    )
    for number, r in enumerate(rounds, 1):
        print(
            f"{number:<7}{r.export:>9.2f}{r.export_cpu:>7.2f}{r.export_contacts:>10,}{r.baseline:>12.2f}"
            f"{r.building:>10.2f}{r.baseline_contacts:>10,}{r.export / r.baseline:>7.2f}"
            f"  {r.export_counts}"
        )
    # Best of the rounds on both sides: the least disturbed by whatever else runs.
    export = min(r.export for r in rounds)
    baseline = min(r.baseline for r in rounds)
    ratio = export / baseline
    complete = all(r.export_contacts == r.baseline_contacts == args.callbacks for r in rounds)
    print(
        f"best: export {export:.2f} s ({args.callbacks / export:,.0f} contacts/s), baseline "
        f"{baseline:.2f} s ({args.callbacks / baseline:,.0f} contacts/s); ratio {ratio:.2f} x "
        f"(target <= {TARGET_RATIO} x, {args.callbacks:,} contacts in the simulator "
        f"every time: {'yes' if complete else 'NO'}): "
        f"{'OK' if ratio <= TARGET_RATIO and complete else 'MISS'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--here", action="store_true", help="only the current DATABASE_URL")
    parser.add_argument("--callbacks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="the best round counts")
    args = parser.parse_args()
    passthrough = [f"--callbacks={args.callbacks}", f"--rounds={args.rounds}"]
    run_on_both_databases(args, run_here, passthrough)


if __name__ == "__main__":
    main()
