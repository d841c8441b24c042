"""The report views' recall-round columns against a hand-worked case: a promise of three
rounds (no answer, no answer, answered), a personal promise whose second round the policy
gave to the skill, and a promise of one round. Runs on SQLite and PostgreSQL."""

import datetime as dt

import pytest
import time_machine

from callbacks.models import Callback, CallbackCampaign, Status
from scheduling.models import Skill
from tests.reporting.test_views import as_date, fetch

pytestmark = pytest.mark.django_db
UTC = dt.UTC
PROMISE = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 Warsaw
MINUTE = dt.timedelta(minutes=1)


def stored(n, *, at, status, attempts, first=None, before=None, agent="", **fields):
    callback = Callback.objects.create(
        account_number=f"CB90000000{n:02d}",
        phone_number=f"+4822600{n:04d}",
        dial_number=f"22600{n:04d}",
        scheduled_at=at,
        campaign=CallbackCampaign.objects.get(name="Callback_Main"),
        skill=Skill.objects.get(name="Sales"),
        status=status,
        attempts=attempts,
        agent_id=agent,
        round=1 if before is None else before.round + 1,
        recall_of=before,
        first_round=first,
        **fields,
    )
    return callback


@pytest.fixture
def chains(demo):
    with time_machine.travel(PROMISE - dt.timedelta(hours=1), tick=False):
        one = stored(
            1,
            at=PROMISE,
            status=Status.RECALLED,
            attempts=3,
            first_dialed_at=PROMISE + MINUTE,
            finished_at=PROMISE + 9 * MINUTE,
        )
        two = stored(
            2,
            at=PROMISE + 45 * MINUTE,
            status=Status.RECALLED,
            attempts=2,
            first=one,
            before=one,
            first_dialed_at=PROMISE + 46 * MINUTE,
        )
        three = stored(
            3,
            at=PROMISE + dt.timedelta(days=1),
            status=Status.COMPLETED,
            attempts=1,
            first=one,
            before=two,
            first_dialed_at=PROMISE + dt.timedelta(days=1, minutes=20),
            connected_at=PROMISE + dt.timedelta(days=1, minutes=20),
        )
        personal = stored(
            4,
            at=PROMISE,
            status=Status.RECALLED,
            attempts=3,
            agent="jkowalski",
            first_dialed_at=PROMISE + 2 * MINUTE,
        )
        standard = stored(
            5,
            at=PROMISE + 30 * MINUTE,
            status=Status.FAILED,
            attempts=3,
            first=personal,
            before=personal,
            first_dialed_at=PROMISE + 31 * MINUTE,
        )
        single = stored(
            6, at=PROMISE, status=Status.FAILED, attempts=3, first_dialed_at=PROMISE + 10 * MINUTE
        )
    return one, two, three, personal, standard, single


ROUND_COLUMNS = (
    "round",
    "first_round_callback_id",
    "recall_of_callback_id",
    "rounds",
    "attempts_all_rounds",
    "final_status_code",
    "on_time",
    "fell_back_to_skill",
    "fell_back_reason",
)


def test_each_round_is_a_row_and_the_promise_is_judged_by_its_first(chains):
    one, two, three, personal, standard, single = chains
    with time_machine.travel(PROMISE + dt.timedelta(days=2), tick=False):
        rows = {r["callback_id"]: r for r in fetch("cm_callback_report")}

    got = {pk: tuple(rows[pk][c] for c in ROUND_COLUMNS) for pk in rows}
    assert got == {
        # first round: judged (dialed 1 min late, within 5), 3 rounds, 3 + 2 + 1 attempts
        one.pk: (1, one.pk, None, 3, 6, "completed", 1, 0, None),
        two.pk: (2, one.pk, one.pk, 3, 6, "completed", None, 0, None),
        three.pk: (3, one.pk, two.pk, 3, 6, "completed", None, 0, None),
        personal.pk: (1, personal.pk, None, 2, 6, "failed", 1, 1, "rounds_exhausted_personal"),
        # the fall-back shows on every row of the promise
        standard.pk: (
            *(2, personal.pk, personal.pk, 2, 6, "failed", None),
            *(1, "rounds_exhausted_personal"),
        ),
        # 10 minutes late: a broken promise; one round
        single.pk: (1, single.pk, None, 1, 3, "failed", 0, 0, None),
    }


def test_the_daily_summary_counts_one_promise_per_first_round(chains):
    with time_machine.travel(PROMISE + dt.timedelta(days=2), tick=False):
        (day,) = [
            r
            for r in fetch("cm_daily_summary")
            if as_date(r["report_date"]) == dt.date(2026, 11, 23)
        ]

    # Three promises on Monday (round 3 is on Tuesday, but counted with its first round).
    assert {
        k: day[k]
        for k in (
            "requested",
            "completed",
            "failed",
            "pending",
            "on_time",
            "late",
            "recalled",
            "rounds",
            "attempts",
        )
    } == {
        "requested": 3,
        "completed": 1,
        "failed": 2,
        "pending": 0,
        "on_time": 2,
        "late": 1,
        "recalled": 2,
        "rounds": 6,
        "attempts": 15,
    }
    assert not [
        r for r in fetch("cm_daily_summary") if as_date(r["report_date"]) != dt.date(2026, 11, 23)
    ]
