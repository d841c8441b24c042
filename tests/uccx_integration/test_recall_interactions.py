"""Where recall rounds (issue 16 part A) meet the customer who calls in first, the
do-not-call list and the IVR's wait for a personal agent (part B), built in parallel:
each case through the simulator on the merged code, and the reports of a promise whose
last round is satisfied. Runs on SQLite and (make test's second pass) on PostgreSQL."""

import datetime as dt

import pytest

from callbacks import ivr as callback_ivr
from callbacks.called_in import callbacks_close_called_in
from callbacks.models import Callback, EventKind, Status
from callbacks.recall.models import RecallPolicy
from reporting.selectors import ReportFilter, report_totals
from scheduling.models import DoNotCallEntry, GlobalRules
from scheduling.models.do_not_call import DoNotCallKind
from tests.reporting.test_views import as_date, fetch
from tests.uccx_integration.flow_helpers import at, events, needs_sqlite_odbc
from tests.uccx_integration.recall_helpers import (
    MONDAY_10,
    DirectIvr,
    a_callback,
    next_round,
    round_of,
)
from uccx_integration import services
from uccx_integration.simulator.dialer import Dialer

pytestmark = [pytest.mark.usefixtures("frozen_now"), needs_sqlite_odbc]

UTC = dt.UTC
MINUTES = dt.timedelta(minutes=1)
TUESDAY = dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def window(hours: int) -> None:
    rules = GlobalRules.load()
    rules.called_in_window_hours = hours
    rules.save()


def listed(number: str) -> DoNotCallEntry:
    return DoNotCallEntry.objects.create(
        kind=DoNotCallKind.NUMBER, value=number, reason="asked on the phone"
    )


# --- the customer calls in while round 2 is scheduled ---------------------------------
def test_a_call_in_while_round_2_waits_closes_it_and_the_reports_count_it_satisfied(
    policy, simulator, client, informix, one_attempt
):
    # Booked Friday 10:00 (frozen_now) for Monday 10:00; round 1 no answer at 10:02.
    window(96)
    first = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10, 2)
    second = next_round(first)
    assert second.status == Status.SCHEDULED

    with at(MONDAY_10 + 20 * MINUTES):  # before round 2 (10:45)
        called = callbacks_close_called_in(phone_number=first.phone_number)

    assert called.closed == [second.account_number]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.RECALLED, Status.SATISFIED)
    with at(second.scheduled_at):
        services.export_due_callbacks(client=client)
    assert not events(second, EventKind.EXPORT_STARTED)  # nobody rings about it

    with at(TUESDAY):
        rows = {r["callback_id"]: r for r in fetch("cm_callback_report")}
        (monday,) = [
            r for r in fetch("cm_daily_summary") if as_date(r["report_date"]) == MONDAY_10.date()
        ]
        dashboard = report_totals(filter=ReportFilter(start=MONDAY_10.date(), end=MONDAY_10.date()))
    columns = ("status_code", "final_status_code", "rounds", "attempts_all_rounds", "on_time")
    assert {pk: tuple(rows[pk][c] for c in columns) for pk in rows} == {
        first.pk: ("recalled", "satisfied", 2, 1, 1),  # dialed 2 minutes after the promise
        second.pk: ("satisfied", "satisfied", 2, 1, None),
    }
    # One promise, satisfied in its second round: not pending, not cancelled.
    wanted = {"requested": 1, "satisfied": 1, "recalled": 1, "rounds": 2, "attempts": 1}
    zero = ("completed", "failed", "expired", "cancelled", "rescheduled", "pending")
    assert {k: monday[k] for k in (*wanted, *zero)} == {**wanted, **dict.fromkeys(zero, 0)}
    measures = dashboard.measures
    assert (measures.requested, measures.satisfied, measures.pending) == (1, 1, 0)
    assert (measures.recalled, measures.rounds, measures.on_time) == (1, 2, 1)


@pytest.mark.parametrize(("hours", "closed"), [(24, False), (96, True)])
def test_a_later_round_is_as_old_as_its_promise_for_the_call_in_window(
    policy, simulator, client, informix, one_attempt, hours, closed
):
    # Round 2 was created on Monday, but the customer booked on Friday (72 hours before).
    window(hours)
    first = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)
    second = next_round(first)

    with at(MONDAY_10 + 20 * MINUTES):
        called = callbacks_close_called_in(phone_number=first.phone_number)

    second.refresh_from_db()
    assert called.closed == ([second.account_number] if closed else [])
    assert second.status == (Status.SATISFIED if closed else Status.SCHEDULED)


def test_a_call_in_during_round_1_leaves_nothing_for_the_poll_to_recall(
    policy, simulator, client, informix, one_attempt
):
    window(96)
    callback = a_callback()
    with at(MONDAY_10):
        services.export_due_callbacks(client=client)
    with at(MONDAY_10 + MINUTES):  # UCCX holds it (in_dialer): closed as satisfied
        assert callbacks_close_called_in(phone_number=callback.phone_number).closed

    # UCCX still dials its contact (no call withdraws one), no answer; the poll sees it.
    callback = round_of(client, simulator, informix, callback, "no_answer", MONDAY_10 + MINUTES)

    assert callback.status == Status.SATISFIED
    assert not Callback.objects.filter(recall_of=callback).exists()


