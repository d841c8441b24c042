"""Load benchmark: mixed API traffic at a fixed rate while the worker exports and polls.

Not a test: it prints figures and checks, compares the p99s with the API targets of
bench/api.py (OK/MISS, never a failure), and exits 1 only when a check of the data
fails (a callback lost or stored twice, a retry answered differently, a slot overbooked,
a contact missing from or twice in the dialing list) or the API answered a 5xx. Timeouts
of an overloaded machine and a worker that has not caught up are reported, not fatal.

    python bench/load.py                      # 60 s at 200 requests/s (starts PostgreSQL and Redis)
    python bench/load.py --seconds 20 --rate 100

Everything real, on loopback: PostgreSQL (scripts/with-postgres.sh) holding 52,000
callbacks; the app under gunicorn (4 sync workers); a Celery worker (-c 2) with embedded
beat on Redis (scripts/with-redis.sh), export every 5 s and poll every 10 s as stored in
django-celery-beat; the UCCX simulator as its own process, dialing every 2 s and calling
the IVR API as the callback script does.

The load is open-loop: request i is due at start + i/rate whatever the answers before it
did, and its latency runs from that due time to the last byte of its answer, so a
server that falls behind is charged for the queue it builds (no coordinated omission).
The generator (asyncio + aiohttp) shares the machine's cores with everything above.

Mix (of every 20 requests): 12 IVR routing lookups (GET /api/v1/ivr/callbacks/{account}
of callbacks in the dialer), 4 slot queries (GET /api/v1/slots, 7 days, random skill and
date), 3 creates (POST /api/v1/callbacks with an Idempotency-Key) and 1 retry of an
earlier create with the same key and body (alternately the create just sent, likely
still in flight, and one sent a second earlier). Creates spread over every free slot of
22 skills in the next 30 days; 1 in 12 is due in 80 s on a skill open around the clock
(the worker exports it during the run; answered more than 20 s late it is refused as
400 too_soon), 1 in 50 asks for one popular slot (which fills up: 400 slot_full is then
the expected answer).

Afterwards, once the worker has exported everything due: every 201 stored exactly once,
every retry answered with the first answer, every exported callback exactly once in the
simulator's dialing list (and nothing else there), nothing left `exporting`, the popular
slot not overbooked, and the counts of every answer by status and error code.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from api import ROOT, TARGETS, bench_callback, free_port, setup_django

WEB_WORKERS = 4
CELERY_CONCURRENCY = 2
EXPORT_EVERY, POLL_EVERY = 5, 10  # seconds, as stored for beat
UCCX_USER, UCCX_PASSWORD = "administrator", "bench-secret"
HISTORY, IN_DIALER, DUE_DURING_RUN = 40_000, 10_000, 2_000
ROUND_THE_CLOCK_SKILLS = 20  # "Load 24h 01".. : creates due soon, spread for capacity
EXPORT_SKILL = "Load export"  # the pre-booked callbacks due during the run
SOON_SECONDS = 80  # a "soon" create is due this long after it is sent
REQUEST_TIMEOUT = 30.0
MAX_CONNECTIONS = 512
# Answers that are right even though they are not 2xx: the rules refusing a create.
EXPECTED_REFUSALS = {"slot_full", "too_soon"}
PATTERN_SIZE = 20
MIX = {"ivr_lookup": 12, "slots_7d": 4, "create": 3, "create_retry": 1}


# --- setup -------------------------------------------------------------------------------
def configure() -> dict:
    """Demo configuration, skills and rules for the run; returns what the plan needs."""
    from django.core.management import call_command
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    from scheduling.models import BusinessHours, GlobalRules, OpeningPeriod, Skill, Weekday
    from uccx_integration.schedule import ensure_periodic_tasks

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    hours, _ = BusinessHours.objects.update_or_create(
        name="Load all day", defaults={"time_zone": "Europe/Warsaw", "holiday_calendar": None}
    )
    hours.periods.all().delete()
    for day in Weekday.values:  # save() per row: the signal bumps the config version
        OpeningPeriod.objects.create(
            business_hours=hours, weekday=day, opens=dt.time(0), closes=dt.time(0)
        )
    all_day = [f"Load 24h {n:02d}" for n in range(1, ROUND_THE_CLOCK_SKILLS + 1)]
    for name in [*all_day, EXPORT_SKILL]:
        Skill.objects.update_or_create(name=name, defaults={"business_hours": hours})
    rules = GlobalRules.load()
    # Any hour (the bench may run at night), a minute's lead so that creates can be due
    # during the run; the demo's capacity (10 a slot) and one pending callback a number.
    rules.earliest_time = rules.latest_time = dt.time(0)
    rules.customer_earliest_time = rules.customer_latest_time = dt.time(0)
    rules.min_lead_minutes = 1
    rules.full_clean()
    rules.save()

    ensure_periodic_tasks(PeriodicTask, IntervalSchedule, CrontabSchedule, "Europe/Warsaw")
    for task, every in (
        ("export_due_callbacks", EXPORT_EVERY),
        ("poll_dialer_results", POLL_EVERY),
    ):
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=every, period=IntervalSchedule.SECONDS
        )
        periodic = PeriodicTask.objects.get(task=f"uccx_integration.{task}")
        periodic.interval, periodic.crontab, periodic.enabled = interval, None, True
        periodic.expire_seconds = every  # as the default schedule does for its period
        periodic.save()
    return {"all_day": all_day, "create_skills": ["Sales", "Support", *all_day]}


def populate(started: dt.datetime) -> dict:
    """History and callbacks in the dialer (the IVR looks them up), inserted in bulk;
    plus the API keys."""
    from callbacks.models import ApiKey, Status

    rng = random.Random(7)
    rows = []
    for pk in range(1, HISTORY + IN_DIALER + 1):
        if pk <= HISTORY:
            status = rng.choice([Status.COMPLETED, Status.FAILED, Status.EXPIRED])
            when = started - dt.timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
        else:
            status = Status.IN_DIALER
            when = started - dt.timedelta(minutes=rng.randrange(1, 30))
        rows.append((pk, status, when, "Sales"))
    dialing = insert_callbacks(rows)
    _, gadget = ApiKey.objects.create_key(name="load gadget", scope="gadget")
    _, ivr = ApiKey.objects.create_key(name="load ivr", scope="ivr")
    _, simulator_ivr = ApiKey.objects.create_key(name="load simulator ivr", scope="ivr")
    return {"gadget": gadget, "ivr": ivr, "simulator_ivr": simulator_ivr, "dialing": dialing}


def book_due_during_run(now: dt.datetime) -> None:
    """Callbacks falling due one by one over the run (the export looks a minute ahead):
    the worker's steady work. Booked when the load starts, so none is due before."""
    from callbacks.models import Status

    first = HISTORY + IN_DIALER + 1
    insert_callbacks(
        [
            (
                pk,
                Status.SCHEDULED,
                now + dt.timedelta(seconds=60 + 60 * n / DUE_DURING_RUN),
                EXPORT_SKILL,
            )
            for n, pk in enumerate(range(first, first + DUE_DURING_RUN))
        ]
    )


