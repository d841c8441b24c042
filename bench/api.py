"""API benchmark: the app under gunicorn (2 workers) on loopback, driven at fixed concurrency.

Not a test: it prints figures and compares them with the targets, never fails on a miss.

    python bench/api.py                 # SQLite, then PostgreSQL (scripts/with-postgres.sh)
    python bench/api.py --here          # only the database DATABASE_URL points at
    python bench/api.py --seconds 5 --concurrency 8 --callbacks 20000

Setup: demo configuration, 100,000 stored callbacks (history plus pending ones across
the next 30 days), a gadget and an IVR key. Slot capacity is raised to 1,000 so that
the create scenario measures creating, not the slot_full answer. The load generator
(asyncio + aiohttp) runs on the same 2-core machine as the server, so its own cost is
inside the figures; the floor endpoint (an authenticated no-op) shows that cost.
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {  # endpoint: p99 target in ms
    "ivr_lookup": 20,
    "create": 60,
    "slots_7d": 40,
}


def bench_callback(pk: int, **fields):
    """A callback stored as is (no booking rules), its numbers and customer made from pk."""
    from callbacks.models import Callback

    return Callback(
        pk=pk,
        account_number=Callback.account_number_for(pk),
        phone_number=f"+48600{pk:06d}",
        dial_number=f"600{pk:06d}",
        first_name="Bench",
        last_name=f"Customer {pk}",
        **fields,
    )


def setup_django(var_dir: str) -> None:
    os.environ["CM_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_manager.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def populate(count: int) -> dict:
    """Demo config + `count` callbacks inserted in bulk; returns keys and account numbers."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from callbacks.models import ApiKey, Callback, CallbackCampaign, Status
    from scheduling.models import GlobalRules, Skill

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    rules = GlobalRules.load()
    rules.slot_capacity = 1000
    rules.save()

    campaigns = list(CallbackCampaign.objects.all())
    skills = list(Skill.objects.all())
    now = timezone.now()
    rng = random.Random(7)
    rows = []
    dialing = []
    for pk in range(1, count + 1):
        share = pk % 10
        if share < 7:  # history: finished in the last 60 days
            status = rng.choice([Status.COMPLETED, Status.FAILED, Status.EXPIRED])
            when = now - dt.timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
        elif share == 7:  # in the dialer now: the IVR looks these up
            status = Status.IN_DIALER
            when = now - dt.timedelta(minutes=rng.randrange(1, 30))
        else:  # waiting, within opening hours over the next 30 days
            status = Status.SCHEDULED
            day = now + dt.timedelta(days=rng.randrange(1, 30))
            when = day.replace(hour=rng.randrange(8, 18), minute=rng.choice([0, 15, 30, 45]))
        account = Callback.account_number_for(pk)
        if status == Status.IN_DIALER:
            dialing.append(account)
        rows.append(
            bench_callback(
                pk,
                scheduled_at=when,
                campaign=campaigns[pk % len(campaigns)],
                skill=skills[pk % len(skills)],
                agent_id="agent1" if pk % 3 == 0 else "",
                status=status,
            )
        )
    Callback.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Callback]):
            cursor.execute(sql)
    _, gadget = ApiKey.objects.create_key(name="bench gadget", scope="gadget")
    _, ivr = ApiKey.objects.create_key(name="bench ivr", scope="ivr")
    return {"gadget": gadget, "ivr": ivr, "dialing": dialing}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "campaign_manager.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback, no proxy: no redirect to https, no access log.
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "warning",
            # Throttling is measured by the tests; here it would only turn load into 429s.
            "API_RATE_GADGET": "1000000/min",
            "API_RATE_IVR": "1000000/min",
        },
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def scenarios(keys: dict, base: str) -> dict:
    """name -> function(i) returning (method, url, headers, json body, expected status)."""
    gadget = {"Authorization": f"Api-Key {keys['gadget']}"}
    ivr = {"Authorization": f"Api-Key {keys['ivr']}"}
    dialing = keys["dialing"]
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    while tomorrow.weekday() >= 5:
        tomorrow += dt.timedelta(days=1)
    counter = iter(range(10_000_000))

    def body() -> dict:
        n = next(counter)
        minute = (n % 40) * 15
        return {
            "phone_number": f"+48500{n:06d}",
            "scheduled_at": f"{tomorrow.isoformat()}T{8 + minute // 60:02d}:{minute % 60:02d}",
            "campaign": "Callback_Main",
            "skill": "Support",
            "first_name": "Load",
            "last_name": f"Test {n}",
        }

    return {
        "floor": lambda i: ("GET", f"{base}/api/v1/ping", gadget, None, 200),
        "ivr_lookup": lambda i: (
            "GET",
            f"{base}/api/v1/ivr/callbacks/{dialing[i % len(dialing)]}",
            ivr,
            None,
            200,
        ),
        "create": lambda i: ("POST", f"{base}/api/v1/callbacks", gadget, body(), 201),
        "validate": lambda i: ("POST", f"{base}/api/v1/callbacks/validate", gadget, body(), 200),
        "slots_7d": lambda i: (
            "GET",
            f"{base}/api/v1/slots?skill=Sales&date={tomorrow.isoformat()}&days=7",
            gadget,
            None,
            200,
        ),
    }


