"""Benchmark of the rules engine: evaluate() per candidate and 30 days of free slots.

Run from the repository root:  python bench/rules.py
It builds its own SQLite database in a fresh temporary CM_VAR_DIR (never DATABASE_URL),
loads the demo configuration, reads RulesConfig once and times the engine with
time.perf_counter_ns. A missed target is reported, never fatal: the exit code is 0.

Two usage providers are timed: the engine's own (no stored callbacks: the engine alone,
where the targets apply) and the one the callbacks app registers (one query per
evaluation or slot search on an empty callbacks table: what the API pays).
"""

import contextlib
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
VAR_DIR = tempfile.mkdtemp(prefix="cm-bench-rules.")
os.environ["DJANGO_SETTINGS_MODULE"] = "campaign_manager.settings"
os.environ["DEBUG"] = "true"
os.environ["CM_VAR_DIR"] = VAR_DIR
os.environ.pop("DATABASE_URL", None)  # never migrate or seed a real database

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from scheduling import rules  # noqa: E402
from scheduling.phones import PhoneError, parse_phone  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # Friday 10:00 in Warsaw
CANDIDATES = 10_000
SLOT_DAYS = 30
SLOT_REPEATS = 30
EVALUATE_TARGET_US = 50
SLOTS_TARGET_MS = 25
PHONES = [
    None,
    "+48 22 123 45 67",
    "+48 512 345 678",
    "0048221234567",
    "+1 212 736 5000",
    "+7 912 345 67 89",
    "12",  # invalid_phone
]
SKILLS = ["Sales", "Support", "Sales", "Support", "Marketing"]  # Marketing: unknown_skill


def candidates(count: int, seed: int = 20261120) -> list[rules.Candidate]:
    """Varied skills and phones; times over the next 31 days, some past, some invalid."""
    pick = random.Random(seed)
    made = []
    for _ in range(count):
        minutes = pick.randint(-60, 31 * 24 * 60)
        when = NOW + dt.timedelta(minutes=minutes)
        roll = pick.random()
        if roll < 0.45:
            scheduled = when.astimezone(rules.UTC)  # aware
        elif roll < 0.9:
            scheduled = when.astimezone(rules.UTC).replace(tzinfo=None).isoformat()  # naive
        elif roll < 0.97:
            scheduled = when.isoformat()  # string with an offset
        else:
            scheduled = "tomorrow-ish"  # invalid_datetime
        made.append(rules.Candidate(pick.choice(SKILLS), scheduled, pick.choice(PHONES)))
    return made


def warm_phone_cache(config: rules.RulesConfig) -> None:
    for raw in PHONES:
        if raw is None:
            continue
        # Invalid numbers raise every time; valid ones are cached from now on.
        with contextlib.suppress(PhoneError):
            parse_phone(raw, config.phone_policy)


def time_each(calls: list[Callable[[], object]]) -> list[int]:
    durations = []
    for call in calls:
        started = time.perf_counter_ns()
        call()
        durations.append(time.perf_counter_ns() - started)
    return durations


def percentile(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_evaluate(config: rules.RulesConfig) -> tuple[dict[str, float], dict[str, int]]:
    batch = candidates(CANDIDATES)
    for candidate in batch[:500]:  # warm-up: holiday tables, zone objects, phone cache
        rules.evaluate(candidate, config=config, now=NOW)
    durations = time_each([lambda c=c: rules.evaluate(c, config=config, now=NOW) for c in batch])
    valid = sum(not rules.evaluate(c, config=config, now=NOW) for c in batch)
    figures = {
        "median": statistics.median(durations) / 1000,
        "p95": percentile(durations, 0.95) / 1000,
        "p99": percentile(durations, 0.99) / 1000,
    }
    return figures, {"valid": valid, "invalid": len(batch) - valid}


def bench_slots(config: rules.RulesConfig, skill: str) -> tuple[dict[str, float], int]:
    start = NOW.astimezone(config.skills[skill].zone).date()

    def search():
        return rules.free_slots(skill, start, SLOT_DAYS, config=config, now=NOW)

    search()  # warm-up
    durations = time_each([search] * SLOT_REPEATS)
    offered = sum(len(day.slots) for day in search())
    figures = {
        "median": statistics.median(durations) / 1e6,
        "p95": percentile(durations, 0.95) / 1e6,
    }
    return figures, offered


def row(label: str, value: float, unit: str, target: float | None) -> str:
    verdict = "" if target is None else ("OK" if value <= target else "MISS")
    goal = "" if target is None else f"<= {target:g} {unit}"
    return f"  {label:<44} {value:>9.1f} {unit:<3} {goal:<11} {verdict}"


def nproc() -> int:
    # Like nproc(1): the CPUs this process may run on, not all the machine has.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load() -> str:
    if hasattr(os, "getloadavg"):
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    return "n/a"


def database_description() -> str:
    version = ""
    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    return f"{connection.vendor} {version}".strip()


def run_with_provider(
    provider: rules.SlotUsage, name: str, config: rules.RulesConfig, *, engine_only: bool
) -> None:
    # The evaluate target is for the engine alone; with the callbacks app's provider each
    # evaluation also runs one SQL query, reported for information only.
    previous = rules._slot_usage
    rules.register_slot_usage(provider)
    try:
        evaluation, outcome = bench_evaluate(config)
        print(f"\nusage provider: {name}")
        print(
            f"  evaluate: {CANDIDATES:,} candidates "
            f"({outcome['valid']:,} valid, {outcome['invalid']:,} invalid), per candidate"
        )
        target = EVALUATE_TARGET_US if engine_only else None
        print(
            row(
                "median (incl. 1 query)" if not engine_only else "median",
                evaluation["median"],
                "µs",
                target,
            )
        )
        print(row("p95", evaluation["p95"], "µs", None))
        print(row("p99", evaluation["p99"], "µs", None))
        for skill in ("Sales", "Support"):
            slots, offered = bench_slots(config, skill)
            print(
                f"  free_slots {skill}: {SLOT_DAYS} days of {config.slot_minutes}-minute slots "
                f"({offered} offered), {SLOT_REPEATS} runs, per run"
            )
            print(row("median", slots["median"], "ms", SLOTS_TARGET_MS))
            print(row("p95", slots["p95"], "ms", None))
    finally:
        rules.register_slot_usage(previous)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    config = rules.RulesConfig.load()
    warm_phone_cache(config)

    print("Rules engine benchmark (bench/rules.py)")
    print(
        f"machine: nproc {nproc()} ({os.cpu_count()} CPUs), load {load()}, "
        f"{platform.machine()}, Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )
    print(f"database: {database_description()} (fresh, in {VAR_DIR})")
    print(f"now: {NOW.isoformat()}; skills: {', '.join(sorted(config.skills))}")

    run_with_provider(
        rules._no_usage, "engine default (no stored callbacks)", config, engine_only=True
    )
    registered = rules._slot_usage
    if registered is not rules._no_usage:
        label = f"{registered.__module__}.{registered.__name__} (empty table)"
        run_with_provider(registered, label, config, engine_only=False)
    print("\nTargets: evaluate median <= 50 µs; 30 days of slots <= 25 ms per skill.")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
