"""Prometheus metrics (prometheus_client): what /metrics exposes, and who may read it.

Three sources:
- request latency, recorded by `RequestMetricsMiddleware` in the web server's process;
- integration task durations and failures, recorded by `ops.tracking.track`
  in the Celery worker's process;
- the database, read at scrape time: callbacks by status, and each integration task's
  last run (IntegrationStatus, written by every worker on every machine).

Each process keeps its own counters. With PROMETHEUS_MULTIPROC_DIR set, every process
of one machine (gunicorn's workers, the Celery worker's children) writes them to that
directory and /metrics adds them up; without it /metrics shows the answering process
only. The database metrics are the same whichever process answers.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from callbacks.models import Callback, Status
from ops.tracking import task_health

REQUEST_DURATION = Histogram(
    "campaign_manager_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL pattern, method and status class.",
    ["route", "method", "status"],
)
# Anything else a client sends is one label value, so that no client can add series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered ("api/v1/callbacks/<int:pk>"), never the path: an
    account number or an id in a label would make a series per callback."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_DURATION.labels(
            route_of(request), method, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


# --- read from the database at scrape time ---------------------------------------------


class DatabaseCollector:
    """Callbacks by status (one GROUP BY) and the integration tasks' last runs."""

    def collect(self) -> Iterator[Metric]:
        yield self._callbacks()
        yield from self._tasks()

    def _callbacks(self) -> Metric:
        counts = dict(Callback.objects.order_by().values_list("status").annotate(n=Count("pk")))
        family = GaugeMetricFamily(
            "campaign_manager_callbacks", "Callbacks stored, by status.", labels=["status"]
        )
        for status in Status:  # every status, zeros included: a series never vanishes
            family.add_metric([status.value], counts.get(status.value, 0))
        return family

    def _tasks(self) -> Iterable[Metric]:
        healthy = GaugeMetricFamily(
            "campaign_manager_task_healthy",
            "1 when the task's last run succeeded recently enough (as on the admin index).",
            labels=["task"],
        )
        last_success = GaugeMetricFamily(
            "campaign_manager_task_last_success_timestamp_seconds",
            "When the task last succeeded (Unix time); absent if it never did.",
            labels=["task"],
        )
        last_duration = GaugeMetricFamily(
            "campaign_manager_task_last_duration_seconds",
            "How long the task's last run took, on whichever worker ran it.",
            labels=["task"],
        )
        consecutive = GaugeMetricFamily(
            "campaign_manager_task_consecutive_failures",
            "Failed runs of the task since its last success.",
            labels=["task"],
        )
        for health in task_health():
            healthy.add_metric([health.task], int(health.ok))
            status = health.status
            if status is None:
                continue
            if status.last_success_at is not None:
                last_success.add_metric([health.task], status.last_success_at.timestamp())
            if status.last_duration_ms is not None:
                last_duration.add_metric([health.task], status.last_duration_ms / 1000)
            consecutive.add_metric([health.task], status.consecutive_failures)
        return healthy, last_success, last_duration, consecutive


class _ThisProcess:
    """The default registry (this process's metrics) inside a per-scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(multiprocess_dir: str = "") -> bytes:
    """The text /metrics answers: this process's metrics (or, in multi-process mode,
    those of every process writing to `multiprocess_dir`) and the database's."""
    registry = CollectorRegistry()
    if multiprocess_dir:
        MultiProcessCollector(registry, path=multiprocess_dir)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


# --- who may read them -------------------------------------------------------------------


def may_scrape(request: HttpRequest) -> bool:
    """The bearer token (METRICS_TOKEN), or an address in METRICS_ALLOWED_IPS.

    The address is REMOTE_ADDR, never X-Forwarded-For (anyone can send that header)."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            offered.strip().encode(), token.encode()
        ):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 from a server listening on ::
    return any(address in network for network in settings.METRICS_ALLOWED_IPS)
