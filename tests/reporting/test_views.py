"""The report views against the ORM's truth, over a generated history of 2,400
callbacks in two zones: promises across both DST changes of Warsaw and New York, around
local and UTC midnight, in every status, with dial attempts and IVR outcomes.

The expected rows are worked out here in Python from the callbacks and events (zoneinfo
for local times), independently of the SQL in reporting/sql.py.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from callbacks import states
from callbacks.models import Callback, CallbackCampaign, CallbackEvent, EventKind, Source, Status
from scheduling.models import BusinessHours, GlobalRules, Skill
from uccx_integration.mapping import CallResult

pytestmark = pytest.mark.django_db

UTC = dt.UTC
WARSAW = "Europe/Warsaw"
NEW_YORK = "America/New_York"
# Promises cluster around these moments (UTC): both DST changes of each zone in 2026,
# New Year's midnight, and Warsaw's next spring change (still ahead: not judged yet).
ANCHORS = [
    dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # New York springs forward (02:00 -> 03:00)
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Warsaw springs forward (02:00 -> 03:00)
    dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # Warsaw falls back (03:00 -> 02:00)
    dt.datetime(2026, 11, 1, 6, 0, tzinfo=UTC),  # New York falls back (02:00 -> 01:00)
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC),  # midnight, UTC and local
    dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # in the future
]
RESULTS = [r.name.lower() for r in CallResult] + ["code 99", "customer_hangup", ""]
TOLERANCE = 7  # minutes, set in GlobalRules (not the default)


@pytest.fixture
def history(demo):
    rules = GlobalRules.load()
    rules.on_time_minutes = TOLERANCE
    rules.save()
    hours = BusinessHours.objects.create(name="New York office", time_zone=NEW_YORK)
    Skill.objects.create(name="US Sales", business_hours=hours)
    return generate(random.Random(20261121), count=2400)


def generate(rng: random.Random, count: int) -> list[Callback]:
    campaigns = list(CallbackCampaign.objects.all())
    skills = list(Skill.objects.all())
    made: list[Callback] = []
    # created_at is set on insert: create in groups, each at its own moment.
    for group in range(count // 100):
        anchor = ANCHORS[group % len(ANCHORS)]
        created = anchor - dt.timedelta(days=rng.randint(0, 6), minutes=rng.randint(0, 600))
        if anchor > timezone.now():
            created = timezone.now() - dt.timedelta(hours=1)
        rows = [_callback(rng, anchor, created, campaigns, skills) for _ in range(100)]
        with time_machine.travel(created, tick=False):
            made += Callback.objects.bulk_create(rows)
    for callback in made:
        callback.account_number = Callback.account_number_for(callback.pk)
    Callback.objects.bulk_update(made, ["account_number"])
    _link_reschedules(rng, made)
    _record_events(rng, made)
    return made


def _callback(rng, anchor, created, campaigns, skills) -> Callback:
    # Whole minutes mostly, some odd seconds; spread over +-3 h around the anchor.
    promised = anchor + dt.timedelta(minutes=rng.randint(-180, 180), seconds=rng.choice([0, 30]))
    status = rng.choice([s for s in Status if s != Status.RECALLED])  # rounds: test_rounds.py
    agent = rng.random() < 0.4
    callback = Callback(
        phone_number=f"+48226{rng.randint(0, 999_999):06d}",
        dial_number="226000000",
        first_name=rng.choice(["Anna", "Jan", ""]),
        last_name=rng.choice(["Nowak", "O'Brien", ""]),
        scheduled_at=promised,
        campaign=rng.choice(campaigns),
        skill=rng.choice(skills),
        agent_id=f"agent{rng.randint(1, 4)}" if agent else "",
        agent_name="Agent" if agent else "",
        status=status,
        source=rng.choice(list(Source)),
        created_by=rng.choice(["", "jkowalski"]),
    )
    dialed = status in (Status.IN_DIALER, Status.IN_IVR, Status.COMPLETED, Status.FAILED)
    if status != Status.SCHEDULED and promised < timezone.now():
        callback.exported_at = promised - dt.timedelta(minutes=1)
    if dialed and rng.random() < 0.85:
        # Early or late by up to 20 minutes, seconds included: both sides of +-7 min.
        callback.first_dialed_at = promised + dt.timedelta(seconds=rng.randint(-1200, 1200))
        callback.attempts = rng.randint(1, 3)
        callback.last_result = rng.choice(RESULTS)
    if status in (Status.IN_IVR, Status.COMPLETED) or (
        status == Status.FAILED and rng.random() < 0.3
    ):
        # Answered: sometimes before the poll saw the dial (no first_dialed_at yet).
        base = callback.first_dialed_at or promised + dt.timedelta(minutes=rng.randint(-9, 9))
        callback.connected_at = base + dt.timedelta(seconds=rng.randint(5, 90))
    if status == Status.COMPLETED and callback.connected_at:
        callback.delivered_at = callback.connected_at + dt.timedelta(seconds=20)
    if status in (
        Status.COMPLETED,
        Status.FAILED,
        Status.CANCELLED,
        Status.EXPIRED,
        Status.SATISFIED,
    ):
        callback.finished_at = max(promised, callback.connected_at or promised) + dt.timedelta(
            minutes=rng.randint(1, 60)
        )
    if status == Status.RESCHEDULED:
        callback.finished_at = promised - dt.timedelta(minutes=30)
    return callback


def _link_reschedules(rng, made) -> None:
    old = [c for c in made if c.status == Status.RESCHEDULED]
    new = [c for c in made if c.status != Status.RESCHEDULED]
    successors = rng.sample(new, len(old))
    for before, after in zip(old, successors, strict=True):
        after.rescheduled_from = before
    Callback.objects.bulk_update(successors, ["rescheduled_from"])


def _record_events(rng, made) -> None:
    events = []
    for callback in made:
        events.append((callback, EventKind.CREATED, {"source": callback.source}))
        for number in range(1, callback.attempts + 1):
            details: dict = {"attempt": number}
            if number == callback.attempts or rng.random() < 0.5:
                details["result"] = callback.last_result or "no_answer"
            events.append((callback, EventKind.DIAL_ATTEMPT, details))
        if callback.connected_at:
            outcome = rng.choice(["queued_skill", "queued_agent", "customer_hangup"])
            details = {"outcome": outcome}
            if outcome == "queued_skill" and callback.agent_id:
                # A personal callback fell back after its campaign's wait for the agent.
                details["personal_wait_seconds"] = rng.choice([0, 30, 45])
            events.append((callback, EventKind.IVR_OUTCOME, details))
    states.record_events(events, actor="test")


# --- the truth, in Python -------------------------------------------------------------
def whole_seconds(start: dt.datetime, end: dt.datetime) -> int:
    return int(Decimal((end - start).total_seconds()).quantize(Decimal(1), ROUND_HALF_UP))


def minutes_of(seconds: int) -> int:
    """SQL integer division: truncated toward zero."""
    return abs(seconds) // 60 * (1 if seconds >= 0 else -1)


def expected_rows(now: dt.datetime) -> dict[int, dict]:
    zones = dict(Skill.objects.values_list("pk", "business_hours__time_zone"))
    waits: dict[int, int | None] = {}
    for pk, details in CallbackEvent.objects.filter(
        kind=EventKind.IVR_OUTCOME, details__outcome="queued_skill"
    ).values_list("callback_id", "details"):
        wait, previous = details.get("personal_wait_seconds"), waits.get(pk)
        waits[pk] = wait if previous is None else max(previous, wait or 0)
    fell_back = set(waits)
    codes = {r.name.lower(): r.value for r in CallResult} | {"code 99": 99}
    rows = {}
    for c in Callback.objects.select_related("campaign", "skill", "rescheduled_from"):
        local = c.scheduled_at.astimezone(ZoneInfo(zones[c.skill_id]))
        dials = [t for t in (c.first_dialed_at, c.connected_at) if t is not None]
        first_dial = min(dials) if dials else None
        late = whole_seconds(c.scheduled_at, first_dial) if first_dial else None
        if late is not None:
            on_time = 1 if abs(late) <= TOLERANCE * 60 else 0
        elif c.status in (Status.CANCELLED, Status.RESCHEDULED, Status.SATISFIED):
            on_time = None
        elif (now - c.scheduled_at).total_seconds() > TOLERANCE * 60:
            on_time = 0
        else:
            on_time = None
        rows[c.pk] = {
            "callback_id": c.pk,
            "account_number": c.account_number,
            "campaign_id": c.campaign_id,
            "campaign_name": c.campaign.name,
            "uccx_campaign_id": c.campaign.uccx_campaign_id,
            "skill_id": c.skill_id,
            "skill_name": c.skill.name,
            "agent_id": c.agent_id or None,
            "agent_name": c.agent_name or None,
            "kind": "personal" if c.agent_id else "standard",
            "status_code": c.status,
            "status_name": Status(c.status).label,
            "phone_number": c.phone_number,
            "customer_first_name": c.first_name,
            "customer_last_name": c.last_name,
            "promised_at_utc": c.scheduled_at,
            "promised_at_local": local.replace(tzinfo=None),
            "promised_date": local.date(),
            "utc_offset_minutes": int(local.utcoffset().total_seconds() // 60),
            "created_at_utc": c.created_at,
            "exported_at_utc": c.exported_at,
            "first_dial_at_utc": first_dial,
            "connected_at_utc": c.connected_at,
            "delivered_at_utc": c.delivered_at,
            "completed_at_utc": c.finished_at if c.status == Status.COMPLETED else None,
            "finished_at_utc": c.finished_at,
            "attempts": c.attempts,
            "last_result_name": c.last_result or None,
            "last_result_code": codes.get(c.last_result),
            "on_time": on_time,
            "minutes_late": minutes_of(late) if late is not None else None,
            "minutes_to_contact": (
                minutes_of(whole_seconds(c.created_at, c.connected_at)) if c.connected_at else None
            ),
            "fell_back_to_skill": 1 if c.agent_id and c.pk in fell_back else 0,
            "source_code": c.source,
            "source_name": Source(c.source).label,
            "created_by": c.created_by or None,
            "rescheduled_from_callback_id": c.rescheduled_from_id,
            "rescheduled_from_account_number": (
                c.rescheduled_from.account_number if c.rescheduled_from else None
            ),
            # No recall rounds in this history (tests/reporting/test_rounds.py has them).
            "round": 1,
            "first_round_callback_id": c.pk,
            "recall_of_callback_id": None,
            "rounds": 1,
            "attempts_all_rounds": c.attempts,
            "final_status_code": c.status,
            "fell_back_reason": None,
            "fell_back_after_seconds": waits.get(c.pk) if c.agent_id else None,
            # No agent away at dial time here (tests/callbacks/test_agent_away.py has them).
            "held_for_agent": 0,
            "held_at_utc": None,
        }
    return rows


# --- reading the views as a report tool would --------------------------------------------
def fetch(view: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {view}")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def as_utc(value) -> dt.datetime | None:
    """A UTC column: aware from PostgreSQL, text from SQLite."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo):
        return value
    parsed = parse_datetime(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC)


