"""Moved to ops.tracking (task-run tracking is every app's); kept so that old imports
still work."""

from ops.tracking import (  # noqa: F401
    MAX_AGE,
    TASK_DURATION,
    TASK_FAILURES,
    PartialFailure,
    TaskHealth,
    task_health,
    track,
)
