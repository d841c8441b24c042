"""export_due_callbacks through the simulator over real HTTP: which callbacks are due, the
batches, the UCCX campaign's state and window, and the dial-time re-check of the rules."""

import datetime as dt

import pytest

from callbacks.models import Callback, EventKind, Status
from scheduling.models import CustomHoliday, GlobalRules, OpeningPeriod, Skill, Weekday
from tests.uccx_integration.flow_helpers import (
    MONDAY_10,
    at,
    contacts,
    due_callbacks,
    event_counts,
    events,
    posts,
    statuses,
)
from uccx_integration import services
from uccx_integration.models import BatchKind, BatchState, ExportBatch

pytestmark = pytest.mark.usefixtures("frozen_now")

BEFORE = MONDAY_10  # at the promise: sent at its time (EXPORT_LEAD_SECONDS 0)
WARSAW = dt.timezone(dt.timedelta(hours=1))  # November: winter time


def export(client, moment=BEFORE):
    with at(moment):
        return services.export_due_callbacks(client=client)


def test_it_exports_due_callbacks_in_batches_of_the_campaign_batch_size(
    campaign, simulator, client
):
    campaign.batch_size = 2
    campaign.save()
    late = due_callbacks(1, at=MONDAY_10 - dt.timedelta(minutes=50))  # within the expiry
    due = late + due_callbacks(4)

    summary = export(client)

    assert statuses(due) == {Status.IN_DIALER: 5}
    batches = list(ExportBatch.objects.order_by("pk"))
    assert [b.contacts for b in batches] == [2, 2, 1]
    assert {(b.kind, b.state, b.http_status) for b in batches} == {
        (BatchKind.EXPORT, BatchState.ACCEPTED, 202)
    }
    assert [a for b in batches for a in b.account_numbers] == [c.account_number for c in due]
    assert posts(simulator) == 3  # one request per batch
    assert contacts(simulator) == {c.account_number: 1 for c in due}
    assert summary.counts["exported"] == 5 and not summary.errors


def test_it_records_the_export_in_each_callbacks_history(campaign, simulator, client):
    callback = due_callbacks(1)[0]

    export(client)

    kinds = [e.kind for e in events(callback)]
    assert kinds == [EventKind.EXPORT_STARTED, EventKind.EXPORTED]
    batch = ExportBatch.objects.get()
    assert events(callback, EventKind.EXPORTED)[0].details["batch"] == f"export-{batch.pk}"
    callback.refresh_from_db()
    assert callback.exported_at == BEFORE


def test_it_leaves_callbacks_not_yet_due_and_overdue_ones(campaign, simulator, client):
    early = due_callbacks(1, at=MONDAY_10 + dt.timedelta(minutes=15))  # after the lead
    overdue = due_callbacks(1, at=MONDAY_10 - dt.timedelta(minutes=61))  # past the expiry

    export(client)

    assert statuses(early + overdue) == {Status.SCHEDULED: 2}
    assert posts(simulator) == 0
    assert not contacts(simulator)


@pytest.mark.parametrize(
    "change",
    [{"enabled": False}, {"start_time": "12:00", "end_time": "18:00"}],
    ids=["disabled", "outside-window"],
)
def test_it_exports_nothing_while_the_uccx_campaign_cannot_dial(
    campaign, simulator, client, change
):
    for name, value in change.items():
        setattr(simulator.campaigns[1], name, value)
    due = due_callbacks(3)

    summary = export(client)  # 10:00 in Warsaw

    assert statuses(due) == {Status.SCHEDULED: 3}
    assert posts(simulator) == 0
    assert summary.counts == {"campaigns_closed": 1}


def test_it_exports_each_campaign_into_its_own_dialing_list(campaign, simulator, client):
    main = due_callbacks(2)
    premium = due_callbacks(3, campaign="Callback_Premium")

    export(client)

    assert statuses(main + premium) == {Status.IN_DIALER: 5}
    assert contacts(simulator, 1) == {c.account_number: 1 for c in main}
    assert contacts(simulator, 2) == {c.account_number: 1 for c in premium}


def test_a_closed_campaign_does_not_hold_back_the_others(campaign, simulator, client):
    simulator.campaigns[2].enabled = False
    main = due_callbacks(2)
    premium = due_callbacks(2, campaign="Callback_Premium")

    export(client)

    assert statuses(main) == {Status.IN_DIALER: 2}
    assert statuses(premium) == {Status.SCHEDULED: 2}
    assert posts(simulator, 2) == 0


@pytest.mark.parametrize("zone", ["Mars Standard Time", ""], ids=["unknown", "empty"])
def test_it_skips_a_campaign_in_a_time_zone_it_cannot_map_and_says_so(
    campaign, simulator, client, zone
):
    simulator.campaigns[1].time_zone = zone
    main = due_callbacks(2)
    premium = due_callbacks(1, campaign="Callback_Premium")

    summary = export(client)

    # No other zone stands in: nothing is posted for it, and the others go on.
    assert statuses(main) == {Status.SCHEDULED: 2}
    assert posts(simulator) == 0
    assert statuses(premium) == {Status.IN_DIALER: 1}
    (error,) = summary.errors
    assert error.startswith("Callback_Main: export skipped: UCCX campaign 1: ")
    assert (f"unknown time zone {zone!r}" if zone else "UCCX gave no time zone") in error


