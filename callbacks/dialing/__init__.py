"""Callback services for the dialer integration: claim due callbacks, record what UCCX
accepted, apply what the dialer did, expire what can no longer be dialed in time.

They speak of callbacks only; `uccx_integration` turns UCCX's rows and codes into
`DialerObservation`s. Every status change goes through `callbacks.states`, in bulk, so
a batch of 500 costs a handful of queries, not 500.

- `export`: claim due callbacks, mark them exported or send them back, re-import.
- `observations`: apply what the dialer shows of its contacts.
- `expiry`: expire callbacks past their time.
- `agent_away`: personal callbacks whose agent is logged out of Finesse at dial time.

Callers use this package's names (`dialing.callbacks_mark_exported(...)`), so a test
can replace one here.
"""

from .agent_away import Presence
from .expiry import callbacks_expire_overdue
from .export import (
    ACTOR,
    DueWindow,
    agent_presence,
    callback_move_to_next_slot,
    callbacks_claim_due,
    callbacks_in_dialer,
    callbacks_mark_exported,
    callbacks_prepare_reimport,
    callbacks_return_to_schedule,
    callbacks_stuck_exporting,
    campaigns_with_due_callbacks,
    dial_time_violations,
    export_lead,
    next_export_at,
)
from .observations import (
    FOLLOWED,
    ApplySummary,
    DialerObservation,
    callbacks_apply_dialer_observations,
)

__all__ = [
    "ACTOR",
    "FOLLOWED",
    "ApplySummary",
    "DialerObservation",
    "DueWindow",
    "Presence",
    "agent_presence",
    "callback_move_to_next_slot",
    "callbacks_apply_dialer_observations",
    "callbacks_claim_due",
    "callbacks_expire_overdue",
    "callbacks_in_dialer",
    "callbacks_mark_exported",
    "callbacks_prepare_reimport",
    "callbacks_return_to_schedule",
    "callbacks_stuck_exporting",
    "campaigns_with_due_callbacks",
    "dial_time_violations",
    "export_lead",
    "next_export_at",
]
