from django.http import JsonResponse


def healthz(request):
    """Liveness: the process answers. Readiness (/readyz) arrives with the integrations."""
    return JsonResponse({"status": "ok"})
