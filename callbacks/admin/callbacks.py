"""The callbacks as they are, read-only, with their timeline.

The actions and the reschedule page are in `pages`; they change callbacks only through
`callbacks.services`.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scheduling.display import admin_time, local_short, local_time, utc_time
from scheduling.phones import PhoneError, e164_for_search

from ..models import Callback, Kind, Status
from ..states import can_transition
from . import pages
from .called_in_action import called_in_selected
from .filters import AgentFilter, KindFilter
from .pages import skill_zone
from .timeline import CallbackEventInline, attempts_known, first_dialed_known, with_first_lookup


def _timestamp(name: str, label: Any):
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

    # Fits 1366 px (tests/admin_ui): one time per row, the customer's name and number in
    # one cell, the kind shown by the agent column (none = standard) and its filter.
    list_display = (
        "account_number",
        "status",
        "customer_and_phone",
        "scheduled",
        "campaign",
        "skill",
        "agent",
        "attempts_display",
        "last_result_display",
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
    search_help_text = _(
        "Account number, phone number in any format (e.g. 22 123 45 67), customer's first or "
        "last name, or agent."
    )
    list_select_related = ("campaign", "skill", "skill__business_hours")
    inlines = (CallbackEventInline,)
    actions = ("cancel_selected", "revalidate_selected", called_in_selected)
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
            _("Customer"),
            {"fields": ("first_name", "last_name", "phone_number", "dial_number", "notes")},
        ),
        (
            _("Dialing"),
            {
                "fields": (
                    "attempts_display",
                    "first_dialed",
                    "last_result_display",
                    "origin_account_number",
                    "skill_reason",
                )
            },
        ),
        (
            _("Origin"),
            {
                "classes": ("collapse",),
                "fields": (
                    "source",
                    "created_by",
                    "created",
                    "rescheduled_from_link",
                    "rescheduled_to_link",
                    "round",
                    "recall_of_link",
                    "recalled_by_link",
                ),
            },
        ),
        (
            _("Timestamps"),
            {
                "classes": ("collapse",),
                "fields": (
                    "held",
                    "exported",
                    "connected",
                    "delivered",
                    "finished",
                    "updated",
                ),
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

    @admin.display(description=_("kind"), ordering="agent_id")
    def kind_display(self, callback: Callback) -> str:
        return gettext("personal") if callback.kind == Kind.PERSONAL else gettext("standard")

    @admin.display(description=_("customer"), ordering="last_name")
    def customer_and_phone(self, callback: Callback) -> str:
        name = f"{callback.first_name} {callback.last_name}".strip()
        if not name:
            return callback.phone_number
        return format_html('{}<br><span class="quiet">{}</span>', name, callback.phone_number)

    @admin.display(description=_("scheduled"), ordering="scheduled_at")
    def scheduled(self, callback: Callback) -> str:
        # One time per row: the promise in the skill's zone; UTC and the zone's name in
        # the tooltip (and on the callback's page).
        zone = skill_zone(callback)
        return format_html(
            '<span class="scheduled" title="{} ({})">{}</span>',
            utc_time(callback.scheduled_at),
            zone.key,
            local_short(callback.scheduled_at, zone),
        )

    @admin.display(description=_("scheduled (skill's time)"), ordering="scheduled_at")
    def scheduled_local(self, callback: Callback) -> str:
        return local_time(callback.scheduled_at, skill_zone(callback))

    @admin.display(description=_("scheduled (UTC)"), ordering="scheduled_at")
    def scheduled_utc(self, callback: Callback) -> str:
        return utc_time(callback.scheduled_at)

    @admin.display(description=_("agent"), ordering="agent_id")
    def agent(self, callback: Callback) -> str:
        if not callback.agent_id:
            return self.get_empty_value_display()
        return (
            f"{callback.agent_name} ({callback.agent_id})"
            if callback.agent_name
            else (callback.agent_id)
        )

    created = _timestamp("created_at", _("created"))
    held = _timestamp("held_at", _("held for its logged-out agent"))
    exported = _timestamp("exported_at", _("accepted by UCCX"))

    @admin.display(description=_("first dialed"), ordering="first_dialed_at")
    def first_dialed(self, callback: Callback) -> str:
        return first_dialed_known(callback)

    @admin.display(description=_("last result"), ordering="last_result")
    def last_result_display(self, callback: Callback) -> str:
        # 'answering machine', not 'answering_machine': words that wrap in a narrow column.
        return callback.last_result.replace("_", " ") or self.get_empty_value_display()

    @admin.display(description=_("attempts"), ordering="attempts")
    def attempts_display(self, callback: Callback) -> str:
        return attempts_known(callback)

    connected = _timestamp("connected_at", _("answered (in the IVR)"))
    delivered = _timestamp("delivered_at", _("delivered to the agent"))
    finished = _timestamp("finished_at", _("finished"))
    updated = _timestamp("updated_at", _("last changed"))

    @admin.display(description=_("rescheduled from"))
    def rescheduled_from_link(self, callback: Callback) -> str:
        return self._link(callback.rescheduled_from)

    @admin.display(description=_("rescheduled to"))
    def rescheduled_to_link(self, callback: Callback) -> str:
        successor = (
            Callback.objects.select_related("skill__business_hours")
            .filter(rescheduled_from=callback)
            .first()
        )
        return self._link(successor)

    @admin.display(description=_("round of"))
    def recall_of_link(self, callback: Callback) -> str:
        return self._link(callback.recall_of)

    @admin.display(description=_("next round"))
    def recalled_by_link(self, callback: Callback) -> str:
        successor = (
            Callback.objects.select_related("skill__business_hours")
            .filter(recall_of=callback)
            .first()
        )
        return self._link(successor)

    def _link(self, callback: Callback | None) -> str:
        if callback is None:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            self.change_url(callback),
            callback,
            callback.get_status_display().lower(),
            local_time(callback.scheduled_at, skill_zone(callback)),
        )

    def change_url(self, callback: Callback) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[callback.pk],
            current_app=self.admin_site.name,
        )

    def get_queryset(self, request):
        return with_first_lookup(super().get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        # The widest page: without the navigation sidebar it fits 1366 px (the breadcrumbs
        # and Home lead everywhere; tests/admin_ui).
        return super().changelist_view(
            request, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
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
        context["cancel_url"] = (
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_cancel",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
            if may_reschedule and can_transition(obj.status, Status.CANCELLED)
            else ""
        )
        if obj is not None:
            context["summary"] = {
                "status": obj.get_status_display(),
                "scheduled": local_time(obj.scheduled_at, skill_zone(obj)),
                "scheduled_utc": utc_time(obj.scheduled_at),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- actions -----------------------------------------------------------------

    @admin.action(description=_("Cancel selected callbacks"), permissions=["manage"])
    def cancel_selected(self, request, queryset):
        return pages.cancel(request, self, queryset)

    @admin.action(description=_("Re-validate selected callbacks"), permissions=["view"])
    def revalidate_selected(self, request, queryset):
        """Does each waiting callback still meet today's rules? Reports; records nothing."""
        pages.revalidate(request, self, queryset)

    # -- reschedule page ---------------------------------------------------------

    def get_urls(self):
        reschedule = self.admin_site.admin_view(self.reschedule_view)
        cancel = self.admin_site.admin_view(self.cancel_view)
        return [
            path(
                "<path:object_id>/cancel/",
                cancel,
                name=f"{self.opts.app_label}_{self.opts.model_name}_cancel",
            ),
            path(
                "<path:object_id>/reschedule/",
                reschedule,
                name=f"{self.opts.app_label}_{self.opts.model_name}_reschedule",
            ),
            *super().get_urls(),
        ]

    def reschedule_view(self, request, object_id: str):
        return pages.reschedule(request, self, object_id)

    def cancel_view(self, request, object_id: str):
        """The page's Cancel button: the list's bulk action on this one callback (the
        same confirmation, reason and service), then back to the callback's page."""
        callback = self.get_object(request, unquote(object_id))
        if callback is None:
            raise Http404("No callback with that id.")
        if not self.has_manage_permission(request):
            raise PermissionDenied
        answer = pages.cancel(request, self, self.get_queryset(request).filter(pk=callback.pk))
        return answer or HttpResponseRedirect(self.change_url(callback))
