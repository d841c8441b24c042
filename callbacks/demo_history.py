"""A month of finished demo callbacks, so that the reports have something to show after
`make run` (seed_demo --demo, on an empty database only).

Stored directly, as if they had lived through the flow: booked the day before, dialed
around their time (most on time, some late, a few never), answered, failed, expired,
cancelled or rescheduled, with their dial attempts and IVR outcomes as events.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from scheduling.models import OpeningPeriod, Skill

from .dialing import export_lead
from .dialplan import dial_string_for
from .models import Callback, CallbackCampaign, CallbackEvent, EventKind, Outcome, Source, Status

AGENTS = [("jkowalski", "Jan Kowalski"), ("asmith", "Alice Smith"), ("mnowak", "Marta Nowak")]
FIRST_NAMES = ["Anna", "Piotr", "Maria", "Tomasz", "Ewa", "Adam", "Zofia", "Krzysztof"]
LAST_NAMES = ["Nowak", "Kowalczyk", "Wójcik", "Kamińska", "Lewandowski", "Zielińska"]
# status, share of the day's callbacks
OUTCOMES = [
    (Status.COMPLETED, 0.70),
    (Status.FAILED, 0.10),
    (Status.EXPIRED, 0.04),
    (Status.CANCELLED, 0.10),
    (Status.RESCHEDULED, 0.06),
]
_CHUNK = 200  # rows per CASE update: two parameters each, under SQLite's 999


def demo_history_load(*, days: int = 30, per_day: int = 40, seed: int = 2026) -> int:
    """Finished callbacks for each of the `days` days before today; returns how many."""
    rng = random.Random(seed)
    campaigns = list(CallbackCampaign.objects.order_by("pk"))
    skills = list(
        Skill.objects.select_related("business_hours")
        .prefetch_related("business_hours__periods")
        .order_by("pk")
    )
    today = timezone.localdate()
    made: list[tuple[Callback, dt.datetime]] = []
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        for n in range(per_day):
            skill = skills[n % len(skills)]
            periods = [p for p in skill.business_hours.periods.all() if p.weekday == day.weekday()]
            if periods:  # a time the skill was open (holidays aside)
                local = _time_within(rng, day, rng.choice(periods))
                made.append(_callback(rng, local, rng.choice(campaigns), skill))
    with transaction.atomic():
        rows = Callback.objects.bulk_create([c for c, _ in made])
        for row in rows:
            row.account_number = Callback.account_number_for(row.pk)
        Callback.objects.bulk_update(rows, ["account_number"], batch_size=_CHUNK)
        _set_times(Callback, "created_at", [(c.pk, booked) for c, booked in made])
        events = [e for callback, booked in made for e in _events(rng, callback, booked)]
        stored = CallbackEvent.objects.bulk_create([e for e, _ in events])
        _set_times(
            CallbackEvent, "at", [(e.pk, at) for e, (_, at) in zip(stored, events, strict=True)]
        )
    return len(rows)


def _time_within(rng: random.Random, day: dt.date, period: OpeningPeriod) -> dt.datetime:
    opens = dt.datetime.combine(day, period.opens)
    closes = dt.datetime.combine(day, period.closes)
    if closes <= opens:  # 00:00: midnight at the end of the day
        closes += dt.timedelta(days=1)
    quarters = max(1, int((closes - opens).total_seconds() // 900) - 1)
    return opens + dt.timedelta(minutes=15 * rng.randrange(quarters))


def _callback(rng: random.Random, local: dt.datetime, campaign, skill) -> tuple:
    zone = ZoneInfo(skill.business_hours.time_zone)
    promised = local.replace(tzinfo=zone).astimezone(dt.UTC)
    booked = promised - dt.timedelta(hours=rng.randint(2, 30))
    status = rng.choices([s for s, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    agent_id, agent_name = rng.choice(AGENTS) if rng.random() < 0.3 else ("", "")
    phone = f"+48225{rng.randrange(1_000_000):06d}"
    callback = Callback(
        phone_number=phone,
        dial_number=dial_string_for(phone, campaign),
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        scheduled_at=promised,
        campaign=campaign,
        skill=skill,
        agent_id=agent_id,
        agent_name=agent_name,
        status=status,
        source=rng.choice([Source.GADGET, Source.GADGET, Source.IVR, Source.API]),
        created_by=agent_id or "demo",
        notes="demo history",
    )
    if status in (Status.CANCELLED, Status.RESCHEDULED):
        callback.finished_at = promised - dt.timedelta(minutes=rng.randint(20, 600))
        return callback, booked
    callback.exported_at = promised - export_lead()  # sent at its time (docs/uccx.md §2a)
    if status == Status.EXPIRED:  # the dialer never got to it
        callback.finished_at = promised + dt.timedelta(hours=1)
        return callback, booked
    # Never before the promise; mostly within a couple of minutes, one in eight late by 6
    # to 25 minutes.
    late = rng.randint(6 * 60, 25 * 60) if rng.random() < 0.125 else rng.randint(0, 150)
    callback.first_dialed_at = promised + dt.timedelta(seconds=late)
    if status == Status.FAILED:
        callback.attempts = 3
        callback.last_result = rng.choice(["no_answer", "busy", "answering_machine"])
        callback.finished_at = callback.first_dialed_at + dt.timedelta(minutes=40)
        return callback, booked
    callback.attempts = 1 if rng.random() < 0.8 else 2
    callback.last_result = "voice"
    callback.connected_at = callback.first_dialed_at + dt.timedelta(
        seconds=15 + 600 * (callback.attempts - 1)
    )
    callback.delivered_at = callback.connected_at + dt.timedelta(seconds=rng.randint(10, 90))
    callback.finished_at = callback.delivered_at
    return callback, booked


def _events(
    rng: random.Random, c: Callback, booked: dt.datetime
) -> list[tuple[CallbackEvent, dt.datetime]]:
    def event(kind: str, at: dt.datetime, **details) -> tuple[CallbackEvent, dt.datetime]:
        return CallbackEvent(callback=c, kind=kind, actor="demo", details=details), at

    events = [event(EventKind.CREATED, booked, source=c.source)]
    if c.first_dialed_at:
        for number in range(1, c.attempts + 1):
            at = c.first_dialed_at + dt.timedelta(minutes=10 * (number - 1), seconds=60)
            result = c.last_result if number == c.attempts else "no_answer"
            events.append(event(EventKind.DIAL_ATTEMPT, at, attempt=number, result=result))
    if c.connected_at:
        queued = Outcome.QUEUED_AGENT if c.agent_id else Outcome.QUEUED_SKILL
        if c.agent_id and rng.random() < 0.25:  # the agent was not ready
            queued = Outcome.QUEUED_SKILL
        events.append(event(EventKind.IVR_OUTCOME, c.connected_at, outcome=queued))
    final = {
        Status.COMPLETED: EventKind.COMPLETED,
        Status.FAILED: EventKind.FAILED,
        Status.EXPIRED: EventKind.EXPIRED,
        Status.CANCELLED: EventKind.CANCELLED,
        Status.RESCHEDULED: EventKind.RESCHEDULED,
    }[Status(c.status)]
    events.append(event(final, c.finished_at or c.scheduled_at))
    return events


def _set_times(model, field: str, times: list[tuple[int, dt.datetime]]) -> None:
    """Set an auto_now_add field after the insert (which always writes the current time)."""
    for start in range(0, len(times), _CHUNK):
        chunk = times[start : start + _CHUNK]
        model.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
            **{
                field: Case(
                    *[When(pk=pk, then=Value(at)) for pk, at in chunk],
                    output_field=DateTimeField(),
                )
            }
        )