def as_wall(value) -> dt.datetime:
    return parse_datetime(value) if isinstance(value, str) else value


def as_date(value) -> dt.date:
    return parse_date(value) if isinstance(value, str) else value


UTC_COLUMNS = [
    "promised_at_utc",
    "created_at_utc",
    "exported_at_utc",
    "first_dial_at_utc",
    "connected_at_utc",
    "delivered_at_utc",
    "completed_at_utc",
    "finished_at_utc",
    "held_at_utc",
]


def normalised(row: dict) -> dict:
    row = dict(row)
    for name in UTC_COLUMNS:
        row[name] = as_utc(row[name])
    row["promised_at_local"] = as_wall(row["promised_at_local"])
    row["promised_date"] = as_date(row["promised_date"])
    return row


# --- the tests ---------------------------------------------------------------------------
def test_it_reports_every_callback_as_the_orm_knows_it(history):
    expected = expected_rows(timezone.now())

    actual = {row["callback_id"]: normalised(row) for row in fetch("cm_callback_report")}

    assert len(actual) == len(history) == 2400
    mismatches = [
        (pk, name, actual[pk][name], want)
        for pk, row in expected.items()
        for name, want in row.items()
        if actual[pk][name] != want
    ]
    assert mismatches == []
    assert list(next(iter(actual.values()))) == list(next(iter(expected.values())))


def test_it_covers_what_the_history_was_generated_for(history):
    """The comparison above means something only if the history has these cases."""
    rows = expected_rows(timezone.now()).values()

    offsets = {(r["skill_name"], r["utc_offset_minutes"]) for r in rows}
    assert {("Sales", 60), ("Sales", 120), ("US Sales", -300), ("US Sales", -240)} <= offsets
    assert any(r["promised_date"] != r["promised_at_utc"].date() for r in rows)
    assert {r["on_time"] for r in rows} == {0, 1, None}
    assert any(r["fell_back_to_skill"] for r in rows)
    assert {0, 30, 45} <= {r["fell_back_after_seconds"] for r in rows}
    assert any(r["status_code"] == Status.SATISFIED and r["on_time"] is None for r in rows)
    assert any(r["minutes_late"] is not None and r["minutes_late"] < 0 for r in rows)
    assert any(r["last_result_code"] == 99 for r in rows)
    assert any(r["rescheduled_from_account_number"] for r in rows)


def test_it_gives_local_time_on_both_sides_of_a_dst_change(demo):
    sales = Skill.objects.get(name="Sales")
    campaign = CallbackCampaign.objects.get(name="Callback_Main")
    # 00:30 and 01:30 UTC on 2026-10-25: 02:30 CEST, then 02:30 CET (the repeated hour).
    for minute in (30, 90):
        Callback.objects.bulk_create(
            [
                Callback(
                    phone_number="+48221234567",
                    dial_number="221234567",
                    scheduled_at=dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
                    + dt.timedelta(minutes=minute),
                    campaign=campaign,
                    skill=sales,
                )
            ]
        )

    rows = sorted(
        (normalised(r) for r in fetch("cm_callback_report")), key=lambda r: r["callback_id"]
    )

    assert [(r["promised_at_local"], r["utc_offset_minutes"]) for r in rows] == [
        (dt.datetime(2026, 10, 25, 2, 30), 120),
        (dt.datetime(2026, 10, 25, 2, 30), 60),
    ]


