"""What /readyz checks: the database, the Celery broker and the integration tasks.

Each check returns a JSON-ready dict with "ok"; `readiness()` runs them all and never
raises, so /readyz answers JSON whatever breaks (a check that raises is a failed check).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from kombu import Connection

from ops.tracking import task_health

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def check_database() -> Check:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_broker() -> Check:
    """Connect to the broker as the web server does to queue a task, with a short
    timeout and no retry (Redis answers a PING; the embedded broker's folders must take
    a file)."""
    timeout = settings.READYZ_BROKER_TIMEOUT
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options={
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            **options,
        },
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=timeout)
        transport = broker.transport.driver_type
    if transport == "filesystem":
        _check_folders(options)
    return {"ok": True, "transport": transport}


def _check_folders(options: dict[str, Any]) -> None:
    # kombu's filesystem transport "connects" without touching its folders: write one
    # file where tasks are queued (a name the worker never reads: not "*.<queue>.msg").
    for folder in {options.get("data_folder_out", "data_out"), options.get("data_folder_in")}:
        if folder is None:
            continue
        handle, path = tempfile.mkstemp(prefix=".readyz-", suffix=".probe", dir=folder)
        os.close(handle)
        os.remove(path)


def check_tasks() -> Check:
    """Each integration task's health as the admin index shows it (task_health). A task
    counts for readiness only once it has succeeded: a fresh installation, or a task
    that has not reached its first run, must not keep the web server unready."""
    tasks = {}
    for health in task_health():
        status = health.status
        last_success = status.last_success_at if status else None
        tasks[health.task] = {
            "ok": health.ok,
            "counts": settings.READYZ_REQUIRE_TASKS and last_success is not None,
            "last_success_at": last_success.isoformat() if last_success else None,
            "consecutive_failures": status.consecutive_failures if status else 0,
        }
    ok = all(task["ok"] for task in tasks.values() if task["counts"])
    return {"ok": ok, "tasks": tasks}


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "broker": check_broker,
    "tasks": check_tasks,
}


def readiness() -> tuple[bool, dict[str, Check]]:
    results = {name: _safely(name, check) for name, check in CHECKS.items()}
    return all(result["ok"] for result in results.values()), results


def _safely(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as error:
        logger.warning("readiness check %s failed: %s", name, error, exc_info=True)
        # The error's class and first words: enough to tell "refused" from "timed out";
        # the whole story is in the log.
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:200]}
