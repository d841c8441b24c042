"""Callbacks, the UCCX IVR campaigns that dial them, and their event history.

A Callback moves through the states in `Status`; `callbacks.states` is the one place
that changes a status (conditional UPDATE + CallbackEvent in one transaction). Nothing
else writes `status`.
"""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import NullIf
from django.db.models.lookups import IsNull
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from scheduling.display import admin_time
from scheduling.models import Skill

# The IVR script's wait for a personal callback's agent (docs/ivr-script.md §5).
PERSONAL_WAIT_DEFAULT = 30
PERSONAL_WAIT_MAX = 600


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    EXPORTING = "exporting", _("Exporting to UCCX")
    IN_DIALER = "in_dialer", _("In the dialer")
    IN_IVR = "in_ivr", _("In the IVR")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    EXPIRED = "expired", _("Expired")
    RECALLED = "recalled", _("Called again (new round)")
    # The customer called in and reached an agent first (callbacks/called_in.py).
    SATISFIED = "satisfied", _("Satisfied (customer called in)")


PENDING = (Status.SCHEDULED, Status.EXPORTING, Status.IN_DIALER, Status.IN_IVR)
TERMINAL = (
    Status.COMPLETED,
    Status.FAILED,
    Status.CANCELLED,
    Status.RESCHEDULED,
    Status.EXPIRED,
    Status.RECALLED,
    Status.SATISFIED,
)


class Kind(models.TextChoices):
    STANDARD = "standard", _("Standard (skill)")
    PERSONAL = "personal", _("Personal (agent)")


class Source(models.TextChoices):
    GADGET = "gadget", _("Finesse gadget")
    IVR = "ivr", _("IVR")
    ADMIN = "admin", _("Admin")
    API = "api", _("API")


class RouteAction(models.TextChoices):
    AGENT = "agent", _("Queue to the agent")
    SKILL = "skill", _("Queue to the skill")
    SCRIPT = "script", _("Transfer to the external script")


class Outcome(models.TextChoices):
    """What the callback IVR script reports after routing the answered call."""

    QUEUED_AGENT = "queued_agent", _("Queued to the agent")
    QUEUED_SKILL = "queued_skill", _("Queued to the skill")
    TRANSFERRED_SCRIPT = "transferred_script", _("Transferred to the external script")
    CUSTOMER_HANGUP = "customer_hangup", _("Customer hung up")
    RESCHEDULE_REQUESTED = "reschedule_requested", _("Customer asked for another time")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EXPORT_STARTED = "export_started", _("Export started")
    EXPORTED = "exported", _("Exported to UCCX")
    EXPORT_RETRY = "export_retry", _("Export to be retried")
    DIAL_ATTEMPT = "dial_attempt", _("Dial attempt")
    IVR_LOOKUP = "ivr_lookup", _("IVR lookup")
    IVR_OUTCOME = "ivr_outcome", _("IVR outcome")
    DELIVERED = "delivered", _("Delivered to agent")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    EXPIRED = "expired", _("Expired")
    PURGED = "purged", _("Purged from dialing list")
    REVALIDATED = "revalidated", _("Re-validated")
    RECALLED = "recalled", _("New round booked")
    SATISFIED = "satisfied", _("Customer called in first")
    # A personal callback's agent was logged out of Finesse at dial time (dialing/agent_away.py).
    AGENT_AWAY = "agent_away", _("Agent logged out at dial time")


class AgentAway(models.TextChoices):
    """What a campaign does with a due personal callback whose agent is logged out."""

    SKILL = "skill", _("Route to the skill now")
    HOLD = "hold", _("Hold until the agent is back, within the expiry")