# --- a do-not-call entry added between rounds -----------------------------------------
def test_a_number_listed_after_round_2_was_booked_is_cancelled_at_dial_time(
    policy, simulator, client, informix, one_attempt
):
    first = round_of(client, simulator, informix, a_callback(), "no_answer", MONDAY_10)
    second = next_round(first)
    listed(first.phone_number)

    with at(second.scheduled_at):
        services.export_due_callbacks(client=client)

    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert events(second, EventKind.CANCELLED)[0].details["reason"] == "do_not_call"
    assert not events(second, EventKind.EXPORT_STARTED)


@pytest.mark.parametrize(
    ("told", "ends", "event"),
    [
        ("no_answer", Status.CANCELLED, EventKind.CANCELLED),  # in_dialer: cancelled
        ("ivr_hangup", Status.FAILED, EventKind.FAILED),  # in_ivr may not be cancelled
    ],
)
def test_a_number_listed_during_a_round_gets_no_next_round(
    campaign, simulator, client, informix, one_attempt, told, ends, event
):
    RecallPolicy.objects.create(campaign=campaign, no_answer_after="30", ivr_hangup_after="30")
    callback = a_callback()
    with at(MONDAY_10):
        services.export_due_callbacks(client=client)
    listed(callback.phone_number)  # listed while UCCX has it: its round goes on

    dialer = Dialer(
        simulator.store,
        simulator.campaigns,
        ivr=DirectIvr(),
        number_outcomes={callback.dial_number: told},
    )
    with at(MONDAY_10 + 5 * MINUTES):
        assert dialer.dial_round() == 1
    with at(MONDAY_10 + 6 * MINUTES):
        polled = services.poll_dialer_results(informix=informix).counts

    callback.refresh_from_db()
    assert callback.status == ends
    # The poll says what it did (the IVR's hang-up ended that round before the poll).
    assert (polled["cancelled"], polled["recalled"]) == (int(told == "no_answer"), 0)
    assert not Callback.objects.filter(recall_of=callback).exists()
    details = events(callback, event)[-1].details
    assert details["reason"] == "do_not_call"
    assert details["detail"] == "on the do-not-call list: asked on the phone"
    assert details["round"] == 1


# --- a personal callback the rounds give to the skill, and the IVR's wait ------------
class WaitingIvr:
    """The script on a personal callback: it waits the campaign's seconds for the agent,
    then queues to the skill (queued_skill); a standard one goes to the skill at once."""

    def __init__(self):
        self.routes = []

    def handle_answered(self, account_number: str, campaign_name: str) -> str:
        route = callback_ivr.callback_route_for_ivr(account_number=account_number)
        self.routes.append((route.action, route.personal_wait_seconds))
        callback = Callback.objects.get(account_number=account_number)
        callback_ivr.callback_record_ivr_outcome(callback=callback, outcome="queued_skill")
        return "queued_skill"


def test_a_personal_callback_made_standard_by_its_rounds_waits_for_no_agent(
    campaign, policy, simulator, client, informix, one_attempt
):
    campaign.personal_wait_seconds = 45
    campaign.save()
    policy.personal_to_standard_after_rounds = 1
    policy.abandoned_after = "30"
    policy.save()
    ivr = WaitingIvr()
    first = a_callback(agent_id="jkowalski", agent_name="Jan Kowalski")

    # Round 1: waited 45 s for the agent, queued to the skill, left the queue.
    first = round_of(client, simulator, informix, first, "queue_abandoned", MONDAY_10, ivr=ivr)
    second = next_round(first)
    second = round_of(client, simulator, informix, second, "answered", second.scheduled_at, ivr=ivr)

    assert ivr.routes == [("agent", 45), ("skill", 0)]
    assert (first.status, second.status) == (Status.RECALLED, Status.COMPLETED)
    assert events(first, EventKind.IVR_LOOKUP)[0].details["personal_wait_seconds"] == 45
    assert events(second, EventKind.CREATED)[0].details["fell_back"] == "rounds_exhausted_personal"
    assert "personal_wait_seconds" not in events(second, EventKind.IVR_LOOKUP)[0].details
    with at(TUESDAY):
        rows = {r["callback_id"]: r for r in fetch("cm_callback_report")}
    columns = ("kind", "fell_back_to_skill", "fell_back_reason", "fell_back_after_seconds")
    assert {pk: tuple(rows[pk][c] for c in columns) for pk in rows} == {
        first.pk: ("personal", 1, "rounds_exhausted_personal", 45),
        second.pk: ("standard", 1, "rounds_exhausted_personal", None),
    }
