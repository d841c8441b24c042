"""Poll: apply the dialing results db_cra reports.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from callbacks import dialing
from callbacks.dialing import DialerObservation
from callbacks.models import CallbackCampaign

from .. import mapping as m
from ..informix import DialingRow, InformixClient
from .base import RunSummary


# --- poll ----------------------------------------------------------------------------
def observation(
    row: DialingRow, agent_connected: bool, dial_times: Sequence[datetime] = ()
) -> DialerObservation:
    """A db_cra DialingList row in callback terms (all codes through mapping.py), with
    when each of its attempts was dialed (ContactCallDetail)."""
    result = row.call_result
    if result is not None:
        last_result = result.name.lower()
    elif row.call_result_code is not None:
        last_result = f"code {row.call_result_code}"
    else:
        last_result = ""
    closed = row.call_status in (m.CallStatus.CLOSED, m.CallStatus.MAX_CALLS)
    return DialerObservation(
        account_number=row.account_number,
        attempts=row.attempts,
        last_result=last_result,
        closed=closed,
        answered=result == m.CallResult.VOICE,
        agent_connected=agent_connected,
        last_attempt_at=row.last_update,
        dial_times=tuple(dial_times),
    )


def poll_dialer_results(
    *,
    informix: InformixClient | None = None,
    campaigns: Sequence[CallbackCampaign] | None = None,
    batch: int = 1000,
) -> RunSummary:
    """Status flow A-C (docs/architecture.md §7): read the callback campaigns'
    DialingList rows from db_cra in batches and apply attempts, results and closures;
    per batch the rows, their dial times and (for closed rows) their agent connections."""
    informix = informix or InformixClient.from_env()
    campaigns = list(campaigns if campaigns is not None else CallbackCampaign.objects.all())
    summary = RunSummary()
    ids = [c.uccx_campaign_id for c in campaigns]
    for rows in informix.dialing_batches(ids, batch=batch):
        closed_ids = [
            r.dialing_list_id
            for r in rows
            if r.call_status in (m.CallStatus.CLOSED, m.CallStatus.MAX_CALLS)
        ]
        connected = {a.dialing_list_id for a in informix.agent_connections(closed_ids)}
        # The dial attempts' own times, so the timeline puts each dial before the IVR
        # lookup it caused (not at the poll's time, minutes later).
        dialed = informix.dial_times([r.dialing_list_id for r in rows if r.attempts])
        applied = dialing.callbacks_apply_dialer_observations(
            [
                observation(r, r.dialing_list_id in connected, dialed.get(r.dialing_list_id, ()))
                for r in rows
            ]
        )
        summary.add("batches")
        for name, value in applied.as_dict().items():
            summary.add(name, value)
        summary.add("unknown_codes", sum(1 for r in rows if r.has_unknown_code))
    return summary
