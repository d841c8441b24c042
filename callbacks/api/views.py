"""Gadget and IVR endpoints (docs/architecture.md §5): input serializer -> service -> output."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.codes import ViolationCode
from scheduling.phones import PhoneError, e164_for_search, parse_phone
from scheduling.rules import RulesConfig, free_slots

from .. import ivr, services
from ..models import Callback, CallbackCampaign, CallbackEvent, Source
from ..states import TransitionRefused
from ..validation import callback_validate, campaign_violations
from . import examples as ex
from .agent_session import AgentSessionMixin, Caller
from .auth import GadgetScope, IvrScope
from .errors import error_response
from .idempotency import idempotent
from .parsers import GADGET_PARSERS, IVR_PARSERS
from .renderers import CallbackTextXMLRenderer, CallbackXMLRenderer, FormatNegotiation
from .schema import IDEMPOTENCY_KEY, ApiSchema
from .serializers import (
    CallbackDetailOutput,
    CallbackInput,
    CallbackOutput,
    CancelInput,
    ConfigOutput,
    DeliveredInput,
    ErrorOutput,
    IvrCallbackInput,
    ListQuery,
    OutcomeInput,
    OutcomeOutput,
    PingOutput,
    RescheduleInput,
    RouteOutput,
    SlotsOutput,
    SlotsQuery,
    ValidateOutput,
    callback_request,
    customer_details,
)

CALLBACKS = Callback.objects.select_related("campaign", "skill__business_hours")


def _name(item) -> str:
    return item.name


def _actor(request) -> str:
    return str(request.user)


def _rejected(error: services.CallbackRejected) -> Response:
    body = {"errors": error.violations, "suggestions": error.suggestions}
    return Response(ErrorOutput(body).data, status=status.HTTP_400_BAD_REQUEST)


def _refused(error: TransitionRefused) -> Response:
    return error_response("invalid_state", str(error), status.HTTP_409_CONFLICT)


def _create(request, data: dict, *, source: str, earliest: bool = False) -> Response:
    """Create through the service (earliest free slot if asked); idempotent by header."""
    schedule = services.callback_schedule_earliest if earliest else services.callback_schedule

    def create() -> Response:
        try:
            callback = schedule(
                request=callback_request(data),
                details=customer_details(data),
                source=source,
                actor=_actor(request),
            )
        except services.CallbackRejected as error:
            return _rejected(error)
        return Response(CallbackOutput(CALLBACKS.get(pk=callback.pk)).data, status=201)

    return idempotent(request, create)


class ApiView(APIView):
    """Staff may browse the API in HTML, but errors are always JSON (or XML)."""

    schema = ApiSchema()
    content_negotiation_class = FormatNegotiation

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(
            getattr(response, "accepted_renderer", None), BrowsableAPIRenderer
        ):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            response.renderer_context = self.get_renderer_context()
        return response


class GadgetView(ApiView):
    permission_classes = [GadgetScope]
    parser_classes = GADGET_PARSERS  # JSON only: a form body is 415 (docs/api.md)


class IvrView(ApiView):
    permission_classes = [IvrScope]
    parser_classes = IVR_PARSERS  # JSON, flat XML (as the answers) or a form
    renderer_classes = [
        JSONRenderer,
        CallbackXMLRenderer,
        CallbackTextXMLRenderer,
        BrowsableAPIRenderer,
    ]


class ConfigView(GadgetView):
    @extend_schema(
        summary="Campaigns, skills, rules and server time for the gadget",
        responses=ConfigOutput,
        examples=[ex.CONFIG],
    )
    def get(self, request):
        config = RulesConfig.load()
        campaigns = CallbackCampaign.objects.filter(enabled=True).order_by("name")
        answer = {
            "campaigns": campaigns,
            "skills": sorted((s for s in config.skills.values() if s.enabled), key=_name),
            "rules": config,
            "server_time": timezone.now(),
            "time_zone": settings.TIME_ZONE,
        }
        return Response(ConfigOutput(answer).data)


class SlotsView(GadgetView):
    error_statuses = {"get": (400,)}

    @extend_schema(
        summary="Free slots with capacity left (same rules as validation)",
        parameters=[SlotsQuery],
        responses=SlotsOutput,
        examples=[ex.SLOTS],
    )
    def get(self, request):
        query = SlotsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        config = RulesConfig.load()
        if data["campaign"]:
            _, problems = campaign_violations(data["campaign"])
            if problems:
                return error_response(problems[0].code, problems[0].message, 400, "campaign")
        skill = config.skills.get(data["skill"])
        if skill is None:
            return error_response(
                ViolationCode.UNKNOWN_SKILL,
                f"There is no skill named '{data['skill']}'.",
                400,
                "skill",
            )
        phone = None
        if data["phone"]:
            try:
                phone = parse_phone(data["phone"], config.phone_policy)
            except PhoneError as error:
                return error_response(error.code, error.message, 400, "phone")
        days = free_slots(skill.name, data["date"], data["days"], phone, config=config)
        return Response(SlotsOutput({"skill": skill, "days": days}).data)


class ValidateView(GadgetView):
    @extend_schema(
        summary="Dry run of create: every violation and suggested slots",
        request=CallbackInput,
        responses=ValidateOutput,
        examples=[ex.CREATE_REQUEST, ex.VALIDATE_INVALID],
    )
    def post(self, request):
        body = CallbackInput(data=request.data)
        body.is_valid(raise_exception=True)
        verdict = callback_validate(request=callback_request(body.validated_data))
        return Response(ValidateOutput(verdict).data)


class CallbackListCreateView(GadgetView, generics.GenericAPIView):
    serializer_class = CallbackOutput
    # GET: a bad filter (400) or a page past the end (404); POST: Idempotency-Key reused.
    error_statuses = {"get": (400, 404), "post": (422,)}

    @extend_schema(
        summary="List callbacks (newest first), filtered by agent, phone or status",
        parameters=[ListQuery],
        responses=CallbackOutput(many=True),
        examples=[ex.CALLBACK_LIST],
    )
    def get(self, request):
        query = ListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        callbacks = Caller(request).visible(
            CALLBACKS.order_by("-scheduled_at", "-pk"), filters.get("agent_id")
        )
        if "phone" in filters:
            try:
                filters["phone_number"] = e164_for_search(filters.pop("phone"))
            except PhoneError as error:
                return error_response(error.code, error.message, 400, "phone")
        page = self.paginate_queryset(callbacks.filter(**filters))
        return self.get_paginated_response(CallbackOutput(page, many=True).data)

    @extend_schema(
        summary="Create a callback (validated; Idempotency-Key makes retries safe)",
        request=CallbackInput,
        responses={201: CallbackOutput},
        parameters=[IDEMPOTENCY_KEY],
        examples=[ex.CREATE_REQUEST, ex.CALLBACK, ex.REJECTED],
    )
    def post(self, request):
        body = CallbackInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        Caller(request).require_agent(data["agent_id"])
        return _create(request, data, source=Source.GADGET)


class CallbackDetailView(GadgetView):
    @extend_schema(
        summary="One callback with its events",
        responses=CallbackDetailOutput,
        examples=[ex.CALLBACK_DETAIL],
    )
    def get(self, request, pk: int):
        callback = get_object_or_404(
            CALLBACKS.select_related("rescheduled_from").prefetch_related(
                Prefetch("events", queryset=CallbackEvent.objects.order_by("at", "pk"))
            ),
            pk=pk,
        )
        Caller(request).require_callback(callback)
        return Response(CallbackDetailOutput(callback).data)


class RescheduleView(GadgetView):
    error_statuses = {"post": (409,)}

    @extend_schema(
        summary="Reschedule: a new callback takes over, the old one is kept as history",
        request=RescheduleInput,
        responses={201: CallbackOutput},
        examples=[ex.RESCHEDULE_REQUEST, ex.CALLBACK, ex.REJECTED],
    )
    def post(self, request, pk: int):
        callback = get_object_or_404(CALLBACKS, pk=pk)
        Caller(request).require_callback(callback)
        body = RescheduleInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            new = services.callback_reschedule(
                callback=callback,
                scheduled_at=body.validated_data["scheduled_at"],
                source=Source.GADGET,
                actor=_actor(request),
            )
        except services.CallbackRejected as error:
            return _rejected(error)
        except TransitionRefused as error:
            return _refused(error)
        return Response(CallbackOutput(CALLBACKS.get(pk=new.pk)).data, status=201)


class CancelView(GadgetView):
    error_statuses = {"post": (409,)}

    @extend_schema(
        summary="Cancel a scheduled (or already dialing) callback",
        request=CancelInput,
        responses=CallbackOutput,
        examples=[ex.CANCEL_REQUEST, ex.CALLBACK],
    )
    def post(self, request, pk: int):
        callback = get_object_or_404(CALLBACKS, pk=pk)
        Caller(request).require_callback(callback)
        body = CancelInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.callback_cancel(
                callback=callback, reason=body.validated_data["reason"], actor=_actor(request)
            )
        except TransitionRefused as error:
            return _refused(error)
        return Response(CallbackOutput(CALLBACKS.get(pk=pk)).data)


class DeliveredView(GadgetView):
    error_statuses = {"post": (409,)}

    @extend_schema(
        summary="The callback call reached the agent (flow step 13)",
        request=DeliveredInput,
        responses=CallbackOutput,
        examples=[ex.DELIVERED_REQUEST, ex.CALLBACK],
    )
    def post(self, request, pk: int):
        callback = get_object_or_404(CALLBACKS, pk=pk)
        body = DeliveredInput(data=request.data)
        body.is_valid(raise_exception=True)
        # With an agent session the verified agent received the call, whatever the body
        # names (docs/security.md "Agent identity"); a bare key's agent_id is as sent.
        session = Caller(request).session
        agent_id = session.agent_id if session else body.validated_data["agent_id"]
        try:
            services.callback_mark_delivered(
                callback=callback, agent_id=agent_id, actor=_actor(request)
            )
        except TransitionRefused as error:
            return _refused(error)
        return Response(CallbackOutput(CALLBACKS.get(pk=pk)).data)


class IvrRouteView(IvrView):
    # A lookup moves the callback to in_ivr: HEAD must not do that behind GET's back.
    http_method_names = ["get", "options"]

    @extend_schema(
        summary="Where to route an answered callback call (flat JSON or XML)",
        parameters=[
            OpenApiParameter(
                "campaign",
                str,
                description="Optional: the UCCX campaign name "
                "or id, for the default action when the number is unknown.",
            ),
        ],
        responses={200: RouteOutput, 404: RouteOutput},
        examples=[ex.ROUTE, ex.ROUTE_UNKNOWN],
    )
    def get(self, request, account_number: str):
        route = ivr.callback_route_for_ivr(
            account_number=account_number, campaign_hint=request.query_params.get("campaign")
        )
        return Response(RouteOutput(route).data, status=200 if route.found else 404)


class IvrOutcomeView(IvrView):
    error_statuses = {"post": (404, 409)}

    @extend_schema(
        summary="What the IVR script did with the call",
        request=OutcomeInput,
        responses=OutcomeOutput,
        examples=[ex.OUTCOME_REQUEST, ex.OUTCOME_RESULT],
    )
    def post(self, request, account_number: str):
        account = account_number.strip().upper()
        callback = CALLBACKS.filter(account_number=account).first()
        if callback is None:
            return error_response(
                "unknown_account",
                f"No callback has the account number {account}: check the number the "
                "IVR read back (BAAccountNumber).",
                status.HTTP_404_NOT_FOUND,
                field="account_number",
            )
        body = OutcomeInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = ivr.callback_record_ivr_outcome(
                callback=callback,
                outcome=body.validated_data["outcome"],
                scheduled_at=body.validated_data["scheduled_at"] or None,
            )
        except services.CallbackRejected as error:
            return _rejected(error)
        except TransitionRefused as error:
            return _refused(error)
        rescheduled = result.pk != callback.pk
        return Response(OutcomeOutput(result, context={"rescheduled": rescheduled}).data)


class IvrCreateView(IvrView):
    error_statuses = {"post": (422,)}

    @extend_schema(
        summary="Inbound IVR creates a callback (no scheduled_at: earliest free slot)",
        request=IvrCallbackInput,
        responses={201: CallbackOutput},
        parameters=[IDEMPOTENCY_KEY],
        examples=[ex.IVR_CREATE_REQUEST, ex.CALLBACK, ex.REJECTED],
    )
    def post(self, request):
        body = IvrCallbackInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data

        return _create(request, data, source=Source.IVR, earliest=not data["scheduled_at"])


class AgentSessionView(AgentSessionMixin, GadgetView):
    error_statuses = {"post": (401, 403, 503)}


class PingView(GadgetView):
    """A trivial authenticated endpoint: the floor for API benchmarks."""

    @extend_schema(summary="Authenticated no-op (benchmark floor)", responses=PingOutput)
    def get(self, request):
        return Response(PingOutput({"ok": True, "time": dt.datetime.now(ZoneInfo("UTC"))}).data)
