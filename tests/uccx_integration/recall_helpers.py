"""Recall rounds through the simulator, shared by test_recall.py and
test_recall_interactions.py: the callback script on an answered call (called directly,
or over HTTP against the live server), one round end to end, the next round."""

import datetime as dt

from callbacks import ivr as callback_ivr
from callbacks.models import Callback
from tests.uccx_integration.flow_helpers import at, due_callbacks
from uccx_integration import services
from uccx_integration.simulator.dialer import Dialer

UTC = dt.UTC
# Monday 23 November 2026, Warsaw (CET, UTC+1).
MONDAY_10 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class DirectIvr:
    """The callback script on an answered call, calling the services directly (what the
    IVR API does for it): look up, then queue (queued_skill) or, told so, hang up."""

    def handle_answered(self, account_number: str, campaign_name: str) -> str:
        route = callback_ivr.callback_route_for_ivr(account_number=account_number)
        callback = Callback.objects.get(account_number=account_number)
        outcome = "queued_agent" if route.action == "agent" else "queued_skill"
        callback_ivr.callback_record_ivr_outcome(callback=callback, outcome=outcome)
        return outcome

    def hang_up_after_lookup(self, account_number: str, campaign_name: str) -> None:
        callback_ivr.callback_route_for_ivr(account_number=account_number)
        callback = Callback.objects.get(account_number=account_number)
        callback_ivr.callback_record_ivr_outcome(callback=callback, outcome="customer_hangup")


def round_of(client, simulator, informix, callback, outcome, moment, dial_after=5, ivr=None):
    """Export the callback at `moment` (its time), the simulator dials it with `outcome`
    `dial_after` minutes later (the script: `ivr`, else DirectIvr), the poll reads it a
    minute after that."""
    with at(moment):
        services.export_due_callbacks(client=client)
    dialed = moment + dt.timedelta(minutes=dial_after)
    dialer = Dialer(
        simulator.store,
        simulator.campaigns,
        ivr=ivr or DirectIvr(),
        number_outcomes={callback.dial_number: outcome},
    )
    with at(dialed):
        assert dialer.dial_round() == 1
    with at(dialed + dt.timedelta(minutes=1)):
        services.poll_dialer_results(informix=informix)
    callback.refresh_from_db()
    return callback


def next_round(callback) -> Callback:
    return Callback.objects.get(recall_of=callback)


def a_callback(at_time=MONDAY_10, skill="Sales", **fields) -> Callback:
    (callback,) = due_callbacks(1, at=at_time, skill=skill)
    if fields:
        Callback.objects.filter(pk=callback.pk).update(**fields)
        callback.refresh_from_db()
    return callback
