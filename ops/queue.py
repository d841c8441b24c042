"""Queue a background task by its Celery name, from the admin (Run now, the purge action):
no app needs to import another's tasks module to start one of its tasks."""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from .beat import default_schedule, short_name, task_names

logger = logging.getLogger(__name__)

# What administrators call each task (every app's): the names of its default periodic task.
TASK_LABELS = {short_name(task): name for name, (task, _) in default_schedule().items()}


def task_label(task: str) -> str:
    """What administrators call a task, in their language (the periodic task's name stays
    English in the database: gettext_noop in each app's schedule)."""
    name = TASK_LABELS.get(task)
    return _(name) if name else task.replace("_", " ").capitalize()


def queue_task(task: str, **kwargs: Any) -> str:
    """Queue one background task (its short name, any app's) by its Celery name.
    Returns "" or, when the broker cannot be reached, a message for the administrator
    (the work then waits for its next scheduled run)."""
    name = task_names().get(task, task)
    try:
        registered = current_app.tasks.get(name)
        if registered is not None:
            registered.delay(**kwargs)
        else:
            current_app.send_task(name, kwargs=kwargs)
    except (BrokerError, OSError) as error:
        logger.warning("could not queue %s: %s", task, error)
        return _(
            "%(task)s could not be queued: the Celery broker cannot be reached "
            "(%(error)s). Nothing was changed; check that the broker (e.g. Redis) is running."
        ) % {"task": task_label(task), "error": error}
    return ""
