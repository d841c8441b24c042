"""One error body for the whole API: {"errors": [{"field", "code", "message"}]}.

Every DRF exception (400, 401, 403, 404, 405, 406, 415, 429) goes through
`exception_handler`; `json_404` / `json_500` answer Django's own 404/500 under /api/,
so a client never receives an HTML page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .parsers import unsupported_media_type_message
from .serializers import ErrorOutput

CODES = {
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def error(field: str | None, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def error_body(errors: list) -> dict:
    """The error answer, rendered by the serializer that documents it."""
    return ErrorOutput({"errors": errors}).data


def _flatten(detail, field: str | None = None) -> list[dict]:
    """DRF's nested ValidationError detail -> flat list of errors with dotted fields."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = None if key == "non_field_errors" else key
            if field and name:
                name = f"{field}.{name}"
            found += _flatten(value, name or field)
        return found
    if isinstance(detail, list):
        return [item for value in detail for item in _flatten(value, field)]
    code = getattr(detail, "code", None) or "invalid"
    return [error(field, code, str(detail))]


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Raised when DRF reads the body: without this Django's HTML 400 page answers.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response("request_too_large", f"The request body is over {limit} bytes.", 413)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's handler500 answers JSON under /api/
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None)
        if code in (
            None,
            "error",
            "permission_denied",
            "not_authenticated",
            "authentication_failed",
        ):
            code = CODES.get(response.status_code, code or "error")
        if isinstance(exc, exceptions.AuthenticationFailed):
            code = "invalid_api_key"
        message = str(detail) or "Not found."
        if isinstance(exc, exceptions.UnsupportedMediaType) and context.get("request"):
            message = unsupported_media_type_message(
                context["request"].content_type, context["request"].parsers
            )
        errors = [error(None, code, message)]
    response.data = error_body(errors)
    return response


def error_response(code: str, message: str, http_status: int, field: str | None = None):
    return Response(error_body([error(field, code, message)]), status=http_status)


# No CSRF check: it changes nothing, and a POST to an unknown path must get this JSON
# 404, not the CSRF failure's HTML 403 (the API's own views are CSRF-exempt too).
@csrf_exempt
def json_404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body([error(None, "not_found", "There is no such API endpoint.")]),
            status=404,
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def json_400(request, exception=None):
    """Requests Django refuses before any view (e.g. a Host not in ALLOWED_HOSTS)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body([error(None, "bad_request", "The request was refused: " + _why(exception))]),
            status=400,
        )
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def _why(exception) -> str:
    from django.core.exceptions import DisallowedHost

    if isinstance(exception, DisallowedHost):
        return "this server does not answer to that host name (ALLOWED_HOSTS)."
    return "it is malformed."


def json_500(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body([error(None, "server_error", "Unexpected error; it has been logged.")]),
            status=500,
        )
    from django.views.defaults import server_error

    return server_error(request)