async def drive(make, seconds: float, concurrency: int) -> dict:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    counter = iter(range(10_000_000))

    async def worker(session):
        nonlocal errors
        while time.perf_counter() < stop:
            method, url, headers, body, expected = make(next(counter))
            started = time.perf_counter()
            async with session.request(method, url, headers=headers, json=body) as response:
                await response.read()
                if response.status != expected:
                    errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(3):  # warm-up
            method, url, headers, body, _ = make(next(counter))
            async with session.request(method, url, headers=headers, json=body) as response:
                await response.read()
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": pct(95),
        "p99": pct(99),
    }


def run_here(args) -> None:
    with tempfile.TemporaryDirectory(prefix="cm-bench-api-") as var_dir:
        setup_django(var_dir)
        from django.db import connection

        started = time.perf_counter()
        keys = populate(args.callbacks)
        print(
            f"\n== API benchmark on {connection.vendor} ({connection.Database.__name__}) "
            f"— {args.callbacks:,} callbacks loaded in {time.perf_counter() - started:.1f} s; "
            f"{os.cpu_count()} cores; gunicorn 2 workers; concurrency {args.concurrency}; "
            f"{args.seconds:.0f} s per endpoint"
        )
        connection.close()
        port = free_port()
        server = start_gunicorn(port)
        try:
            results = {}
            for name, make in scenarios(keys, f"http://127.0.0.1:{port}").items():
                results[name] = asyncio.run(drive(make, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)
    floor = results["floor"]["rps"]
    print(
        f"{'endpoint':<12}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'p99 ms':>9}  target"
    )
    for name, r in results.items():
        verdict = ""
        if name in TARGETS:
            ok = r["p99"] <= TARGETS[name] and r["errors"] == 0
            verdict = f"p99 <= {TARGETS[name]} ms: {'OK' if ok else 'MISS'}"
        if name == "ivr_lookup":
            share = r["rps"] / floor
            verdict += f"; {share:.0%} of floor (>= 60%: {'OK' if share >= 0.6 else 'MISS'})"
        print(
            f"{name:<12}{r['requests']:>9}{r['errors']:>8}{r['rps']:>9.0f}{r['p50']:>9.1f}"
            f"{r['p95']:>9.1f}{r['p99']:>9.1f}  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--here", action="store_true", help="only the current DATABASE_URL")
    parser.add_argument("--seconds", type=float, default=10)
    # As many requests in flight as gunicorn has workers: the figures are service times;
    # more concurrency adds only queueing in front of the 2 sync workers.
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--callbacks", type=int, default=100_000)
    args = parser.parse_args()
    if args.here or os.environ.get("DATABASE_URL", "").startswith("postgres"):
        run_here(args)
        return
    passthrough = [
        f"--seconds={args.seconds}",
        f"--concurrency={args.concurrency}",
        f"--callbacks={args.callbacks}",
        "--here",
    ]
    subprocess.run([sys.executable, __file__, *passthrough], check=True)
    subprocess.run(
        [str(ROOT / "scripts/with-postgres.sh"), sys.executable, __file__, *passthrough],
        check=True,
    )


if __name__ == "__main__":
    main()
