"""Every outcome class of the recall policy through the simulator over real HTTP: the
exporter imports the contacts through the simulator's adminapi, the simulator dials each
number with the outcome it is told, its callback script (uccx_integration/simulator/
ivr.py, the shipped script's listing) asks the live Campaign Manager's IVR API where to
route the answered ones and reports what happened, and the poll reads db_cra over ODBC.
Nothing is called directly: each round ends as UCCX and the script tell it."""

import datetime as dt

import pytest

from callbacks.models import ApiScope, Callback, CallbackCampaign, EventKind, Status
from callbacks.recall.models import RecallOutcome, RecallPolicy
from tests import cast
from tests.uccx_integration.flow_helpers import at, due_callbacks, events, needs_sqlite_odbc
from tests.uccx_integration.recall_helpers import MONDAY_10
from uccx_integration import services
from uccx_integration.simulator.dialer import Dialer
from uccx_integration.simulator.ivr import IvrScript

pytestmark = needs_sqlite_odbc

# What the simulator is told per number -> the policy's outcome class it must give.
TOLD = {
    "no_answer": RecallOutcome.NO_ANSWER,
    "busy": RecallOutcome.BUSY,
    "answering_machine": RecallOutcome.MACHINE,
    "fax": RecallOutcome.MACHINE,
    "invalid": RecallOutcome.INVALID_NUMBER,
    "ivr_hangup": RecallOutcome.IVR_HANGUP,  # the script reports customer_hangup
    "queue_abandoned": RecallOutcome.ABANDONED,  # queued, left before an agent
}


@pytest.fixture
def demo(transactional_db) -> None:
    """The cast, committed: the live server answers the script from another thread."""
    cast.load()


def test_every_outcome_class_over_http_gets_its_policys_next_round(
    demo, live_server, simulator, client, informix
):
    for uccx_campaign in simulator.campaigns.values():
        uccx_campaign.max_dial_attempts = 1  # one dial per round
    with at(cast.NOW):
        api_key = cast.api_key(ApiScope.IVR, "Callback IVR")[1]
        policy = RecallPolicy(campaign=CallbackCampaign.objects.get(name="Callback_Main"))
        for outcome in RecallOutcome.values:
            setattr(policy, f"{outcome}_after", "30")
            setattr(policy, f"{outcome}_rounds", 2)
        policy.save()
        callbacks = dict(zip(TOLD, due_callbacks(len(TOLD)), strict=True))
    dialer = Dialer(
        simulator.store,
        simulator.campaigns,
        ivr=IvrScript(live_server.url, api_key),
        number_outcomes={c.dial_number: told for told, c in callbacks.items()},
    )

    with at(MONDAY_10):
        services.export_due_callbacks(client=client)
    with at(MONDAY_10 + dt.timedelta(minutes=2)):
        assert dialer.dial_round() == len(TOLD)
    with at(MONDAY_10 + dt.timedelta(minutes=3)):
        services.poll_dialer_results(informix=informix)

    for told, callback in callbacks.items():
        callback.refresh_from_db()
        assert callback.status == Status.RECALLED, told
        (recalled,) = events(callback, EventKind.RECALLED)
        assert recalled.details["outcome"] == TOLD[told], told
        second = Callback.objects.get(recall_of=callback)
        assert (second.round, second.status) == (2, Status.SCHEDULED)
        # Ended at 10:02 or 10:03, +30 minutes: the next slot start, 10:45 Warsaw.
        assert second.scheduled_at == MONDAY_10 + dt.timedelta(minutes=45), told
    # The two answered ones went through the IVR API: looked up, and what the script did.
    hangup = callbacks["ivr_hangup"]
    assert events(hangup, EventKind.IVR_LOOKUP)
    assert events(hangup, EventKind.RECALLED)[0].actor == "ivr"  # the script's report
    abandoned = callbacks["queue_abandoned"]
    assert events(abandoned, EventKind.IVR_LOOKUP)
    assert [e.details["outcome"] for e in events(abandoned, EventKind.IVR_OUTCOME)] == [
        "queued_skill"
    ]