def insert_callbacks(rows: list[tuple[int, str, dt.datetime, str]]) -> list[str]:
    """(pk, status, time, skill) rows in bulk, valid without booking checks; returns the
    account numbers of those in the dialer."""
    from django.core.management.color import no_style
    from django.db import connection

    from callbacks.models import Callback, CallbackCampaign, Status
    from scheduling.models import Skill

    campaigns = list(CallbackCampaign.objects.order_by("uccx_campaign_id"))
    skills = {skill.name: skill for skill in Skill.objects.all()}
    Callback.objects.bulk_create(
        (
            bench_callback(
                pk,
                scheduled_at=when,
                campaign=campaigns[pk % len(campaigns)],
                skill=skills[skill],
                status=status,
            )
            for pk, status, when, skill in rows
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:  # explicit pks: the sequence must follow
        for sql in connection.ops.sequence_reset_sql(no_style(), [Callback]):
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Callback._meta.db_table)}")
    return [
        Callback.account_number_for(pk) for pk, status, _, _ in rows if status == Status.IN_DIALER
    ]


def free_slot_starts(skills: list[str], started: dt.datetime) -> list[tuple[str, str]]:
    """(skill, slot start as ISO UTC) of every free slot from tomorrow on, skills mixed."""
    from scheduling.rules import free_slots

    tomorrow = started.date() + dt.timedelta(days=1)
    per_skill = []
    for skill in skills:
        days = free_slots(skill, tomorrow, 29, now=started)
        per_skill.append([(skill, s.start) for day in days for s in day.slots])
    mixed = [slot for slots in per_skill for slot in slots]
    random.Random(11).shuffle(mixed)
    return [(skill, start.isoformat().replace("+00:00", "Z")) for skill, start in mixed]


