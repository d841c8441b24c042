"""Django Admin for callbacks: campaigns, the callbacks with their timeline, API keys.

A callback's history is never edited here: no callback can be added, changed or
deleted through a form, and its status is not a form field anywhere. The cancel action
and the reschedule page call `callbacks.services`, which move callbacks through
`callbacks.states` exactly as the gadget, the IVR and the API do. Django's "Can change
callback" permission is what allows them ("manage" below); "view" allows the rest.
"""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import phonenumbers
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from ops.directory import DirectoryChoicesAdmin
from ops.models import DirectoryKind
from scheduling.forms import WALL_TIME
from scheduling.phones import PhoneError, e164_for_search
from scheduling.rules import RulesConfig

from . import services
from .dialplan import dial_string_for
from .forms import CallbackCampaignForm, CancelForm, RescheduleForm
from .models import (
    ApiKey,
    Callback,
    CallbackCampaign,
    CallbackEvent,
    IdempotencyRecord,
    Kind,
    Source,
    Status,
)
from .purge_action import purge_selected
from .states import TransitionRefused, can_transition
from .validation import callback_revalidate

ARROW = "\N{RIGHTWARDS ARROW}"


def skill_zone(callback: Callback) -> ZoneInfo:
    return ZoneInfo(callback.skill.business_hours.time_zone)


def local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    # Formatted here: the template engine would move aware times to settings.TIME_ZONE.
    local = moment.astimezone(zone)
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()} ({zone.key})"


