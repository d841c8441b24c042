"""Personal callbacks when the agent is away (issue 15; callbacks/dialing/agent_away.py):
at the export's dial-time re-check the Campaign Manager reads each due personal callback's
agent's state from the simulator's Finesse stand-in, over real HTTP, as its administrator
account. Logged out: routed to the skill at once (the IVR answer says so, with the reason)
or held until the agent is back within the expiry, as the campaign says. Finesse down:
dialed as booked. Shown in the timeline, counted in cm_callback_report."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from callbacks import dialing, ivr
from callbacks.models import AgentAway, Callback, CallbackCampaign, EventKind, Status
from tests.uccx_integration.flow_helpers import MONDAY_10, at, contacts, due_callbacks, events
from uccx_integration import services as uccx

pytestmark = pytest.mark.usefixtures("frozen_now")

BEFORE = MONDAY_10  # due: exported at its time (EXPORT_LEAD_SECONDS 0)
USER_GET = "GET /finesse/api/User/{}"


@pytest.fixture
def finesse(campaign, simulator, settings):
    """The stand-in beside the UCCX simulator: agent001 READY, agent002 NOT_READY,
    agent003 LOGOUT; the Campaign Manager reads them as Finesse's administrator."""
    settings.AGENT_AUTH = "finesse"
    settings.FINESSE_URL = simulator.url
    settings.FINESSE_USERNAME = "administrator"
    settings.FINESSE_PASSWORD = "ciscocisco"
    return simulator


def personal(agent: str, count: int = 1, **kwargs) -> list[Callback]:
    found = due_callbacks(count, **kwargs)
    Callback.objects.filter(pk__in=[c.pk for c in found]).update(agent_id=agent)
    for callback in found:
        callback.refresh_from_db()
    return found


def export(client, moment=BEFORE):
    with at(moment):
        return uccx.export_due_callbacks(client=client)


def when_logged_out(choice: str) -> None:
    CallbackCampaign.objects.filter(name="Callback_Main").update(when_agent_logged_out=choice)


def report_row(callback: Callback) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fell_back_to_skill, fell_back_reason, held_for_agent "
            "FROM cm_callback_report WHERE callback_id = %s",
            [callback.pk],
        )
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_a_logged_out_agents_callback_is_routed_to_the_skill_at_once(finesse, client):
    when_logged_out(AgentAway.SKILL)
    (away,) = personal("agent003")
    (present,) = personal("agent001")

    export(client)

    away.refresh_from_db()
    assert (away.status, away.skill_reason) == (Status.IN_DIALER, "agent_logged_out")
    (note,) = events(away, EventKind.AGENT_AWAY)
    assert note.details["action"] == "routed_to_skill"
    assert "agent003 is logged out of Finesse" in note.details["detail"]
    assert events(away, EventKind.EXPORT_STARTED)[0].details["reason"] == "agent_logged_out"
    assert contacts(finesse)[away.account_number] == 1
    route = ivr.callback_route_for_ivr(account_number=away.account_number)
    assert (route.action, route.skill, route.reason, route.agent_id) == (
        "skill",
        "Sales",
        "agent_logged_out",
        "agent003",
    )
    assert route.personal_wait_seconds == 0
    assert report_row(away) == {
        "fell_back_to_skill": 1,
        "fell_back_reason": "agent_logged_out",
        "held_for_agent": 0,
    }
    # The agent who is signed in keeps their callback, queued to them.
    present.refresh_from_db()
    assert (present.status, present.skill_reason) == (Status.IN_DIALER, "")
    assert ivr.callback_route_for_ivr(account_number=present.account_number).action == "agent"
    assert not events(present, EventKind.AGENT_AWAY)


def test_the_ivr_outcome_of_a_routed_callback_records_the_reason_not_a_wait(finesse, client):
    when_logged_out(AgentAway.SKILL)
    (away,) = personal("agent003")
    export(client)
    away.refresh_from_db()
    ivr.callback_route_for_ivr(account_number=away.account_number)

    ivr.callback_record_ivr_outcome(callback=away, outcome="queued_skill")

    outcome = events(away, EventKind.IVR_OUTCOME)[-1].details
    assert outcome == {"outcome": "queued_skill", "reason": "agent_logged_out"}


def test_a_holding_campaign_keeps_the_callback_until_the_agent_is_back(finesse, client):
    when_logged_out(AgentAway.HOLD)
    (held,) = personal("agent003")
    others = due_callbacks(2)  # standard ones are not held up behind it

    export(client)
    export(client, BEFORE + dt.timedelta(minutes=1))  # the next beat: still away

    held.refresh_from_db()
    assert held.status == Status.SCHEDULED
    assert held.held_at == BEFORE
    assert len(events(held, EventKind.AGENT_AWAY)) == 1  # held once, not once per beat
    assert not events(held, EventKind.EXPORT_STARTED)
    assert held.account_number not in contacts(finesse)
    assert all(contacts(finesse)[c.account_number] == 1 for c in others)

    finesse.finesse.set_state("agent003", "READY")
    export(client, BEFORE + dt.timedelta(minutes=2))

    held.refresh_from_db()
    assert (held.status, held.skill_reason) == (Status.IN_DIALER, "")
    started = events(held, EventKind.EXPORT_STARTED)[0].details
    assert started["agent_state"] == "READY"
    assert "the agent is back" in started["detail"]
    assert ivr.callback_route_for_ivr(account_number=held.account_number).action == "agent"
    assert report_row(held)["held_for_agent"] == 1