def test_it_reports_one_row_per_dial_attempt(history):
    events = CallbackEvent.objects.filter(kind=EventKind.DIAL_ATTEMPT).select_related(
        "callback__campaign", "callback__skill"
    )
    codes = {r.name.lower(): r.value for r in CallResult} | {"code 99": 99}
    expected = {
        e.pk: {
            "attempt_id": e.pk,
            "callback_id": e.callback_id,
            "account_number": e.callback.account_number,
            "campaign_id": e.callback.campaign_id,
            "campaign_name": e.callback.campaign.name,
            "skill_id": e.callback.skill_id,
            "skill_name": e.callback.skill.name,
            "agent_id": e.callback.agent_id or None,
            "attempt_number": e.details["attempt"],
            "recorded_at_utc": e.at,
            "result_name": e.details.get("result") or None,
            "result_code": codes.get(e.details.get("result")),
            "promised_at_utc": e.callback.scheduled_at,
            "promised_date": e.callback.local_date,
        }
        for e in events
    }

    actual = {}
    for row in fetch("cm_callback_attempt_report"):
        row["recorded_at_utc"] = as_utc(row["recorded_at_utc"])
        row["promised_at_utc"] = as_utc(row["promised_at_utc"])
        row["promised_date"] = as_date(row["promised_date"])
        row["result_name"] = row["result_name"] or None
        actual[row["attempt_id"]] = row

    assert len(expected) > 1000
    assert actual == expected


def round_half_up(value: float, places: int) -> float:
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def test_it_summarises_each_day_campaign_and_skill(history):
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in expected_rows(timezone.now()).values():
        groups[(row["promised_date"], row["campaign_id"], row["skill_id"])].append(row)

    actual = {
        (as_date(r["report_date"]), r["campaign_id"], r["skill_id"]): r
        for r in fetch("cm_daily_summary")
    }

    assert set(actual) == set(groups)
    for key, rows in groups.items():
        got = actual[key]

        def count(test, rows=rows) -> int:
            return sum(1 for r in rows if test(r))

        dialed = count(lambda r: r["first_dial_at_utc"] is not None)
        reached = count(lambda r: r["connected_at_utc"] is not None and r["attempts"] <= 1)
        judged = count(lambda r: r["on_time"] is not None)
        on_time = count(lambda r: r["on_time"] == 1)
        contacts = [r["minutes_to_contact"] for r in rows if r["minutes_to_contact"] is not None]
        want = {
            "requested": len(rows),
            **{s: count(lambda r, s=s: r["status_code"] == s) for s in _FINAL},
            "pending": count(lambda r: r["status_code"] in _PENDING),
            "dialed": dialed,
            "on_time": on_time,
            "late": count(lambda r: r["on_time"] == 0),
            "reached_first_attempt": reached,
        }
        assert {name: got[name] for name in want} == want, key
        assert sum(want[s] for s in (*_FINAL, "pending")) == want["requested"]
        assert _rate(got["on_time_rate"]) == _expected_rate(on_time, judged), key
        assert _rate(got["first_attempt_reach_rate"]) == _expected_rate(reached, dialed), key
        if contacts:
            assert float(got["avg_minutes_to_contact"]) == pytest.approx(
                sum(contacts) / len(contacts), abs=0.0501
            )
        else:
            assert got["avg_minutes_to_contact"] is None


_FINAL = ["completed", "failed", "expired", "cancelled", "rescheduled", "satisfied"]
_PENDING = ["scheduled", "exporting", "in_dialer", "in_ivr"]


def _rate(value) -> float | None:
    return None if value is None else round(float(value), 4)


def _expected_rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round_half_up(part / whole, 4)


def test_it_judges_with_the_default_tolerance_before_the_rules_row_exists(demo):
    GlobalRules.objects.all().delete()
    promised = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    Callback.objects.bulk_create(
        [
            Callback(
                phone_number="+48221234567",
                dial_number="221234567",
                scheduled_at=promised,
                first_dialed_at=promised + dt.timedelta(minutes=minutes),
                campaign=CallbackCampaign.objects.get(name="Callback_Main"),
                skill=Skill.objects.get(name="Sales"),
                status=Status.FAILED,
            )
            for minutes in (5, 6)
        ]
    )

    rows = sorted(fetch("cm_callback_report"), key=lambda r: r["callback_id"])

    assert [(r["minutes_late"], r["on_time"]) for r in rows] == [(5, 1), (6, 0)]
