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


def _favicon() -> bytes:
    """A 16x16 icon (one 32-bit BMP image in an ICO file): the admin's blue square with a
    white 'C', drawn here so that no binary file is kept in the repository."""
    import struct

    size, blue, white = 16, (0x90, 0x76, 0x41, 0xFF), (0xFF, 0xFF, 0xFF, 0xFF)  # BGRA

    def pixel(x: int, y: int) -> tuple[int, ...]:
        ring = 3 <= x <= 12 and 3 <= y <= 12 and not (6 <= x <= 12 and 6 <= y <= 9)
        inner = 5 <= x <= 12 and 5 <= y <= 10
        return white if ring and not inner else blue

    rows = [bytes(b for x in range(size) for b in pixel(x, y)) for y in range(size)]
    pixels = b"".join(reversed(rows))  # BMP rows go bottom-up
    mask = b"\0" * (4 * size)  # 1 bit per pixel, rows padded to 32 bits: all opaque
    header = struct.pack("<IiiHHIIiiII", 40, size, 2 * size, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    image = header + pixels + mask
    return (
        struct.pack("<HHH", 0, 1, 1)
        + struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), 6 + 16)
        + image
    )


FAVICON = _favicon()


def favicon(request):
    """/favicon.ico, which every browser asks for on every page: an icon, not a 404."""
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