def test_it_reads_the_window_in_the_windows_zone_uccx_names(campaign, simulator, client):
    # 10:00 in Warsaw is 14:30 in India: a 14:00-15:00 window is open there only.
    simulator.campaigns[1].start_time, simulator.campaigns[1].end_time = "14:00", "15:00"
    due = due_callbacks(1)

    assert export(client).counts == {"campaigns_closed": 1}
    simulator.campaigns[1].time_zone = "India Standard Time"
    export(client)

    assert statuses(due) == {Status.IN_DIALER: 1}


def test_it_skips_a_campaign_whose_dialing_list_a_purge_holds(campaign, simulator, client):
    due = due_callbacks(2)
    with at(BEFORE - dt.timedelta(minutes=1)):  # a purge started a minute ago
        assert services.acquire_lease(1, "purge:test")

    summary = export(client)

    assert summary.counts["campaigns_busy"] == 1
    assert statuses(due) == {Status.SCHEDULED: 2}
    assert posts(simulator) == 0


def test_a_batch_uccx_refuses_returns_to_the_schedule(campaign, simulator, client):
    # A 400 refuses the request: surely not imported.
    simulator.set_faults(refuse_import=1)
    due = due_callbacks(2)

    summary = export(client)

    assert statuses(due) == {Status.SCHEDULED: 2}
    assert [e.kind for e in events(due[0])] == [EventKind.EXPORT_STARTED, EventKind.EXPORT_RETRY]
    batch = ExportBatch.objects.get()
    assert (batch.state, batch.http_status) == (BatchState.REFUSED, 400)
    assert summary.counts["returned"] == 2 and "HTTP 400" in summary.errors[0]
    assert not contacts(simulator)


# --- dial-time re-check ----------------------------------------------------------------------
def moved_to(callback: Callback) -> Callback:
    return Callback.objects.get(rescheduled_from=callback)


def violation_codes(callback: Callback, kind: str) -> list[str]:
    (event,) = events(callback, kind)
    return [v["code"] for v in event.details["violations"]]


def test_a_holiday_added_after_booking_moves_the_callback_to_the_next_valid_slot(
    campaign, sales, simulator, client
):
    CustomHoliday.objects.create(
        calendar=sales.business_hours.holiday_calendar, date=dt.date(2026, 11, 23), name="Audit"
    )
    callback = due_callbacks(1)[0]

    summary = export(client)

    callback.refresh_from_db()
    assert callback.status == Status.RESCHEDULED
    assert "holiday" in violation_codes(callback, EventKind.RESCHEDULED)
    new = moved_to(callback)
    assert new.status == Status.SCHEDULED
    # Sales opens again on Tuesday at 08:00 in Warsaw.
    assert new.scheduled_at == dt.datetime(2026, 11, 24, 8, 0, tzinfo=WARSAW)
    assert summary.counts["moved"] == 1
    assert posts(simulator) == 0


def test_hours_changed_after_booking_move_it_later_the_same_day(campaign, sales, simulator, client):
    OpeningPeriod.objects.filter(
        business_hours=sales.business_hours, weekday=Weekday.MONDAY
    ).update(opens=dt.time(12))
    GlobalRules.load().save()  # a queryset update sends no signal: new configuration version
    stays, moves = due_callbacks(1, skill="Support"), due_callbacks(1)

    export(client)

    assert statuses(stays) == {Status.IN_DIALER: 1}
    assert "skill_closed" in violation_codes(moves[0], EventKind.RESCHEDULED)
    assert moved_to(moves[0]).scheduled_at == dt.datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW)
    assert contacts(simulator) == {stays[0].account_number: 1}


def test_a_callback_with_no_valid_slot_left_expires(campaign, simulator, client):
    Skill.objects.filter(name="Sales").update(enabled=False)
    GlobalRules.load().save()
    callback = due_callbacks(1)[0]

    export(client)

    callback.refresh_from_db()
    assert callback.status == Status.EXPIRED
    assert violation_codes(callback, EventKind.EXPIRED) == ["skill_disabled"]
    assert not Callback.objects.filter(rescheduled_from=callback).exists()
    assert posts(simulator) == 0


def test_the_dial_time_check_ignores_lead_time_and_slot_capacity(campaign, simulator, client):
    due = due_callbacks(3)  # one slot, three callbacks
    rules = GlobalRules.load()
    rules.slot_capacity = 1
    rules.min_lead_minutes = 120
    rules.save()

    export(client)

    assert statuses(due) == {Status.IN_DIALER: 3}
    assert event_counts(due) == {c.pk: 1 for c in due}