def test_a_held_callback_expires_when_the_expiry_passes(finesse, client):
    when_logged_out(AgentAway.HOLD)
    (held,) = personal("agent003")
    export(client)

    with at(MONDAY_10 + dt.timedelta(minutes=61)):  # past the 60-minute expiry
        dialing.callbacks_expire_overdue()

    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    assert events(held, EventKind.EXPIRED)[0].details["detail"] == "held for its logged-out agent"
    assert report_row(held)["held_for_agent"] == 1


def test_finesse_unreachable_dials_as_booked_and_says_so(finesse, client):
    when_logged_out(AgentAway.HOLD)
    (callback,) = personal("agent003")
    finesse.set_faults(refuse_finesse=True)

    summary = export(client)

    callback.refresh_from_db()
    assert (callback.status, callback.skill_reason, callback.held_at) == (
        Status.IN_DIALER,
        "",
        None,
    )
    started = events(callback, EventKind.EXPORT_STARTED)[0].details
    assert started["agent_state"] == "unknown"
    assert "dialed as booked" in started["detail"]
    assert contacts(finesse)[callback.account_number] == 1
    assert not summary.errors


def test_each_agent_is_asked_once_per_run(finesse, client):
    personal("agent001", 3)
    personal("agent002", 2)

    export(client)

    counts = finesse.request_counts()
    assert counts.get(USER_GET.format("agent001")) == 1
    assert counts.get(USER_GET.format("agent002")) == 1


@pytest.mark.parametrize(
    "setting",
    [{"AGENT_AUTH": "key_only"}, {"FINESSE_USERNAME": ""}, {"FINESSE_URL": ""}],
    ids=["key-only mode", "no service account", "no FINESSE_URL"],
)
def test_no_state_check_without_finesse_or_in_key_only_mode(finesse, client, settings, setting):
    (callback,) = personal("agent003")
    for name, value in setting.items():
        setattr(settings, name, value)

    export(client)

    callback.refresh_from_db()
    assert (callback.status, callback.skill_reason) == (Status.IN_DIALER, "")
    assert USER_GET.format("agent003") not in finesse.request_counts()
    assert "agent_state" not in events(callback, EventKind.EXPORT_STARTED)[0].details


# --- held across a DST change: the expiry counts real minutes, not the wall clock -------
WARSAW = ZoneInfo("Europe/Warsaw")


def hold_now(campaign, moment: dt.datetime) -> list[Callback]:
    """The export's claim at `moment`, with the agents' states read before it."""
    campaign.refresh_from_db()  # when_logged_out() changed it in the database
    with at(moment):
        window = dialing.DueWindow.at(moment)
        presence = dialing.agent_presence(campaign=campaign, window=window)
        return dialing.callbacks_claim_due(
            campaign=campaign, window=window, limit=10, presence=presence
        )


def test_a_hold_across_the_autumn_overlap_expires_by_real_minutes(finesse, campaign):
    # 25 October 2026 in Warsaw: 02:00-03:00 happens twice (CEST, then CET).
    when_logged_out(AgentAway.HOLD)
    (first,) = personal("agent003", at=dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC))
    (second,) = personal("agent003", at=dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC))
    local = [c.scheduled_at.astimezone(WARSAW) for c in (first, second)]
    assert [(t.hour, t.minute, t.fold) for t in local] == [(2, 30, 0), (2, 30, 1)]

    assert hold_now(campaign, dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)) == []
    with at(dt.datetime(2026, 10, 25, 1, 45, tzinfo=dt.UTC)):  # 02:45 CET, the second pass
        dialing.callbacks_expire_overdue()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.EXPIRED  # 75 real minutes after its 02:30 CEST
    assert (second.status, second.held_at is not None) == (Status.SCHEDULED, True)


def test_a_hold_across_the_spring_gap_is_not_expired_by_the_missing_hour(finesse, campaign):
    # 29 March 2026 in Warsaw: 02:00-03:00 does not exist (CET to CEST).
    when_logged_out(AgentAway.HOLD)
    promised = dt.datetime(2026, 3, 29, 0, 50, tzinfo=dt.UTC)  # 01:50 CET
    (held,) = personal("agent003", at=promised)

    assert hold_now(campaign, promised) == []
    later = dt.datetime(2026, 3, 29, 1, 40, tzinfo=dt.UTC)  # 03:40 CEST: 110 wall minutes
    assert later.astimezone(WARSAW).hour == 3
    with at(later):
        dialing.callbacks_expire_overdue()

    held.refresh_from_db()
    assert held.status == Status.SCHEDULED  # 50 real minutes: within the 60-minute expiry
    finesse.finesse.set_state("agent003", "READY")
    assert [c.pk for c in hold_now(campaign, later)] == [held.pk]  # the agent is back


def test_a_run_that_spent_its_finesse_budget_dials_the_rest_as_booked(finesse, campaign):
    (callback,) = personal("agent003")
    window = dialing.DueWindow.at(BEFORE)
    campaign.refresh_from_db()

    with at(BEFORE):
        presence = dialing.agent_presence(
            campaign=campaign, window=window, presence=dialing.Presence(budget_seconds=0)
        )
        claimed = dialing.callbacks_claim_due(
            campaign=campaign, window=window, limit=10, presence=presence
        )

    assert [c.pk for c in claimed] == [callback.pk]
    assert USER_GET.format("agent003") not in finesse.request_counts()
    assert events(callback, EventKind.EXPORT_STARTED)[0].details["agent_state"] == "unknown"
