"""Input and output shapes of the API (ARCHITECTURE.md §4). No rules live here.

Times come in as text and go to the rules engine untouched, so a naive time is read
in the skill's zone (DRF's DateTimeField would read it in the server's zone).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from rest_framework import serializers

from scheduling.rules import Slot, in_calendar

from ..models import Callback, CallbackEvent, Outcome, Status


def iso_utc(value) -> str | None:
    return value.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z") if value else None


def slot_data(slot: Slot) -> dict:
    return {
        "start": iso_utc(slot.start),
        "local": slot.local.isoformat(),
        "capacity": slot.capacity,
        "remaining": slot.remaining,
    }


class CallbackInput(serializers.Serializer):
    phone_number = serializers.CharField(max_length=40, help_text="Any common format.")
    scheduled_at = serializers.CharField(
        max_length=40,
        help_text="ISO 8601. Without an offset it is read in the skill's time zone.",
    )
    campaign = serializers.CharField(max_length=40, help_text="Callback campaign name.")
    skill = serializers.CharField(max_length=100, help_text="Skill name; its hours apply.")
    agent_id = serializers.CharField(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="Finesse login id: present = personal callback.",
    )
    agent_name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    first_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    last_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    origin_account_number = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )


class IvrCallbackInput(CallbackInput):
    scheduled_at = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="Omit for the earliest free slot.",
    )


class RescheduleInput(serializers.Serializer):
    scheduled_at = serializers.CharField(max_length=40)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class DeliveredInput(serializers.Serializer):
    agent_id = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)


class OutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.values)
    scheduled_at = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required for reschedule_requested.",
    )


class SlotsQuery(serializers.Serializer):
    campaign = serializers.CharField(
        max_length=40, required=False, default="", help_text="Optional: checked if given."
    )
    skill = serializers.CharField(max_length=100)
    date = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=31, required=False, default=1)
    phone = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)

    def validate_date(self, value):
        if not in_calendar(value) or not in_calendar(value + dt.timedelta(days=31)):
            raise serializers.ValidationError("Give a date of this century.", code="invalid")
        return value


class ListQuery(serializers.Serializer):
    agent_id = serializers.CharField(max_length=50, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class CallbackOutput(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    campaign = serializers.CharField(source="campaign.name", read_only=True)
    skill = serializers.CharField(source="skill.name", read_only=True)
    scheduled_at = serializers.SerializerMethodField()
    scheduled_at_local = serializers.SerializerMethodField()
    created_at = serializers.SerializerMethodField()

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
        ]

    def get_scheduled_at(self, obj: Callback) -> str | None:
        return iso_utc(obj.scheduled_at)

    def get_scheduled_at_local(self, obj: Callback) -> str:
        zone = ZoneInfo(obj.skill.business_hours.time_zone)
        return obj.scheduled_at.astimezone(zone).isoformat()

    def get_created_at(self, obj: Callback) -> str | None:
        return iso_utc(obj.created_at)


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
        source="rescheduled_from.account_number", read_only=True, default=None
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