class CallbackCampaign(models.Model):
    """A UCCX outbound IVR campaign that dials callbacks, one per presented number."""

    name = models.CharField(
        max_length=40,
        unique=True,
        help_text=_("The UCCX campaign name (at most 40 characters); the gadget sends it."),
        verbose_name=_("name"),
    )
    uccx_campaign_id = models.PositiveIntegerField(
        unique=True,
        help_text=_(
            "The campaign's id in UCCX, as in its Admin API address …/adminapi/campaign/1."
        ),
        verbose_name=_("uccx campaign id"),
    )
    presented_number = models.CharField(
        max_length=20,
        unique=True,
        help_text=_(
            "The DDI/DID customers see, in international format, e.g. +48221111111. "
            "UCCX presents one number per campaign, so each number needs its own campaign."
        ),
        verbose_name=_("presented number"),
    )
    home_region = models.CharField(
        max_length=2,
        default="PL",
        help_text=_("Country whose numbers are dialed in national format, e.g. PL."),
        verbose_name=_("home region"),
    )
    outside_line_prefix = models.CharField(
        max_length=5,
        blank=True,
        help_text=_("Digits the dialer needs for an outside line, e.g. 9. Often empty."),
        verbose_name=_("outside line prefix"),
    )
    national_prefix = models.CharField(
        max_length=5,
        blank=True,
        help_text=_(
            "Digits before a domestic number, e.g. 0 in the UK or 1 in the US; empty for Poland."
        ),
        verbose_name=_("national prefix"),
    )
    international_prefix = models.CharField(
        max_length=5,
        default="00",
        help_text=_(
            "Digits before a foreign number's country code: 00 in Europe, 011 in North America."
        ),
        verbose_name=_("international prefix"),
    )
    external_script = models.CharField(
        max_length=100,
        blank=True,
        help_text=_(
            "Optional UCCX script (e.g. PremiumCustomerLookup.aef) that takes every "
            "answered callback of this campaign for further processing; it does its own "
            "queueing. Empty: calls are queued to the agent or skill directly."
        ),
        verbose_name=_("external script"),
    )
    unknown_action = models.CharField(
        max_length=10,
        choices=[
            (RouteAction.SKILL, RouteAction.SKILL.label),
            (RouteAction.SCRIPT, RouteAction.SCRIPT.label),
        ],
        default=RouteAction.SKILL,
        help_text=_(
            "What the IVR script is told when it asks about an account number the "
            "Campaign Manager does not know, so the customer is still served."
        ),
        verbose_name=_("unknown action"),
    )
    fallback_skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Skill for unknown account numbers (with the 'queue to the skill' action)."),
        verbose_name=_("fallback skill"),
    )
    enabled = models.BooleanField(
        default=True,
        help_text=_("A disabled campaign takes no new callbacks."),
        verbose_name=_("enabled"),
    )
    batch_size = models.PositiveIntegerField(
        default=500,
        help_text=_("Contacts sent to UCCX in one import request."),
        verbose_name=_("batch size"),
    )
    personal_wait_seconds = models.PositiveIntegerField(
        default=PERSONAL_WAIT_DEFAULT,
        validators=[MinValueValidator(0), MaxValueValidator(PERSONAL_WAIT_MAX)],
        help_text=format_lazy(
            _(
                "Personal callbacks: how many seconds the IVR script keeps trying the "
                "customer's own agent before it queues the call to the skill (0 = straight to "
                "the skill when the agent is not free; at most {most}). Sent to the script "
                "in the routing answer as personal_wait_seconds."
            ),
            most=PERSONAL_WAIT_MAX,
        ),
        verbose_name=_("personal wait seconds"),
    )
    when_agent_logged_out = models.CharField(
        _("when the agent is logged out"),
        max_length=5,
        choices=AgentAway.choices,
        default=AgentAway.SKILL,
        help_text=_(
            "Personal callbacks whose agent is logged out of Finesse when they are due: "
            "'route to the skill now' dials them at once and the IVR queues the call to the "
            "skill (reason agent_logged_out); 'hold' keeps them until the agent logs in again, "
            "checked every export run, and they expire as usual when the expiry passes. Needs "
            "FINESSE_URL and FINESSE_USERNAME; if Finesse cannot be read they are dialed as "
            "booked."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("callback campaign")
        verbose_name_plural = _("callback campaigns")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.unknown_action == RouteAction.SCRIPT and not self.external_script:
            raise ValidationError(
                {"unknown_action": _("Name the external script to transfer unknown callers to.")}
            )
        for name in ("outside_line_prefix", "national_prefix", "international_prefix"):
            value = getattr(self, name)
            if value and not value.isdigit():
                raise ValidationError({name: _("Digits only.")})


def local_promise(scheduled_at: dt.datetime, time_zone: str) -> tuple[dt.date, int]:
    """The promised day and UTC offset (minutes) in the skill's zone, for reports: SQL
    engines cannot all read IANA zones, so the views add the stored offset to UTC."""
    local = scheduled_at.astimezone(ZoneInfo(time_zone))
    offset = local.utcoffset() or dt.timedelta(0)
    return local.date(), int(offset.total_seconds() // 60)


class CallbackQuerySet(models.QuerySet):
    def bulk_create(self, objs: Iterable["Callback"], *args, **kwargs) -> list["Callback"]:
        objs = list(objs)
        missing = [c for c in objs if c.local_date is None]
        if missing:
            zones = dict(
                Skill.objects.filter(pk__in={c.skill_id for c in missing}).values_list(
                    "pk", "business_hours__time_zone"
                )
            )
            for callback in missing:
                callback.set_local_promise(zones[callback.skill_id])
        return super().bulk_create(objs, *args, **kwargs)


class Callback(models.Model):
    """A promise to call a customer back at a time, through a skill or one agent."""

    # NULL only between the INSERT and the UPDATE that derives it from the primary key.
    account_number = models.CharField(  # noqa: DJ001
        max_length=12,
        unique=True,
        null=True,
        editable=False,
        help_text=_("CB + 10 digits; the key UCCX and the IVR script use."),
        verbose_name=_("account number"),
    )
    phone_number = models.CharField(
        max_length=20, help_text=_("Customer's number, E.164."), verbose_name=_("phone number")
    )
    dial_number = models.CharField(
        max_length=32, help_text=_("The digits UCCX dials."), verbose_name=_("dial number")
    )
    first_name = models.CharField(max_length=50, blank=True, verbose_name=_("first name"))
    last_name = models.CharField(max_length=50, blank=True, verbose_name=_("last name"))
    scheduled_at = models.DateTimeField(
        help_text=_("Promised time (stored in UTC)."), verbose_name=_("scheduled at")
    )
    # Derived from scheduled_at and the skill's zone when the callback is stored (a
    # callback's time never changes: a reschedule makes a new callback).
    local_date = models.DateField(
        editable=False,
        help_text=_("The promised day in the skill's time zone (reports)."),
        verbose_name=_("local date"),
    )
    local_offset_minutes = models.SmallIntegerField(
        editable=False,
        help_text=_("The skill zone's UTC offset at the promised time, in minutes (reports)."),
        verbose_name=_("local offset minutes"),
    )
    campaign = models.ForeignKey(
        CallbackCampaign,
        on_delete=models.PROTECT,
        related_name="callbacks",
        verbose_name=_("campaign"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("skill")
    )
    agent_id = models.CharField(
        max_length=50,
        blank=True,
        help_text=_("Finesse login id; set = personal callback."),
        verbose_name=_("agent id"),
    )
    agent_name = models.CharField(max_length=100, blank=True, verbose_name=_("agent name"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.SCHEDULED, verbose_name=_("status")
    )
    # Personal callbacks whose agent was logged out at dial time (dialing/agent_away.py).
    skill_reason = models.CharField(
        _("dialed for the skill because"),
        max_length=20,
        blank=True,
        editable=False,
        help_text=_("Set (agent_logged_out): this personal callback was dialed for the skill."),
    )
    held_at = models.DateTimeField(
        _("held for its agent since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When it was first held for its logged-out agent (stays as history)."),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    dialer_attempts = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_(
            "Attempts the dialer shows for the current UCCX contact; a purge imports "
            "a new contact, whose count starts again at 0 (attempts keeps the total)."
        ),
        verbose_name=_("dialer attempts"),
    )
    last_result = models.CharField(max_length=40, blank=True, verbose_name=_("last result"))
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.API, verbose_name=_("source")
    )
    created_by = models.CharField(max_length=100, blank=True, verbose_name=_("created by"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    origin_account_number = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The dialer call the request came from, if any."),
        verbose_name=_("origin account number"),
    )
    rescheduled_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rescheduled_to",
        verbose_name=_("rescheduled from"),
    )
    # Recall rounds (callbacks.recall): round 2.. is a new callback linked to the round
    # before it and to the first round, whose promise the reports judge.
    round = models.PositiveSmallIntegerField(default=1, editable=False, verbose_name=_("round"))
    recall_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalled_by",
        verbose_name=_("recall of"),
    )
    first_round = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_rounds",
        verbose_name=_("first round"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    exported_at = models.DateTimeField(null=True, blank=True, verbose_name=_("exported at"))
    first_dialed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first dialed at"))
    connected_at = models.DateTimeField(null=True, blank=True, verbose_name=_("connected at"))
    delivered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("delivered at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["-scheduled_at"]
        indexes = [
            # Reports: a range of promised days, per campaign and skill.
            models.Index(fields=["local_date", "campaign", "skill"], name="callback_report_day"),
            # Reports: one agent's callbacks by day. The views give agent_id as NULLIF(agent_id,
            # ''), which no index on the column serves; personal callbacks only. (SQL Server
            # has no expression indexes: Django leaves this one out there.)
            models.Index(
                NullIf("agent_id", models.Value("")),
                models.F("local_date"),
                name="callback_report_agent",
                condition=models.Q(IsNull(NullIf("agent_id", models.Value("")), False)),
            ),
            # The exporter's "due" query: scheduled callbacks by time.
            models.Index(
                fields=["scheduled_at"],
                name="callback_due",
                condition=models.Q(status="scheduled"),
            ),
            models.Index(fields=["phone_number", "status"], name="callback_phone"),
            models.Index(fields=["agent_id", "status"], name="callback_agent"),
            models.Index(fields=["skill", "scheduled_at"], name="callback_skill_time"),
            models.Index(fields=["status", "scheduled_at"], name="callback_status_time"),
            # Retention: finished callbacks by age (callbacks.retention).
            models.Index(
                fields=["finished_at"],
                name="callback_finished",
                condition=models.Q(finished_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.account_number or f"callback #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.local_date is None:
            self.set_local_promise(self.skill.business_hours.time_zone)
        super().save(*args, **kwargs)

    def set_local_promise(self, time_zone: str) -> None:
        self.local_date, self.local_offset_minutes = local_promise(self.scheduled_at, time_zone)

    @property
    def kind(self) -> str:
        return Kind.PERSONAL if self.agent_id else Kind.STANDARD

    @staticmethod
    def account_number_for(pk: int) -> str:
        return f"CB{pk:010d}"


class CallbackEvent(models.Model):
    """One state change or outside observation of a callback; never edited."""

    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="events", verbose_name=_("callback")
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("at"))
    kind = models.CharField(max_length=20, choices=EventKind.choices, verbose_name=_("kind"))
    from_status = models.CharField(
        max_length=12, choices=Status.choices, blank=True, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=12, choices=Status.choices, blank=True, verbose_name=_("to status")
    )
    actor = models.CharField(max_length=100, blank=True, verbose_name=_("actor"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))

    class Meta:
        verbose_name = _("callback event")
        verbose_name_plural = _("callback events")
        ordering = ["at", "pk"]
        indexes = [
            # Reports: a callback's dial attempts (cm_callback_attempt_report) without
            # reading its other events, which lie on other pages (written in time order).
            models.Index(
                fields=["callback"],
                name="callbackevent_report_attempt",
                condition=models.Q(kind=EventKind.DIAL_ATTEMPT),
            ),
            # cm_callback_report's fell_back_to_skill: a personal callback's IVR outcomes.
            models.Index(
                fields=["callback"],
                name="callbackevent_report_outcome",
                condition=models.Q(kind=EventKind.IVR_OUTCOME),
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s at %(when)s") % {
            "kind": self.get_kind_display(),
            "when": admin_time(self.at),
        }


class ApiScope(models.TextChoices):
    GADGET = "gadget", _("Finesse gadget")
    IVR = "ivr", _("IVR script")


class ApiKey(AbstractAPIKey):
    """A hashed API key with one scope: a gadget key cannot call the IVR API, and back."""

    scope = models.CharField(
        max_length=10,
        choices=ApiScope.choices,
        help_text=_("Gadget keys call /api/v1/ (except /ivr/); IVR keys only /api/v1/ivr/."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")  # type: ignore[assignment]
        verbose_name_plural = _("API keys")  # type: ignore[assignment]


class IdempotencyRecord(models.Model):
    """The first answer to a create request carrying an Idempotency-Key header."""

    key = models.CharField(max_length=100, verbose_name=_("key"))
    owner = models.CharField(
        max_length=150, help_text=_("The API key (prefix) or user."), verbose_name=_("owner")
    )
    fingerprint = models.CharField(
        max_length=64, help_text=_("SHA-256 of the request body."), verbose_name=_("fingerprint")
    )
    status_code = models.PositiveSmallIntegerField(null=True, verbose_name=_("status code"))
    body = models.JSONField(null=True, verbose_name=_("body"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="one_answer_per_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


# The recall policy lives with its service; imported here so Django registers it.
from .recall.models import RecallPolicy  # noqa: E402, F401
