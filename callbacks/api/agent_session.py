"""POST /api/v1/agent-session, and who the caller may act for (docs/security.md).

The gadget sends the agent's Finesse credentials once (`authorization`: the value the
Finesse library keeps in the gadget prefs, base64(id:password) without a scheme, or with
`Basic ` / `Bearer ` before it); the server checks them with Finesse (callbacks/finesse.py)
and answers a signed agent session, sent back on agent requests as `X-Agent-Session`. The
gadget key alone books standard callbacks; personal callbacks need the session (or
AGENT_AUTH=key_only).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from .. import agents, finesse
from ..models import ApiKey, Callback
from .serializers import Text, UtcTime

HEADER = "HTTP_X_AGENT_SESSION"


class AgentUnauthenticated(exceptions.NotAuthenticated):
    """401 with a machine-readable code (the exception handler keeps it)."""


class FinesseDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "finesse_unreachable"


# What an HTTP Authorization header may carry (visible ASCII, RFC 9110 token68 and
# friends), with a scheme finesse.authorization_header keeps: anything else could not be
# sent on to Finesse and is the caller's mistake.
HEADER_VALUE = RegexValidator(
    rf"^(?i:({'|'.join(finesse.SCHEMES)}) )?[\x21-\x7e]+$",
    message="Give the Finesse authorization pref: base64 of id:password, 'Basic …' or "
    "'Bearer <token>'.",
    code="invalid",
)


class AgentSessionInput(serializers.Serializer):
    agent_id = Text(max_length=50, help_text="The agent's Finesse login id.")
    authorization = Text(
        max_length=4000,
        validators=[HEADER_VALUE],
        help_text="The agent's Finesse credentials as the Finesse library keeps them in "
        "the gadget's `authorization` pref: base64(id:password) (sent on as Basic), or "
        "'Basic …' / 'Bearer <SSO token>' with the scheme.",
    )


class AgentSessionOutput(serializers.Serializer):
    session = serializers.CharField()
    agent_id = serializers.CharField()
    name = serializers.CharField()
    supervisor = serializers.BooleanField()
    agents = serializers.ListField(child=serializers.CharField())
    expires_at = UtcTime()


def _key_prefix(request) -> str:
    return request.auth.prefix if isinstance(request.auth, ApiKey) else ""


class Caller:
    """What the request may do with agents: staff and key-only mode act for anyone; a key
    with an agent session for that agent (and a supervisor's teams); a bare key for none."""

    def __init__(self, request):
        self.trusted = agents.key_only() or not isinstance(request.auth, ApiKey)
        self.session: agents.AgentSession | None = None
        token = request.META.get(HEADER, "").strip()
        if token and not self.trusted:
            try:
                self.session = agents.session_read(token, _key_prefix(request))
            except agents.SessionRefused as refused:
                raise AgentUnauthenticated(refused.message, code=refused.code) from None

    def may_act_for(self, agent_id: str) -> bool:
        if self.trusted or not agent_id:
            return True
        return self.session is not None and self.session.may_act_for(agent_id)

    def require_agent(self, agent_id: str) -> None:
        """403 unless the caller may act for agent_id (a personal callback's agent)."""
        if self.may_act_for(agent_id):
            return
        if self.session is None:
            raise exceptions.PermissionDenied(
                "Personal callbacks need the agent to be signed in: the gadget key alone "
                "books standard callbacks only.",
                code="agent_session_required",
            )
        raise exceptions.PermissionDenied(
            f"This is agent {agent_id}'s callback; you may act on your own callbacks only"
            + (" and your teams' agents'." if self.session.supervisor else "."),
            code="not_your_callback",
        )

    def require_callback(self, callback: Callback) -> None:
        self.require_agent(callback.agent_id)

    def visible(self, callbacks, agent_filter: str | None):
        """The callbacks a list may show: standard ones, and personal ones of the agents
        this caller may act for."""
        if agent_filter is not None:
            self.require_agent(agent_filter)
            return callbacks
        if self.trusted:
            return callbacks
        allowed = sorted(self.session.agents) if self.session else []
        return callbacks.filter(agent_id__in=["", *allowed])


class AgentSessionMixin:
    """Mixed into GadgetView in views.py (kept here to keep views.py short)."""

    @extend_schema(
        summary="Verify the agent with Finesse once; answers a signed agent session",
        request=AgentSessionInput,
        responses=AgentSessionOutput,
    )
    def post(self, request):
        body = AgentSessionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if agents.key_only():
            raise exceptions.PermissionDenied(
                "This site runs in key-only mode (AGENT_AUTH=key_only): no agent sessions.",
                code="agent_auth_key_only",
            )
        try:
            user = finesse.fetch_user(data["agent_id"], data["authorization"])
        except finesse.FinesseUnreachable as down:
            raise FinesseDown(down.message, code=down.code) from None
        except finesse.FinesseError as refused:
            raise AgentUnauthenticated(refused.message, code=refused.code) from None
        answer = {
            "session": agents.session_sign(user, _key_prefix(request)),
            "agent_id": user.login_id,
            "name": user.name,
            "supervisor": user.is_supervisor,
            "agents": list(user.supervised_agents),
            "expires_at": timezone.now() + agents.session_lifetime(),
        }
        return Response(AgentSessionOutput(answer).data)
