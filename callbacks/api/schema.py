"""OpenAPI: every operation also documents the errors it can answer.

drf-spectacular documents the success answers declared with @extend_schema; this adds
the error statuses, all in the one error shape (serializers.ErrorOutput), so that a
client generated from /api/schema/ knows them and the fuzz test can hold the API to
its document (no undocumented status).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import ErrorOutput

DESCRIPTIONS = {
    400: "Invalid input (fields, query, JSON), or a booking the rules refuse (with suggestions).",
    401: "No API key, or an invalid, revoked or expired one; an invalid or expired agent "
    "session (X-Agent-Session); Finesse refused the agent's credentials.",
    403: "The key's scope may not call this endpoint; or a personal callback without the "
    "agent's session (agent_session_required) or of another agent (not_your_callback).",
    404: "No such callback (or page).",
    406: "The Accept header or ?format= asks for a format this endpoint cannot answer.",
    409: "The callback's status does not allow this (e.g. already cancelled).",
    413: "The request body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    415: "The body is not JSON (or form data).",
    422: "This Idempotency-Key was used for a different request.",
    429: "Too many requests for this key; retry after Retry-After seconds.",
    503: "Finesse could not be asked (finesse_unreachable, finesse_not_configured).",
}
# The header that makes a create safe to retry (callbacks/api/idempotency.py).
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 100},
    OpenApiParameter.HEADER,
    required=False,
    description="At most 100 characters: a retry with the same key and body returns the "
    "first answer (header Idempotent-Replay: true) instead of booking again.",
)
# Every operation: authentication, scope, content negotiation, throttling.
ALWAYS = (401, 403, 406, 429)


class ApiSchema(AutoSchema):
    """Views add statuses of their own with `error_statuses = {"post": (409,)}`."""

    def map_parsers(self):
        # The contract is JSON. Form posts are still read (a plain HTML form, a UCCX
        # script), but a form has no types to hold a client to: it stays undocumented.
        return ["application/json"]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses()):
            if str(status) not in responses:  # a view's own 404 body (IVR routing) wins
                documented = OpenApiResponse(ErrorOutput, description=DESCRIPTIONS[status])
                responses[str(status)] = self._get_response_for_code(
                    documented, str(status), direction=direction
                )
        return responses

    def _error_statuses(self) -> set[int]:
        statuses = set(ALWAYS)
        if self.method == "POST":
            statuses |= {400, 413, 415}
        if "{" in self.path:
            statuses.add(404)
        extra = getattr(self.view, "error_statuses", {})
        statuses.update(extra.get(self.method.lower(), ()))
        return statuses