def utc_time(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def admin_time(moment: dt.datetime) -> str:
    """A timestamp in the admin's zone (settings.TIME_ZONE), with the zone shown."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S %Z}"


# --- campaigns -------------------------------------------------------------------

DIAL_PLAN_EXAMPLES = ("+48221234567", "+12125550100")


@admin.register(CallbackCampaign)
class CallbackCampaignAdmin(DirectoryChoicesAdmin, SimpleHistoryAdmin):
    form = CallbackCampaignForm
    directory_fields = {"uccx_campaign_id": DirectoryKind.CAMPAIGN}
    actions = (purge_selected,)
    list_display = (
        "name",
        "campaign_id",
        "presented_number",
        "external_script",
        "enabled",
        "batch_size",
    )
    list_filter = ("enabled", "unknown_action")
    search_fields = ("name", "presented_number", "external_script")
    readonly_fields = ("dial_plan_example",)
    list_select_related = False
    fieldsets = (
        (
            "UCCX campaign",
            {
                "description": "The outbound IVR campaign in UCCX that dials these callbacks. "
                "The ID field offers the campaigns UCCX knows (synced hourly); a number "
                "typed by hand is accepted too.",
                "fields": ("name", "uccx_campaign_id", "presented_number"),
            },
        ),
        (
            "Dial plan",
            {
                "description": "How a customer's number (international format) becomes the "
                "digits the UCCX dialer dials.",
                "fields": (
                    "home_region",
                    "outside_line_prefix",
                    "national_prefix",
                    "international_prefix",
                    "dial_plan_example",
                ),
            },
        ),
        (
            "IVR routing",
            {
                "description": "What the callback IVR script is told when a customer answers.",
                "fields": ("external_script", "unknown_action", "fallback_skill"),
            },
        ),
        (
            "Export",
            {
                "description": "How callbacks of this campaign are sent to UCCX.",
                "fields": ("batch_size", "enabled"),
            },
        ),
    )

    @admin.display(description="UCCX ID", ordering="uccx_campaign_id")
    def campaign_id(self, campaign: CallbackCampaign) -> int:
        return campaign.uccx_campaign_id

    @admin.display(description="example")
    def dial_plan_example(self, campaign: CallbackCampaign) -> str:
        # Read again: after a failed save the form has already copied the rejected input
        # onto `campaign`, and the example must show what UCCX will really dial.
        saved = CallbackCampaign.objects.filter(pk=campaign.pk).first() if campaign.pk else None
        if saved is None:
            return "Shown once the campaign is saved."
        lines = format_html_join(
            "",
            "{} is dialed <code>{}</code><br>",
            ((_readable(number), dial_string_for(number, saved)) for number in DIAL_PLAN_EXAMPLES),
        )
        return format_html('{}<span class="quiet">With the saved settings.</span>', lines)


def _readable(e164: str) -> str:
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- callbacks -------------------------------------------------------------------


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return Kind.choices

    def queryset(self, request, queryset):
        if self.value() == Kind.PERSONAL:
            return queryset.exclude(agent_id="")
        if self.value() == Kind.STANDARD:
            return queryset.filter(agent_id="")
        return queryset


class AgentFilter(admin.SimpleListFilter):
    """Agents who have (had) personal callbacks, by Finesse login id."""

    title = "agent"
    parameter_name = "agent"

    def lookups(self, request, model_admin):
        agents = (
            Callback.objects.exclude(agent_id="")
            .values("agent_id")
            .annotate(name=Max("agent_name"))
            .order_by("agent_id")
        )
        return [
            (a["agent_id"], f"{a['name']} ({a['agent_id']})" if a["name"] else a["agent_id"])
            for a in agents
        ]

    def queryset(self, request, queryset):
        return queryset.filter(agent_id=self.value()) if self.value() else queryset


class CallbackEventInline(admin.TabularInline):
    """The timeline: every state change and observation, oldest first; never edited."""

    model = CallbackEvent
    fields = ("when", "kind", "change", "actor", "detail_text")
    readonly_fields = fields
    ordering = ("at", "pk")
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "event"
    verbose_name_plural = "timeline"

    def has_view_permission(self, request, obj=None) -> bool:
        # The timeline is part of the callback: whoever may see the callback sees it.
        parent = self.admin_site.get_model_admin(self.parent_model)
        return parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="at")
    def when(self, event: CallbackEvent) -> str:
        return admin_time(event.at)

    @admin.display(description="status")
    def change(self, event: CallbackEvent) -> str:
        to = event.get_to_status_display()
        if not event.from_status:
            return f"{ARROW} {to}"
        if event.from_status == event.to_status:
            return f"{to} (unchanged)"
        return f"{event.get_from_status_display()} {ARROW} {to}"

    @admin.display(description="details")
    def detail_text(self, event: CallbackEvent) -> str:
        shown = [f"{k}: {v}" for k, v in (event.details or {}).items() if v not in (None, "")]
        return "; ".join(shown) or self.get_empty_value_display()


def _timestamp(name: str, label: str):
    """A display function showing one of a callback's timestamps like the timeline does."""

    @admin.display(description=label, ordering=name)
    def show(model_admin, callback: Callback) -> str:
        moment = getattr(callback, name)
        return admin_time(moment) if moment else model_admin.get_empty_value_display()

    return show


# Characters a typed phone number may contain; anything else is searched only as text.
PHONE_CHARACTERS = frozenset("0123456789 +-()./")
MIN_PHONE_DIGITS = 6


def _search_as_phone(term: str) -> str | None:
    """'22 123 45 67' -> '+48221234567' (default country from GlobalRules), else None."""
    if not set(term) <= PHONE_CHARACTERS or sum(c.isdigit() for c in term) < MIN_PHONE_DIGITS:
        return None
    try:
        return e164_for_search(term)
    except PhoneError:
        return None


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    """Callbacks as they are: read-only, with the actions and pages that call services."""

    list_display = (
        "account_number",
        "status",
        "kind_display",
        "customer",
        "phone_number",
        "scheduled",
        "campaign",
        "skill",
        "agent",
        "attempts",
        "last_result",
    )
    list_filter = ("status", KindFilter, "campaign", "skill", AgentFilter, "source")
    date_hierarchy = "scheduled_at"
    search_fields = (
        "account_number",
        "phone_number",
        "first_name",
        "last_name",
        "agent_id",
        "agent_name",
    )
    search_help_text = (
        "Account number, phone number in any format (e.g. 22 123 45 67), customer's first or "
        "last name, or agent."
    )
    list_select_related = ("campaign", "skill", "skill__business_hours")
    inlines = (CallbackEventInline,)
    actions = ("cancel_selected", "revalidate_selected")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "account_number",
                    "status",
                    "kind_display",
                    "scheduled_local",
                    "scheduled_utc",
                    "campaign",
                    "skill",
                    "agent",
                )
            },
        ),
        (
            "Customer",
            {"fields": ("first_name", "last_name", "phone_number", "dial_number", "notes")},
        ),
        ("Dialing", {"fields": ("attempts", "last_result", "origin_account_number")}),
        (
            "Origin",
            {
                "fields": (
                    "source",
                    "created_by",
                    "created",
                    "rescheduled_from_link",
                    "rescheduled_to_link",
                )
            },
        ),
        (
            "Timestamps",
            {
                "fields": (
                    "exported",
                    "first_dialed",
                    "connected",
                    "delivered",
                    "finished",
                    "updated",
                )
            },
        ),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])  # type: ignore[misc]

    # -- permissions: look, never edit -------------------------------------------

    def has_add_permission(self, request) -> bool:
        return False  # callbacks come from the gadget, the IVR and the API

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # no field is edited by hand; services do the changes

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # history stays; retention purges old callbacks

    def has_manage_permission(self, request) -> bool:
        """May cancel and reschedule (through the services): "Can change callback"."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    # -- list and change page ----------------------------------------------------

    @admin.display(description="kind", ordering="agent_id")
    def kind_display(self, callback: Callback) -> str:
        return "personal" if callback.kind == Kind.PERSONAL else "standard"

    @admin.display(description="customer", ordering="last_name")
    def customer(self, callback: Callback) -> str:
        name = f"{callback.first_name} {callback.last_name}".strip()
        return name or self.get_empty_value_display()

    @admin.display(description="scheduled (skill's time / UTC)", ordering="scheduled_at")
    def scheduled(self, callback: Callback) -> str:
        # Two lines in one column, the zone's name as a tooltip: the list is wide already.
        zone = skill_zone(callback)
        local = callback.scheduled_at.astimezone(zone)
        return format_html(
            '<span title="{}">{}</span><br><span class="quiet">{}</span>',
            zone.key,
            f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}",
            utc_time(callback.scheduled_at),
        )

    @admin.display(description="scheduled (skill's time)", ordering="scheduled_at")
    def scheduled_local(self, callback: Callback) -> str:
        return local_time(callback.scheduled_at, skill_zone(callback))

    @admin.display(description="scheduled (UTC)", ordering="scheduled_at")
    def scheduled_utc(self, callback: Callback) -> str:
        return utc_time(callback.scheduled_at)

    @admin.display(description="agent", ordering="agent_id")
    def agent(self, callback: Callback) -> str:
        if not callback.agent_id:
            return self.get_empty_value_display()
        return (
            f"{callback.agent_name} ({callback.agent_id})"
            if callback.agent_name
            else (callback.agent_id)
        )

    created = _timestamp("created_at", "created")
    exported = _timestamp("exported_at", "accepted by UCCX")
    first_dialed = _timestamp("first_dialed_at", "first dialed")
    connected = _timestamp("connected_at", "answered (in the IVR)")
    delivered = _timestamp("delivered_at", "delivered to the agent")
    finished = _timestamp("finished_at", "finished")
    updated = _timestamp("updated_at", "last changed")

    @admin.display(description="rescheduled from")
    def rescheduled_from_link(self, callback: Callback) -> str:
        return self._link(callback.rescheduled_from)

    @admin.display(description="rescheduled to")
    def rescheduled_to_link(self, callback: Callback) -> str:
        successor = (
            Callback.objects.select_related("skill__business_hours")
            .filter(rescheduled_from=callback)
            .first()
        )
        return self._link(successor)

    def _link(self, callback: Callback | None) -> str:
        if callback is None:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            self._change_url(callback),
            callback,
            callback.get_status_display().lower(),
            local_time(callback.scheduled_at, skill_zone(callback)),
        )

    def _change_url(self, callback: Callback) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[callback.pk],
            current_app=self.admin_site.name,
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        e164 = _search_as_phone(search_term.strip())
        if e164:
            results |= queryset.filter(phone_number=e164)
        return results, may_have_duplicates

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_reschedule = obj is not None and self.has_manage_permission(request)
        context["reschedule_url"] = (
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_reschedule",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
            if may_reschedule and can_transition(obj.status, Status.RESCHEDULED)
            else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- actions -----------------------------------------------------------------

    @admin.action(description="Cancel selected callbacks", permissions=["manage"])
    def cancel_selected(self, request, queryset):
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():  # first click (unbound), or a reason too long
            return self._cancel_confirmation(request, queryset, form)
        actor = request.user.get_username()
        cancelled, refused = [], []
        for callback in queryset.order_by("pk"):
            try:
                services.callback_cancel(
                    callback=callback, reason=form.cleaned_data["reason"], actor=actor
                )
            except TransitionRefused as refusal:
                refused.append(str(refusal))
            else:
                cancelled.append(callback.account_number)
        if cancelled:
            self.message_user(
                request,
                f"Cancelled {_count(cancelled, 'callback')}: {', '.join(cancelled)}.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                f"Not cancelled ({len(refused)}): {' '.join(refused)}",
                messages.ERROR,
            )
        return None

    def _cancel_confirmation(self, request, queryset, form):
        callbacks = list(queryset.order_by("pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Cancel callbacks?",
            "opts": self.opts,
            "form": form,
            "rows": [
                {
                    "callback": callback,
                    "scheduled": local_time(callback.scheduled_at, skill_zone(callback)),
                    "cancellable": can_transition(callback.status, Status.CANCELLED),
                }
                for callback in callbacks
            ],
            "cancellable_count": sum(can_transition(c.status, Status.CANCELLED) for c in callbacks),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "cancel_selected",
        }
        return TemplateResponse(
            request, "admin/callbacks/callback/cancel_confirmation.html", context
        )

    @admin.action(description="Re-validate selected callbacks", permissions=["view"])
    def revalidate_selected(self, request, queryset):
        """Does each waiting callback still meet today's rules? Reports; records nothing."""
        config = RulesConfig.load()
        valid, skipped = [], []
        for callback in queryset.order_by("scheduled_at", "pk"):
            if callback.status != Status.SCHEDULED:
                skipped.append(callback.account_number)
                continue
            verdict = callback_revalidate(callback=callback, config=config)
            if verdict.valid:
                valid.append(callback.account_number)
                continue
            # One line per rule (a nested list would take the message list's styling).
            problems = format_html_join(
                "", "<br>\N{BULLET} {}", ((v.message,) for v in verdict.violations)
            )
            self.message_user(
                request,
                format_html(
                    "{} ({}) breaks {}:{}",
                    callback,
                    local_time(callback.scheduled_at, skill_zone(callback)),
                    _count(verdict.violations, "rule"),
                    problems,
                ),
                messages.WARNING,
            )
        if valid:
            self.message_user(
                request,
                f"{_count(valid, 'callback')} still meet{'s' if len(valid) == 1 else ''} "
                f"every rule: {', '.join(valid)}.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Not re-validated ({len(skipped)}): {', '.join(skipped)}. Only scheduled "
                "callbacks are; the others are already with UCCX or finished.",
                messages.INFO,
            )

    # -- reschedule page ---------------------------------------------------------

    def get_urls(self):
        reschedule = self.admin_site.admin_view(self.reschedule_view)
        return [
            path(
                "<path:object_id>/reschedule/",
                reschedule,
                name=f"{self.opts.app_label}_{self.opts.model_name}_reschedule",
            ),
            *super().get_urls(),
        ]

    def reschedule_view(self, request, object_id: str):
        callback = self.get_object(request, unquote(object_id))
        if callback is None:
            raise Http404("No callback with that id.")
        if not self.has_manage_permission(request):
            raise PermissionDenied
        zone = skill_zone(callback)
        refusal = ""
        if not can_transition(callback.status, Status.RESCHEDULED):
            refusal = str(TransitionRefused(callback, Status.RESCHEDULED))
        rejection = None
        if request.method == "POST" and not refusal:
            form = RescheduleForm(request.POST, zone=zone.key)
            if form.is_valid():
                try:
                    new = services.callback_reschedule(
                        callback=callback,
                        scheduled_at=form.cleaned_data["scheduled_at"],
                        source=Source.ADMIN,
                        actor=request.user.get_username(),
                    )
                except services.CallbackRejected as error:
                    rejection = error
                except TransitionRefused as error:  # someone else moved it meanwhile
                    refusal = str(error)
                else:
                    self.message_user(
                        request,
                        f"{callback} was rescheduled; {new} takes over at "
                        f"{local_time(new.scheduled_at, zone)} ({utc_time(new.scheduled_at)}).",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._change_url(new))
        else:  # a suggested slot's link (?scheduled_at=...) fills the form
            start = (
                request.GET.get("scheduled_at")
                or f"{callback.scheduled_at.astimezone(zone):{WALL_TIME}}"
            )
            form = RescheduleForm(initial={"scheduled_at": start}, zone=zone.key)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reschedule {callback}",
            "opts": self.opts,
            "original": callback,
            "form": form,
            "zone": zone.key,
            "now_local": local_time(timezone.now(), zone),
            "scheduled_local": local_time(callback.scheduled_at, zone),
            "scheduled_utc": utc_time(callback.scheduled_at),
            "refusal": refusal,
            "violations": rejection.violations if rejection else [],
            "suggestions": [
                {
                    "local": local_time(slot.start, zone),
                    "href": "?" + urlencode({"scheduled_at": f"{slot.local:{WALL_TIME}}"}),
                    "remaining": slot.remaining,
                    "capacity": slot.capacity,
                }
                for slot in (rejection.suggestions if rejection else [])
            ],
        }
        return TemplateResponse(request, "admin/callbacks/callback/reschedule.html", context)


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


# --- API keys and idempotency records --------------------------------------------

# The library's own key model is not used: only callbacks.ApiKey (with a scope) opens
# the API, so a key created on that page would be useless.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """The key is shown once, in a message after saving; only its hash is stored.
    Revoke a key by ticking "revoked" (final); to change a scope, make a new key."""

    fields = ("name", "prefix", "scope", "expiry_date", "revoked")
    list_display = ("prefix", "name", "scope", "created", "expiry_date", "_has_expired", "revoked")  # type: ignore[assignment]
    list_filter = ("scope", "revoked", "created")  # type: ignore[assignment]
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix",)
    list_select_related = False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A gadget key silently becoming an IVR key would open the other half of the API.
        return (*fields, "scope") if obj is not None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the key's name and prefix stay for the record


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """First answers to create requests with an Idempotency-Key: for support, read-only."""

    list_display = ("key", "owner", "status_code", "created_at")
    list_filter = ("status_code",)
    search_fields = ("key", "owner")
    readonly_fields = ("key", "owner", "fingerprint", "status_code", "body", "created_at")
    fields = readonly_fields
    list_select_related = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
