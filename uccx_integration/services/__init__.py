"""The scheduler's work against UCCX (docs/uccx.md): export due callbacks, resolve
unknown exports, apply dialing results, purge dialing lists, sync the directory.

The rule everywhere: a callback is never lost and a contact never imported twice.
- A batch is claimed (`exporting`) and recorded BEFORE it is posted. A request that
  surely never arrived (refused connection, a 4xx) returns it to `scheduled`.
- UCCX imports asynchronously: its 2xx only says it took the request. The callbacks stay
  `exporting` until UCCX's import status reports the run (settle_batch): all imported →
  `in_dialer`; otherwise each is placed by asking UCCX (locate).
- A callback goes back to `scheduled` only when UCCX positively does not have it: its
  REST lists were read, db_cra (DialingList and DialingListHistory) was read and shows
  no row, and, when the batch may have reached UCCX, UCCX has reported an import run
  since it was sent (or UCCX_IMPORT_TIMEOUT_MINUTES have passed). Anything less
  leaves it `exporting` (undecided); undecided for longer than
  UCCX_UNDECIDED_ALERT_MINUTES turns reconcile red with the account numbers.
- Export and purge change a campaign's dialing list only while they hold its lease.
See docs/uccx.md.

One module per job (base, leases, batches, export, reconcile, poll, purge, directory);
every name stays importable from here (`services.export_due_callbacks`).
"""

from .base import (  # noqa: F401
    IMPORT_POLL_SECONDS,
    LEASE_TTL,
    OPEN_BATCH_STATES,
    PURGE_WAIT_SECONDS,
    STALE_AFTER,
    RunSummary,
    _informix_or_none,
)
from .batches import (  # noqa: F401
    BatchOutcome,
    Located,
    Settled,
    _await_import,
    _batch_callbacks,
    batch_ref,
    contact_row,
    locate,
    post_batch,
    settle_batch,
)
from .directory import sync_uccx_directory  # noqa: F401
from .export import (  # noqa: F401
    _count_batch,
    _export_campaign,
    campaign_window_open,
    export_due_callbacks,
    settle_pending_imports,
)
from .leases import acquire_lease, campaign_lease, release_lease  # noqa: F401
from .poll import observation, poll_dialer_results  # noqa: F401
from .purge import _purge_campaign, purge_dialing_lists  # noqa: F401
from .reconcile import _alert_undecided, _reconcile_campaign, _settle_batches, reconcile_exports  # noqa: F401
