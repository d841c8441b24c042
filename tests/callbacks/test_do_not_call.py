"""The do-not-call list (docs/decisions/do-not-call-and-called-in.md): refused at booking
in the all-violations answer, cancelled at dial time and never claimed for export."""

import datetime as dt

import pytest
import time_machine

from callbacks.dialing import DueWindow, callbacks_claim_due
from callbacks.models import CallbackCampaign, EventKind, Status
from callbacks.services import CallbackRejected
from scheduling.codes import ViolationCode
from scheduling.models import DoNotCallEntry, DoNotCallKind

from .api_helpers import body, error_codes

pytestmark = pytest.mark.usefixtures("frozen_now")

NUMBER = "+48221234567"
MONDAY_10_UTC = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 Warsaw
MONDAY = "2026-11-23T10:00"


def listed(value=NUMBER, kind=DoNotCallKind.NUMBER, ends_on=None, reason="asked not to be called"):
    return DoNotCallEntry.objects.create(value=value, kind=kind, reason=reason, ends_on=ends_on)


# --- at booking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [(NUMBER, DoNotCallKind.NUMBER), ("+4822123", DoNotCallKind.PREFIX)],
    ids=["number", "prefix"],
)
def test_it_refuses_a_listed_number_with_every_other_violation(gadget, value, kind):
    listed(value, kind)

    # Also too far ahead: both violations come in the one answer.
    response = gadget.post(
        "/api/v1/callbacks", body(scheduled_at="2027-06-01T10:00"), format="json"
    )

    assert response.status_code == 400
    codes = error_codes(response)
    assert ("phone_number", ViolationCode.DO_NOT_CALL) in codes
    assert ("scheduled_at", ViolationCode.TOO_FAR_AHEAD) in codes
    message = next(e["message"] for e in response.json()["errors"] if e["code"] == "do_not_call")
    assert "asked not to be called" in message


@pytest.mark.parametrize(
    ("ends_on", "refused"),
    [(None, True), (dt.date(2026, 11, 23), True), (dt.date(2026, 11, 22), False)],
    ids=["for good", "ends on the promised day", "ended the day before"],
)
def test_it_reads_the_end_date_at_the_promised_time(make_callback, ends_on, refused):
    listed(ends_on=ends_on)

    if refused:
        with pytest.raises(CallbackRejected) as caught:
            make_callback(phone_number=NUMBER)
        assert [v.code for v in caught.value.violations] == [ViolationCode.DO_NOT_CALL]
    else:
        assert make_callback(phone_number=NUMBER).status == Status.SCHEDULED


def test_a_number_entry_does_not_bar_other_numbers_of_its_prefix(make_callback):
    listed("+4822123456", DoNotCallKind.NUMBER)  # a number, not a prefix

    assert make_callback(phone_number=NUMBER).status == Status.SCHEDULED


def suggested(response) -> list[str]:
    return [slot["local"][:16] for slot in response.json()["suggestions"]]


def test_it_suggests_no_slot_while_an_entry_without_an_end_bars_the_number(gadget):
    listed()

    # Saturday 15:00 is after Sales closes: the time is wrong too, yet no slot would do.
    response = gadget.post(
        "/api/v1/callbacks", body(scheduled_at="2026-11-21T15:00"), format="json"
    )

    assert ("scheduled_at", ViolationCode.SKILL_CLOSED) in error_codes(response)
    assert response.json()["suggestions"] == []


def test_it_suggests_the_first_slots_after_a_listing_ends(gadget):
    listed(ends_on=dt.date(2026, 11, 24))  # to Tuesday, included (Warsaw)

    response = gadget.post("/api/v1/callbacks", body(scheduled_at=MONDAY), format="json")

    assert error_codes(response) == [("phone_number", ViolationCode.DO_NOT_CALL)]
    assert suggested(response) == ["2026-11-25T08:00", "2026-11-25T08:15", "2026-11-25T08:30"]


def test_a_suggestion_after_one_listing_ends_skips_another_that_bars_it(gadget):
    listed(ends_on=dt.date(2026, 11, 24))
    # A prefix entry to Wednesday: the number entry wins at booking, the prefix after it.
    listed("+4822123", DoNotCallKind.PREFIX, ends_on=dt.date(2026, 11, 25))

    response = gadget.post("/api/v1/callbacks", body(scheduled_at=MONDAY), format="json")

    assert error_codes(response) == [("phone_number", ViolationCode.DO_NOT_CALL)]
    assert all(day >= "2026-11-26" for day in suggested(response)), suggested(response)


# --- at dial time --------------------------------------------------------------------


def claim_on_monday() -> list:
    campaign = CallbackCampaign.objects.get(name="Callback_Main")
    with time_machine.travel(MONDAY_10_UTC, tick=False):
        return callbacks_claim_due(campaign=campaign, window=DueWindow.at(MONDAY_10_UTC), limit=10)


@pytest.mark.parametrize(
    ("value", "kind"),
    [(NUMBER, DoNotCallKind.NUMBER), ("+48221", DoNotCallKind.PREFIX)],
    ids=["number", "prefix"],
)
def test_a_number_listed_after_booking_is_cancelled_at_dial_time_never_exported(
    make_callback, value, kind
):
    barred = make_callback(phone_number=NUMBER)
    other = make_callback(phone_number="+48601234567")
    listed(value, kind, ends_on=dt.date(2026, 11, 30))

    claimed = claim_on_monday()

    assert [c.pk for c in claimed] == [other.pk]
    barred.refresh_from_db()
    assert barred.status == Status.CANCELLED
    event = barred.events.get(kind=EventKind.CANCELLED)
    assert (event.from_status, event.actor) == (Status.SCHEDULED, "scheduler")
    assert event.details == {
        "reason": "do_not_call",
        "entry": value,
        "detail": "on the do-not-call list: asked not to be called",
    }
    assert not barred.events.filter(kind=EventKind.EXPORT_STARTED).exists()


def test_an_entry_that_ended_before_the_dial_lets_the_callback_through(make_callback):
    callback = make_callback(phone_number=NUMBER)
    listed(ends_on=dt.date(2026, 11, 22))  # Sunday: over by Monday

    claimed = claim_on_monday()

    assert [c.pk for c in claimed] == [callback.pk]
    assert claimed[0].status == Status.EXPORTING


def test_it_still_fills_the_batch_when_the_first_due_ones_are_listed(make_callback):
    barred = [make_callback(phone_number=f"+4822123456{n}") for n in range(3)]
    free = make_callback(phone_number="+48601234567")
    listed("+482212345", DoNotCallKind.PREFIX)
    campaign = CallbackCampaign.objects.get(name="Callback_Main")

    with time_machine.travel(MONDAY_10_UTC, tick=False):
        claimed = callbacks_claim_due(
            campaign=campaign, window=DueWindow.at(MONDAY_10_UTC), limit=2
        )

    assert [c.pk for c in claimed] == [free.pk]
    for callback in barred:
        callback.refresh_from_db()
        assert callback.status == Status.CANCELLED