# --- the processes -------------------------------------------------------------------------
def wait_for_port(port: int, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start:\n{tail(log)}")
        time.sleep(0.1)


def tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def process(command: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A child in its own session, stopped with TERM (then KILL to the group) at the end."""
    with log.open("wb") as out:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                child.wait(timeout=20)
        with suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def start_everything(stack: ExitStack, var_dir: Path, keys: dict) -> dict:
    """gunicorn, the simulator and the Celery worker with beat, stopped in the reverse
    order (the simulator's dialer calls the IVR API until it stops); returns their
    URLs and logs."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    sim_port, web_port = free_port(), free_port()
    sim_db = var_dir / "uccx-simulator.sqlite3"
    web = f"http://127.0.0.1:{web_port}"
    logs = {name: var_dir / f"{name}.log" for name in ("simulator", "gunicorn", "worker")}

    gunicorn = [
        str(bin_dir / "gunicorn"), "campaign_manager.wsgi", "--workers", str(WEB_WORKERS),
        "--bind", f"127.0.0.1:{web_port}", "--log-level", "warning",
    ]  # fmt: skip
    web_env = {
        **env,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback, no proxy: no redirect to https, no access log.
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "warning",
        # Throttling is measured by the tests; here it would only turn load into 429s.
        "API_RATE_GADGET": "1000000/min",
        "API_RATE_IVR": "1000000/min",
    }
    web_process = stack.enter_context(process(gunicorn, logs["gunicorn"], web_env))
    wait_for_port(web_port, web_process, "gunicorn", logs["gunicorn"])

    simulator = [
        sys.executable, "-m", "uccx_integration.simulator", "--port", str(sim_port),
        "--db", str(sim_db), "--user", UCCX_USER, "--password", UCCX_PASSWORD,
        "--dial-every", "2", "--ivr-url", web,
    ]  # fmt: skip
    sim_env = {**env, "CM_IVR_API_KEY": keys["simulator_ivr"]}
    sim = stack.enter_context(process(simulator, logs["simulator"], sim_env))
    wait_for_port(sim_port, sim, "the UCCX simulator", logs["simulator"])

    worker = [
        str(bin_dir / "celery"), "-A", "campaign_manager", "worker", "-B",
        "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
        "--concurrency", str(CELERY_CONCURRENCY), "--loglevel", "info",
    ]  # fmt: skip
    worker_env = {
        **env,
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "UCCX_URL": f"http://127.0.0.1:{sim_port}",
        "UCCX_USERNAME": UCCX_USER,
        "UCCX_PASSWORD": UCCX_PASSWORD,
        "INFORMIX_DSN": f"DRIVER=SQLite3;Database={sim_db};NoCreat=1",
    }
    celery = stack.enter_context(process(worker, logs["worker"], worker_env))
    deadline = time.monotonic() + 120
    # Its startup (three Django processes) would otherwise be inside the first figures.
    while " ready." not in logs["worker"].read_text(errors="replace"):
        if celery.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the Celery worker did not start:\n{tail(logs['worker'])}")
        time.sleep(0.2)
    return {"web": web, "simulator_db": sim_db, "logs": logs}


# --- the plan --------------------------------------------------------------------------------
@dataclass
class Create:
    n: int
    kind: str  # spread | popular | soon
    skill: str
    slot: str = ""  # ISO UTC; "" for soon (set when first sent)
    body: dict | None = None
    key: str = ""


@dataclass
class Outcome:
    endpoint: str
    due: float
    latency_ms: float
    status: int | None
    error: str = ""  # exception name when no answer arrived
    codes: tuple[str, ...] = ()
    callback_id: int | None = None
    replayed: bool = False
    create: Create | None = None


@dataclass
class Plan:
    """What request i is, decided before the run (same every time for the same args)."""

    endpoints: list[str]
    creates: list[Create]
    slot_queries: list[tuple[str, str]]
    retries: dict[int, int] = field(default_factory=dict)  # request i -> create index


def make_plan(count: int, setup: dict, started: dt.datetime) -> Plan:
    rng = random.Random(3)
    pattern = [name for name, weight in MIX.items() for _ in range(weight)]
    assert len(pattern) == PATTERN_SIZE
    endpoints: list[str] = []
    while len(endpoints) < count:
        chunk = pattern[:]
        rng.shuffle(chunk)
        endpoints.extend(chunk)
    endpoints = endpoints[:count]
    slots = setup["free_slots"]
    popular = slots[0]
    creates: list[Create] = []
    retries: dict[int, int] = {}
    for i, endpoint in enumerate(endpoints):
        if endpoint == "create":
            n = len(creates)
            if n % 12 == 5:
                # The k-th soon create on the k-th skill: 20 skills x 10 a slot.
                skill = setup["all_day"][(n // 12) % len(setup["all_day"])]
                creates.append(Create(n, "soon", skill))
            elif n % 50 == 7:
                creates.append(Create(n, "popular", *popular))
            else:
                creates.append(Create(n, "spread", *slots[(n * 7) % len(slots)]))
        elif endpoint == "create_retry":
            if len(creates) < 40:
                endpoints[i] = "create"  # nothing to retry yet
                n = len(creates)
                creates.append(Create(n, "spread", *slots[(n * 7) % len(slots)]))
                continue
            # Alternately the create just sent (likely in flight) and one a second older.
            back = 1 if len(retries) % 2 == 0 else 30
            retries[i] = len(creates) - back
    today = started.date()
    skills = setup["create_skills"]
    queries = [
        (rng.choice(skills), (today + dt.timedelta(days=rng.randrange(1, 23))).isoformat())
        for _ in range(endpoints.count("slots_7d"))
    ]
    return Plan(endpoints, creates, queries, retries)


def create_body(create: Create) -> dict:
    if create.body is None:
        if create.kind == "soon":
            at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=SOON_SECONDS)
            create.slot = at.replace(microsecond=0).isoformat().replace("+00:00", "Z")
        create.body = {
            "phone_number": f"+48226{create.n:06d}",
            "scheduled_at": create.slot,
            "campaign": "Callback_Main" if create.n % 2 else "Callback_Premium",
            "skill": create.skill,
            "first_name": "Load",
            "last_name": f"Create {create.n}",
        }
        create.key = f"load-{create.n}"
    return create.body


# --- the run ---------------------------------------------------------------------------------
async def drive(plan: Plan, base: str, keys: dict, rate: float) -> tuple[list[Outcome], float]:
    """Sends request i at start + i / rate; returns the outcomes and the generator's worst
    lateness in ms (how late it sent a request: the machine's share of the figures)."""
    import aiohttp

    gadget = {"Authorization": f"Api-Key {keys['gadget']}"}
    ivr = {"Authorization": f"Api-Key {keys['ivr']}"}
    dialing = keys["dialing"]
    outcomes: list[Outcome] = []
    lateness = 0.0
    loop = asyncio.get_running_loop()
    counters: Counter[str] = Counter()

    async def fire(session, i: int, endpoint: str, due: float) -> None:
        create: Create | None = None
        headers, body = gadget, None
        if endpoint == "ivr_lookup":
            account = dialing[counters["ivr"] % len(dialing)]
            method, url, headers = "GET", f"{base}/api/v1/ivr/callbacks/{account}", ivr
            counters["ivr"] += 1
        elif endpoint == "slots_7d":
            skill, day = plan.slot_queries[counters["slots"]]
            counters["slots"] += 1
            method = "GET"
            url = f"{base}/api/v1/slots?skill={skill}&date={day}&days=7"
        else:
            if endpoint == "create":
                create = plan.creates[counters["create"]]
                counters["create"] += 1
            else:
                create = plan.creates[plan.retries[i]]
            body = create_body(create)
            method, url = "POST", f"{base}/api/v1/callbacks"
            headers = {**gadget, "Idempotency-Key": create.key}
        outcome = Outcome(endpoint, due, 0.0, None, create=create)
        try:
            async with session.request(method, url, headers=headers, json=body) as response:
                payload = await response.read()
                outcome.status = response.status
                outcome.replayed = response.headers.get("Idempotent-Replay") == "true"
        except (aiohttp.ClientError, TimeoutError) as error:
            outcome.error = type(error).__name__
            payload = b""
        outcome.latency_ms = (loop.time() - due) * 1000
        if payload and outcome.status and outcome.status >= 300:
            with suppress(ValueError, AttributeError, TypeError):
                outcome.codes = tuple(e["code"] for e in json.loads(payload)["errors"])
        elif payload and endpoint.startswith("create"):
            with suppress(ValueError, KeyError, TypeError):
                outcome.callback_id = int(json.loads(payload)["id"])
        outcomes.append(outcome)

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = loop.time() + 0.5
        pending = []
        for i, endpoint in enumerate(plan.endpoints):
            due = start + i / rate
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            lateness = max(lateness, loop.time() - due)
            pending.append(asyncio.create_task(fire(session, i, endpoint, due)))
        await asyncio.gather(*pending)
    return outcomes, lateness * 1000


async def warm_up(base: str, keys: dict, setup: dict) -> None:
    """A few requests of each kind, outside the figures: every gunicorn worker loads the
    app and its caches before the clock starts."""
    import aiohttp

    gadget = {"Authorization": f"Api-Key {keys['gadget']}"}
    ivr = {"Authorization": f"Api-Key {keys['ivr']}"}
    day = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            batch = []
            for n in range(WEB_WORKERS * 2):
                skill = setup["create_skills"][n % len(setup["create_skills"])]
                slots = f"{base}/api/v1/slots?skill={skill}&date={day}&days=7"
                lookup = f"{base}/api/v1/ivr/callbacks/{keys['dialing'][-1 - n]}"
                last_skill, last_slot = setup["free_slots"][-1]
                check = {
                    "phone_number": "+48221234567",
                    "scheduled_at": last_slot,
                    "campaign": "Callback_Main",
                    "skill": last_skill,
                }
                batch += [
                    session.get(slots, headers=gadget),
                    session.get(lookup, headers=ivr),
                    session.post(f"{base}/api/v1/callbacks/validate", headers=gadget, json=check),
                ]
            for response in await asyncio.gather(*batch):
                await response.read()
                response.release()


def wait_for_the_worker(until: float, soon_ids: list[int]) -> dict:
    """Until nothing due is left unexported (the pre-booked ones and the soon creates) or
    the deadline; returns what is still waiting."""
    from django.db.models import Q
    from django.utils import timezone

    from callbacks.dialing import export_lead
    from callbacks.models import Callback, Status

    lead = export_lead()
    ours = Q(skill__name=EXPORT_SKILL) | Q(pk__in=soon_ids)
    while True:
        waiting = Callback.objects.filter(ours, status=Status.SCHEDULED)
        due_now = waiting.filter(scheduled_at__lte=timezone.now() + lead).count()
        left = {
            "scheduled": waiting.count(),
            "due": due_now,
            "exporting": Callback.objects.filter(status=Status.EXPORTING).count(),
        }
        if (not left["scheduled"] and not left["exporting"]) or time.monotonic() > until:
            return left
        time.sleep(1)


# --- checks and the report ------------------------------------------------------------------
def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def is_error(outcome: Outcome) -> bool:
    """No answer, a 5xx, or a 4xx that is not a rule refusing a create."""
    if outcome.status is None or outcome.status >= 500:
        return True
    if outcome.status < 400:
        return False
    refusal = outcome.endpoint.startswith("create") and outcome.status == 400
    return not (refusal and outcome.codes and set(outcome.codes) <= EXPECTED_REFUSALS)


def latency_table(outcomes: list[Outcome], seconds: float) -> list[str]:
    lines = [
        f"{'endpoint':<14}{'sent':>7}{'2xx':>7}{'4xx ok':>8}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  target"
    ]
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.endpoint].append(outcome)
    groups["all"] = outcomes
    for name in [*MIX, "all"]:
        group = groups.get(name, [])
        latencies = sorted(o.latency_ms for o in group)
        ok = sum(1 for o in group if o.status and o.status < 300)
        errors = sum(1 for o in group if is_error(o))
        refused = len(group) - ok - errors
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            p99 = percentile(latencies, 99)
            verdict = f"p99 <= {target} ms: {'OK' if p99 <= target and not errors else 'MISS'}"
        lines.append(
            f"{name:<14}{len(group):>7}{ok:>7}{refused:>8}{errors:>8}{len(group) / seconds:>8.0f}"
            f"{statistics.median(latencies) if latencies else float('nan'):>9.1f}"
            f"{percentile(latencies, 95):>9.1f}{percentile(latencies, 99):>9.1f}"
            f"{(latencies[-1] if latencies else float('nan')):>9.1f}  {verdict}"
        )
    return lines


def answers_by_code(outcomes: list[Outcome]) -> list[str]:
    counts: Counter[tuple[str, str]] = Counter()
    for o in outcomes:
        answer = o.error or str(o.status) + (f" {','.join(o.codes)}" if o.codes else "")
        counts[(o.endpoint, answer)] += 1
    return [
        f"  {endpoint:<14}{answer:<40}{n:>7}" for (endpoint, answer), n in sorted(counts.items())
    ]


def throughput_note(outcomes: list[Outcome], rate: float, lateness_ms: float) -> str:
    """What the server managed against what was offered, and whether a queue grew: an
    overloaded server's latencies are the wait in its queue (past REQUEST_TIMEOUT every
    answer is lost, and each one it still works on is wasted)."""
    answered = [o for o in outcomes if o.status is not None]
    if not answered:
        return f"(nothing answered; offered {rate:.0f}/s)"
    first = min(o.due for o in outcomes)
    last = max(o.due + o.latency_ms / 1000 for o in answered)
    by_due = sorted(outcomes, key=lambda o: o.due)
    tenth = max(1, len(by_due) // 10)
    early = statistics.median(o.latency_ms for o in by_due[:tenth])
    late = statistics.median(o.latency_ms for o in by_due[-tenth:])
    return (
        f"(offered {rate:.0f}/s, answered {len(answered) / max(last - first, 1e-9):.0f}/s; "
        f"median latency {early:.0f} ms in the first tenth of the run, {late:.0f} ms in the "
        f"last: a growing queue means the machine did not keep up. The generator sent "
        f"requests up to {lateness_ms:.0f} ms late, which is in the figures.)"
    )


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    integrity: bool = True  # a failure here is a bug: the bench exits 1


def check_creates(outcomes: list[Outcome]) -> list[Check]:
    from callbacks.models import Callback

    created: dict[str, set[int]] = defaultdict(set)  # idempotency key -> ids answered
    answers: dict[str, set[tuple]] = defaultdict(set)  # key -> distinct answers
    unanswered: set[str] = set()  # keys none of whose requests got an answer
    for o in outcomes:
        if o.create is None:
            continue
        if o.status is None:
            unanswered.add(o.create.key)
            continue
        answers[o.create.key].add((o.status, o.callback_id, o.codes))
        if o.status == 201 and o.callback_id is not None:
            created[o.create.key].add(o.callback_id)
    unanswered -= set(answers)
    ids = {i for found in created.values() for i in found}
    # Each create carries its number in last_name: "Create 17" is idempotency key load-17.
    stored = Counter(Callback.objects.filter(first_name="Load").values_list("last_name", flat=True))
    by_id = dict(Callback.objects.filter(pk__in=ids).values_list("pk", "last_name"))
    wrong = [i for key, found in created.items() for i in found if by_id.get(i) != name_of(key)]
    twice = [name for name, n in stored.items() if n > 1]
    # Stored without a 201 to show for it: only where no answer ever arrived (a timeout).
    unknown = set(stored) - {name_of(key) for key in created} - {name_of(k) for k in unanswered}
    retried = [o for o in outcomes if o.endpoint == "create_retry" and o.status is not None]
    mismatched = {key: seen for key, seen in answers.items() if len(seen) > 1}
    replayed = sum(1 for o in outcomes if o.create is not None and o.replayed)
    return [
        Check(
            "every 201 stored exactly once",
            not wrong and not twice and not unknown and len(by_id) == len(ids),
            f"{len(ids)} created, {sum(stored.values())} stored by the run"
            + (f", {len(unanswered)} never answered" if unanswered else "")
            + (f"; twice {twice[:3]}" if twice else "")
            + (f"; stored unanswered-for {sorted(unknown)[:3]}" if unknown else "")
            + (f"; not what was asked {wrong[:3]}" if wrong else ""),
        ),
        Check(
            "retries answered with the first answer",
            not mismatched,
            f"{len(retried)} retries answered, {replayed} of them replayed"
            + (f"; differing: {dict(list(mismatched.items())[:3])}" if mismatched else ""),
        ),
    ]


def name_of(key: str) -> str:
    return f"Create {key.removeprefix('load-')}"


def check_exports(simulator_db: Path, left: dict) -> list[Check]:
    from django.db.models import Count, Q

    from callbacks.models import Callback, EventKind
    from uccx_integration import mapping as m
    from uccx_integration.simulator.store import Store

    store = Store(str(simulator_db))
    try:
        in_uccx: Counter[tuple[int, str]] = Counter()
        for campaign in (1, 2):
            # Closed contacts the simulator moved to DialingListHistory count too.
            rows = store.list_contacts(campaign, tuple(m.CallStatus))
            for row in rows + store.history_contacts(campaign):
                in_uccx[(campaign, str(row[m.ACCOUNT_NUMBER]))] += 1
    finally:
        store.close()
    # Exported by the worker: an `exported` event (the IVR also stamps exported_at, on
    # the callbacks put in the dialer by the setup).
    exported = (
        Callback.objects.annotate(
            exports=Count("events", filter=Q(events__kind=EventKind.EXPORTED)),
            purges=Count("events", filter=Q(events__kind=EventKind.PURGED)),
        )
        .filter(exports__gt=0)
        .select_related("campaign")
    )
    ours = {(c.campaign.uccx_campaign_id, c.account_number): c for c in exported}
    missing = [key for key in ours if in_uccx[key] == 0]
    twice = [key for key, n in in_uccx.items() if n > 1]
    strangers = [key for key in in_uccx if key not in ours]
    resent = [c.account_number for c in ours.values() if c.exports > 1 + c.purges]
    return [
        Check(
            "exported callbacks in the dialing list exactly once",
            not missing and not twice and not strangers and not resent,
            f"{len(ours)} exported, {sum(in_uccx.values())} contacts in the simulator"
            + (f"; missing {missing[:3]}" if missing else "")
            + (f"; twice {twice[:3]}" if twice else "")
            + (f"; unknown {strangers[:3]}" if strangers else "")
            + (f"; sent again {resent[:3]}" if resent else ""),
        ),
        Check(
            "nothing left exporting or due and unexported",
            not left["exporting"] and not left["due"],
            f"exporting {left['exporting']}, due and waiting {left['due']}, "
            f"not yet due {left['scheduled'] - left['due']}",
            integrity=False,  # still in the database: a worker behind, not a loss
        ),
    ]


def check_capacity(popular: tuple[str, str]) -> Check:
    from callbacks.models import PENDING, Callback
    from scheduling.models import GlobalRules

    skill, start = popular
    when = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    booked = Callback.objects.filter(
        skill__name=skill, scheduled_at=when, status__in=PENDING
    ).count()
    capacity = GlobalRules.load().slot_capacity
    return Check("the popular slot not overbooked", booked <= capacity, f"{booked} of {capacity}")


def check_errors(outcomes: list[Outcome], simulator_log: Path) -> list[Check]:
    server = sum(1 for o in outcomes if o.status is not None and o.status >= 500)
    unanswered = Counter(o.error for o in outcomes if o.status is None)
    others = sum(1 for o in outcomes if is_error(o) and o.status is not None and o.status < 500)
    script = sum(
        1
        for line in simulator_log.read_text(errors="replace").splitlines()
        if "simulated IVR script:" in line
    )
    return [
        Check("no 5xx answer", not server, f"{server}"),
        Check(
            "no connection error or timeout",
            not unanswered,
            ", ".join(f"{n} {name}" for name, n in unanswered.items()) or "0",
            integrity=False,  # an overloaded machine, not a lost callback
        ),
        Check("no unexpected 4xx", not others, f"{others}"),
        Check("simulated IVR script: no failed call", not script, f"{script}", integrity=False),
    ]


def worker_runs() -> str:
    from uccx_integration.models import IntegrationStatus

    parts = []
    for status in IntegrationStatus.objects.filter(
        task__in=["export_due_callbacks", "poll_dialer_results"]
    ).order_by("task"):
        counts = {k: v for k, v in (status.last_counts or {}).items() if v}
        parts.append(
            f"{status.task}: {status.runs} runs, {status.failures} failed"
            f"{' (' + status.last_error[:120] + ')' if status.last_error else ''}; last {counts}"
        )
    return "; ".join(parts) or "no run recorded (is the worker up? see its log)"


# --- main ------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="cm-bench-load-") as tmp:
        var_dir = Path(tmp)
        setup_django(str(var_dir))
        from django.db import connection
        from django.utils import timezone
        from export import database_description, machine_description

        began = time.perf_counter()
        started = timezone.now()
        setup = configure()
        keys = populate(started)
        setup["free_slots"] = free_slot_starts(setup["create_skills"], started)
        plan = make_plan(int(args.seconds * args.rate), setup, started)
        print(
            f"\n== Load: {args.seconds:.0f} s at {args.rate:.0f} requests/s, open loop — "
            f"{database_description()}, {HISTORY + IN_DIALER + DUE_DURING_RUN:,} callbacks "
            f"({DUE_DURING_RUN:,} due during the run), {len(setup['free_slots']):,} free slots; "
            f"gunicorn {WEB_WORKERS} workers, Celery worker -c {CELERY_CONCURRENCY} with beat "
            f"(export every {EXPORT_EVERY} s, poll every {POLL_EVERY} s) on Redis, UCCX "
            f"simulator dialing every 2 s; {machine_description()}; set up in "
            f"{time.perf_counter() - began:.0f} s",
            flush=True,
        )
        connection.close()
        with ExitStack() as stack:
            running = start_everything(stack, var_dir, keys)
            asyncio.run(warm_up(running["web"], keys, setup))
            book_due_during_run(timezone.now())
            connection.close()
            outcomes, lateness = asyncio.run(drive(plan, running["web"], keys, args.rate))
            soon = [
                o.callback_id
                for o in outcomes
                if o.create and o.create.kind == "soon" and o.callback_id
            ]
            left = wait_for_the_worker(time.monotonic() + args.drain, soon)
            runs = worker_runs()
            logs = running["logs"]
            checks = [
                *check_errors(outcomes, logs["simulator"]),
                *check_creates(outcomes),
                *check_exports(running["simulator_db"], left),
                check_capacity(setup["free_slots"][0]),
            ]
        print("\n".join(latency_table(outcomes, args.seconds)))
        print(throughput_note(outcomes, args.rate, lateness))
        print("Answers by endpoint and code:")
        print("\n".join(answers_by_code(outcomes)))
        print(f"Worker: {runs}")
        print("Checks:")
        for check in checks:
            print(f"  {check.name:<55}{'OK' if check.ok else 'FAIL':<6}{check.detail}")
        broken = [c for c in checks if not c.ok and c.integrity]
        if any(not c.ok for c in checks):
            for name, log in logs.items():
                print(f"--- {name} log tail ({log.name}) ---\n{tail(log, 15)}")
        return 1 if broken else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=200, help="requests per second")
    parser.add_argument(
        "--drain", type=float, default=90, help="seconds to wait for the worker afterwards"
    )
    args = parser.parse_args()
    here = sys.argv[1:]
    # PostgreSQL and Redis of our own unless given (make bench gives neither).
    if not os.environ.get("REDIS_URL"):
        os.execv(
            str(ROOT / "scripts/with-redis.sh"), ["with-redis.sh", sys.executable, __file__, *here]
        )
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.execv(
            str(ROOT / "scripts/with-postgres.sh"),
            ["with-postgres.sh", sys.executable, __file__, *here],
        )
    sys.exit(run(args))


if __name__ == "__main__":
    main()
