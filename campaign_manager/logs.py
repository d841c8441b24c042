"""Logs: one JSON object per line in production, the familiar text lines with DEBUG.

Each record carries what it happened for, when known: `request_id` (the request's
X-Request-ID, see middleware.py), `account_number` (the callback a request is about) and,
in a Celery worker, `task_id` and `task_name`. A view or service may name the callback
it works on with `bind_account_number()`; the request's end forgets it.

Importable without Django settings: gunicorn's master process uses it before Django
starts (gunicorn_conf.py).
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

from celery import current_task
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .envconf import read_bool, read_choice

LOG_FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
account_number: ContextVar[str | None] = ContextVar("account_number", default=None)


def bind_account_number(value: str) -> None:
    """Name the callback the current request (or task) works on in its log records."""
    account_number.set(value.strip().upper()[:40] or None)


def log_format() -> str:
    """LOG_FORMAT, by default json when DEBUG is off and text when it is on."""
    default = "text" if read_bool("DEBUG", default=False) else "json"
    return read_choice("LOG_FORMAT", default, LOG_FORMATS)


class ContextFilter(logging.Filter):
    """Adds request_id, account_number, task_id and task_name to a record where known
    (a handler's filter, so it sees records propagated from every logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context().items():
            if value and not hasattr(record, name):
                setattr(record, name, value)
        return True


def _context() -> dict[str, Any]:
    context = {"request_id": request_id.get(), "account_number": account_number.get()}
    # The proxy is falsy outside a task (web requests, the worker's main process).
    if current_task and current_task.request.id:
        context["task_id"] = current_task.request.id
        context["task_name"] = current_task.name
    return context


class JsonFormatter(_JsonFormatter):
    """{"time", "level", "logger", "message", ...context, ...extra, "exc_info"}: UTC times
    in ISO 8601, so that lines from several machines sort and merge."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message"])
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S")
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # Milliseconds and a Z: "2026-11-20T09:00:00.123Z".
        stamp = time.strftime(datefmt or "%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


def logging_config(*, level: str, fmt: str, access_log: bool) -> dict[str, Any]:
    """The LOGGING dict of the settings: one console handler on the root logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "campaign_manager.logs.ContextFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "campaign_manager.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # One line per request (middleware.py); off under runserver, which has its own.
        "loggers": {} if access_log else {"campaign_manager.access": {"level": "WARNING"}},
    }


def gunicorn_logconfig() -> dict[str, Any]:
    """gunicorn's own messages (start, worker boots and timeouts) as JSON lines; its
    access log stays off, since the middleware logs each request with its request id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "campaign_manager.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }
