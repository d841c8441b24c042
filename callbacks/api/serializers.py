"""Input and output shapes of the API (docs/architecture.md §5). No rules live here.

Times come in as text and go to the rules engine untouched, so a naive time is read
in the skill's zone (DRF's DateTimeField would read it in the server's zone).
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from rest_framework import serializers

from scheduling.codes import ViolationCode
from scheduling.display import missing_day
from scheduling.rules import in_calendar

from ..models import Callback, CallbackEvent, Outcome, Status
from ..services import CustomerDetails
from ..states import can_transition
from ..validation import CallbackRequest


def iso_utc(value) -> str | None:
    return value.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z") if value else None


# Not storable (lone surrogates cannot be UTF-8) or not sendable to the IVR (XML 1.0 has
# no C0 control characters but tab, newline and carriage return).
_UNACCEPTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Text(serializers.CharField):
    """A text input: a JSON string only (DRF would take 42 for "42", which the OpenAPI
    document does not allow), without control characters or lone surrogates."""

    default_error_messages = {
        "invalid": "Must be a string.",
        "unacceptable": "Must not contain control characters.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if _UNACCEPTABLE.search(data):
            self.fail("unacceptable")
        return super().to_internal_value(data)


class QuerySerializer(serializers.Serializer):
    """Query parameters: an empty one (`?status=`) is refused, not read as absent (DRF's
    form rule), so `?agent_id=` cannot quietly list every agent's callbacks."""

    def to_internal_value(self, data):
        blank = {
            name: [serializers.ErrorDetail("This field may not be blank.", code="blank")]
            for name, field in self.fields.items()
            if data.get(name) == "" and not getattr(field, "allow_blank", False)
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)


class UtcTime(serializers.CharField):
    """An aware datetime out as UTC ISO 8601 with Z (a string in the OpenAPI document)."""

    def to_representation(self, value) -> str | None:  # type: ignore[override]
        return iso_utc(value)


class LocalTime(serializers.CharField):
    """A datetime out as ISO 8601 with its own offset (the skill's local time)."""

    def to_representation(self, value) -> str:  # type: ignore[override]
        return value.isoformat()


class CallbackInput(serializers.Serializer):
    phone_number = Text(max_length=40, help_text="Any common format.")
    scheduled_at = Text(
        max_length=40,
        help_text="ISO 8601. Without an offset it is read in the skill's time zone.",
    )
    campaign = Text(max_length=40, help_text="Callback campaign name.")
    skill = Text(max_length=100, help_text="Skill name; its hours apply.")
    agent_id = Text(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="Finesse login id: present = personal callback.",
    )
    agent_name = Text(max_length=100, required=False, default="", allow_blank=True)
    first_name = Text(max_length=50, required=False, default="", allow_blank=True)
    last_name = Text(max_length=50, required=False, default="", allow_blank=True)
    notes = Text(max_length=2000, required=False, default="", allow_blank=True)
    origin_account_number = Text(max_length=40, required=False, default="", allow_blank=True)


def callback_request(data: dict) -> CallbackRequest:
    """The service's request from a valid CallbackInput (or IvrCallbackInput)."""
    return CallbackRequest(
        phone_number=data["phone_number"],
        scheduled_at=data["scheduled_at"],
        campaign=data["campaign"],
        skill=data["skill"],
        agent_id=data["agent_id"],
    )


def customer_details(data: dict) -> CustomerDetails:
    return CustomerDetails(
        first_name=data["first_name"],
        last_name=data["last_name"],
        agent_name=data["agent_name"],
        notes=data["notes"],
        origin_account_number=data["origin_account_number"],
    )


class IvrCallbackInput(CallbackInput):
    scheduled_at = Text(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="Omit for the earliest free slot.",
    )


class RescheduleInput(serializers.Serializer):
    scheduled_at = Text(max_length=40)


class CancelInput(serializers.Serializer):
    reason = Text(max_length=500, required=False, default="", allow_blank=True)


class DeliveredInput(serializers.Serializer):
    agent_id = Text(max_length=50, required=False, default="", allow_blank=True)


class OutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.values)
    scheduled_at = Text(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required for reschedule_requested.",
    )


class CalendarDate(serializers.DateField):
    """A date in YYYY-MM-DD; a well-formed day the calendar lacks (2027-02-29) is named
    as such, not as a wrong format."""

    def to_internal_value(self, value):
        reason = missing_day(value) if isinstance(value, str) else None
        if reason:
            raise serializers.ValidationError(reason, code="invalid")
        return super().to_internal_value(value)


class SlotsQuery(QuerySerializer):
    campaign = Text(
        max_length=40, required=False, default="", help_text="Optional: checked if given."
    )
    skill = Text(max_length=100)
    date = CalendarDate()
    days = serializers.IntegerField(min_value=1, max_value=31, required=False, default=1)
    phone = Text(max_length=40, required=False, default="", allow_blank=True)

    def validate_date(self, value):
        if not in_calendar(value) or not in_calendar(value + dt.timedelta(days=31)):
            raise serializers.ValidationError("Give a date of this century.", code="invalid")
        return value


class ListQuery(QuerySerializer):
    agent_id = Text(max_length=50, required=False)
    phone = Text(max_length=40, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class CallbackOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    campaign = serializers.CharField(source="campaign.name", read_only=True)
    skill = serializers.CharField(source="skill.name", read_only=True)
    scheduled_at = serializers.SerializerMethodField()
    scheduled_at_local = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField(
        help_text="The state machine allows cancelling it now (callbacks/states.py)."
    )
    can_reschedule = serializers.SerializerMethodField(
        help_text="The state machine allows rescheduling it now (callbacks/states.py)."
    )

    class Meta:
        model = Callback
        fields = [
            "id",
            "account_number",
            "status",
            "kind",
            "scheduled_at",
            "scheduled_at_local",
            "phone_number",
            "dial_number",
            "campaign",
            "skill",
            "agent_id",
            "agent_name",
            "first_name",
            "last_name",
            "attempts",
            "last_result",
            "created_at",
            "can_cancel",
            "can_reschedule",
        ]

    def get_scheduled_at(self, obj: Callback) -> str | None:
        return iso_utc(obj.scheduled_at)

    def get_scheduled_at_local(self, obj: Callback) -> str:
        zone = ZoneInfo(obj.skill.business_hours.time_zone)
        return obj.scheduled_at.astimezone(zone).isoformat()

    def get_created_at(self, obj: Callback) -> str | None:
        return iso_utc(obj.created_at)

    def get_can_cancel(self, obj: Callback) -> bool:
        return can_transition(obj.status, Status.CANCELLED)

    def get_can_reschedule(self, obj: Callback) -> bool:
        return can_transition(obj.status, Status.RESCHEDULED)


class EventOutput(serializers.ModelSerializer):
    at = serializers.SerializerMethodField()

    class Meta:
        model = CallbackEvent
        fields = ["at", "kind", "from_status", "to_status", "actor", "details"]

    def get_at(self, obj: CallbackEvent) -> str | None:
        return iso_utc(obj.at)


class CallbackDetailOutput(CallbackOutput):
    events = EventOutput(many=True, read_only=True)
    rescheduled_from = serializers.CharField(
        source="rescheduled_from.account_number", read_only=True, default=None, allow_null=True
    )

    class Meta(CallbackOutput.Meta):
        fields = [
            *CallbackOutput.Meta.fields,
            "notes",
            "origin_account_number",
            "rescheduled_from",
            "events",
        ]


class RouteOutput(serializers.Serializer):
    """Flat on purpose: one XPath (/callback/action) or JSONPath ($.action) per field."""

    found = serializers.BooleanField()
    action = serializers.ChoiceField(choices=["agent", "skill", "script"])
    agent_id = serializers.CharField()
    agent_name = serializers.CharField()
    skill = serializers.CharField()
    script = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    phone_number = serializers.CharField()
    campaign = serializers.CharField()
    callback_id = serializers.IntegerField(allow_null=True)
    account_number = serializers.CharField()
    personal_wait_seconds = serializers.IntegerField(
        help_text="agent: seconds to keep trying the agent before queueing to the skill "
        "(the campaign's setting); 0 otherwise."
    )
    reason = serializers.CharField(
        help_text="skill, for a personal callback: why it is queued to the skill "
        "(agent_logged_out: the agent was logged out of Finesse at dial time); empty otherwise."
    )


# --- The other answers: each view renders its answer through the shape it documents --


class SlotOutput(serializers.Serializer):
    start = UtcTime(help_text="UTC, ISO 8601 with Z.")
    local = LocalTime(help_text="The skill's local time, with its offset.")
    capacity = serializers.IntegerField()
    remaining = serializers.IntegerField()


class ErrorItem(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The input field, or null.")
    code = serializers.CharField(help_text="Machine-readable, e.g. holiday, not_found.")
    message = serializers.CharField()


class ErrorOutput(serializers.Serializer):
    """Every error answer; a refused booking also proposes the next valid slots."""

    # Renders {errors: [Violation or {field, code, message}], suggestions: [Slot]}.

    # The metaclass moves declared fields off the class: no clash with Serializer.errors.
    errors = ErrorItem(many=True)  # type: ignore[assignment]
    suggestions = SlotOutput(many=True, required=False)


class _CampaignSummary(serializers.Serializer):
    name = serializers.CharField()
    presented_number = serializers.CharField()
    external_script = serializers.CharField()


class _SkillSummary(serializers.Serializer):
    name = serializers.CharField()
    time_zone = serializers.CharField(source="zone.key")


class _RulesSummary(serializers.Serializer):
    # Renders a `RulesConfig`.

    slot_minutes = serializers.IntegerField()
    slot_capacity = serializers.IntegerField()
    min_lead_minutes = serializers.SerializerMethodField()
    max_days_ahead = serializers.IntegerField()
    default_region = serializers.CharField(source="phone_policy.default_region")

    def get_min_lead_minutes(self, config) -> int:
        return int(config.min_lead.total_seconds() // 60)


class ConfigOutput(serializers.Serializer):
    # Renders {campaigns, skills, rules: RulesConfig, server_time: datetime, time_zone}.

    campaigns = _CampaignSummary(many=True)
    skills = _SkillSummary(many=True)
    rules = _RulesSummary()
    server_time = UtcTime()
    time_zone = serializers.CharField()


class _Reason(serializers.Serializer):
    code = serializers.ChoiceField(choices=ViolationCode.choices)
    message = serializers.CharField()


class _DayOutput(serializers.Serializer):
    # Renders a `scheduling.rules.DaySlots`.

    date = serializers.DateField()
    available = serializers.SerializerMethodField()
    reason = _Reason(
        source="unavailable", allow_null=True, help_text="Why the day has no slot, or null."
    )
    slots = SlotOutput(many=True)

    def get_available(self, day) -> bool:
        return bool(day.slots)


class SlotsOutput(serializers.Serializer):
    # Renders {skill: SkillPlan, days: [DaySlots]}.

    skill = serializers.CharField(source="skill.name")
    time_zone = serializers.CharField(source="skill.zone.key")
    days = _DayOutput(many=True)


class ValidateOutput(serializers.Serializer):
    # Renders a `callbacks.validation.Verdict`.

    valid = serializers.BooleanField()
    # The metaclass moves declared fields off the class: no clash with Serializer.errors.
    errors = ErrorItem(many=True, source="violations")  # type: ignore[assignment]
    suggestions = SlotOutput(many=True)


class OutcomeOutput(serializers.Serializer):
    # Renders the callback the outcome left; context "rescheduled": whether it is new.

    account_number = serializers.CharField(help_text="The new callback's when rescheduled.")
    status = serializers.CharField()
    scheduled_at = UtcTime(allow_null=True)
    rescheduled = serializers.SerializerMethodField()

    def get_rescheduled(self, callback) -> bool:
        return bool(self.context["rescheduled"])


class PingOutput(serializers.Serializer):
    # Renders {ok, time: datetime}.

    ok = serializers.BooleanField()
    time = UtcTime()
