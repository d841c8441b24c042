"""Django Admin for the UCCX integration: task health on the admin index, the read-only
records (task status, import batches, the UCCX directory), the purge action and the
UCCX-id choices that the campaign and skill forms use.

Nothing here changes a callback or talks to UCCX. The purge action and the "Run now"
buttons only queue the Celery tasks, which then do exactly what they do on schedule.
The records are written by the tasks alone: no add, change or delete here. Campaign
leases have no page: they last minutes and free themselves.

Modules: health (the index's box, shared helpers), records (the read-only admins,
registered on import). The purge action lives in callbacks.purge_action and the
directory choices in ops.directory; both stay importable from here.
"""

from callbacks.purge_action import PurgePreview, purge_selected  # noqa: F401 (moved)
from ops.directory import DirectoryChoicesAdmin, DirectoryInput  # noqa: F401 (moved)
from ops.queue import TASK_LABELS, queue_task, task_label  # noqa: F401 (moved)

from .health import (  # noqa: F401
    RUN_NOW_EXCLUDED,
    HealthRow,
    _health_row,
    _periodic_tasks,
    _schedule_text,
    _with_age,
    admin_time,
    counts_text,
    health_box,
    health_mark,
    may_run_tasks,
)
from .periodic import PlainPeriodicTaskAdmin, next_run  # noqa: F401
from .records import (  # noqa: F401
    DirectoryEntryAdmin,
    ExportBatchAdmin,
    IntegrationStatusAdmin,
    MovedToOpsAdmin,
    ReadOnlyAdmin,
)
