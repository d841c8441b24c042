"""Operations endpoints: /healthz, /readyz, /metrics; and the admin's login lockout page."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from callbacks.api.errors import error

from . import metrics as metrics_module
from .readiness import readiness


def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: 200 when the database, the broker and the integration tasks are fine,
    503 otherwise; always JSON (a check that raises is a failed check)."""
    ok, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )


@never_cache
def metrics(request):
    """Prometheus text format, for the addresses in METRICS_ALLOWED_IPS or the token."""
    if not metrics_module.may_scrape(request):
        return JsonResponse(
            {
                "errors": [
                    error(
                        None,
                        "permission_denied",
                        "Metrics are served to the addresses in METRICS_ALLOWED_IPS, or "
                        "with 'Authorization: Bearer <METRICS_TOKEN>'.",
                    )
                ]
            },
            status=403,
        )
    body = metrics_module.exposition(settings.METRICS_MULTIPROC_DIR)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name has failed too often from one address: the
    login page's look, saying why and for how long (AXES_COOLOFF_TIME)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return TemplateResponse(request, "admin/login_locked_out.html", context, status=429).render()
