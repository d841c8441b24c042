"""POST /api/v1/ivr/called-in: a call from this number reached an agent
(callbacks/called_in.py closes the number's pending callbacks as satisfied).

An IVR-scope endpoint like the others: JSON or form body, JSON or flat XML answer
(`<callback>` with one element per field, `closed` the account numbers comma-separated,
so one XPath reads each).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from scheduling.phones import PhoneError, e164_for_search

from ..called_in import callbacks_close_called_in
from .errors import error_response
from .serializers import Text
from .views import IvrView, _actor


class CalledInInput(serializers.Serializer):
    phone_number = Text(
        max_length=40, help_text="The caller's number (international, or national format)."
    )
    agent_id = Text(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="Optional: the agent the call reached (recorded in the timeline).",
    )


class CalledInOutput(serializers.Serializer):
    phone_number = serializers.CharField(help_text="The number, E.164.")
    enabled = serializers.BooleanField(
        help_text="false: the global rules keep callbacks when the customer calls in."
    )
    window_hours = serializers.IntegerField(
        help_text="Only callbacks booked within this many hours before the call are closed."
    )
    closed_count = serializers.IntegerField()
    closed = serializers.CharField(
        help_text="The account numbers closed as satisfied, comma-separated (may be empty)."
    )


EXAMPLE_REQUEST = OpenApiExample(
    "Called in", value={"phone_number": "+48221234567", "agent_id": "jkowalski"}, request_only=True
)
EXAMPLE_ANSWER = OpenApiExample(
    "Closed one",
    value={
        "phone_number": "+48221234567",
        "enabled": True,
        "window_hours": 24,
        "closed_count": 1,
        "closed": "CB0000001234",
    },
    response_only=True,
)


class IvrCalledInView(IvrView):
    @extend_schema(
        summary="A call from this number reached an agent: close its pending callbacks",
        request=CalledInInput,
        responses=CalledInOutput,
        examples=[EXAMPLE_REQUEST, EXAMPLE_ANSWER],
    )
    def post(self, request):
        body = CalledInInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            e164 = e164_for_search(body.validated_data["phone_number"])
        except PhoneError as error:
            return error_response(error.code, error.message, 400, "phone_number")
        result = callbacks_close_called_in(
            phone_number=e164,
            actor=_actor(request),
            agent_id=body.validated_data["agent_id"],
            source="ivr",
        )
        answer = {
            "phone_number": result.phone_number,
            "enabled": result.enabled,
            "window_hours": result.window_hours,
            "closed_count": len(result.closed),
            "closed": ",".join(result.closed),
        }
        return Response(CalledInOutput(answer).data)
