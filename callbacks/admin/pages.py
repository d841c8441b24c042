"""The callback admin's own pages: the cancel confirmation, the re-validation report and
the reschedule page.

All are thin: they read a form, call `callbacks.services` (or the validation) and show
the answer. `CallbackAdmin` mounts them, as its actions and in `get_urls` wrapped in
`admin_site.admin_view`, the way scheduling's admin mounts `scheduling.views`.
"""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scheduling.display import local_time, utc_time
from scheduling.forms import WALL_TIME
from scheduling.rules import RulesConfig

from .. import services
from ..forms import CancelForm, RescheduleForm
from ..models import Callback, Source, Status
from ..states import TransitionRefused, can_transition
from ..validation import callback_revalidate


def skill_zone(callback: Callback) -> ZoneInfo:
    return ZoneInfo(callback.skill.business_hours.time_zone)


# --- cancel ----------------------------------------------------------------------


def cancel(request, model_admin, queryset):
    form = CancelForm(request.POST if "confirm" in request.POST else None)
    if not form.is_valid():  # first click (unbound), or a reason too long
        return _cancel_confirmation(request, model_admin, queryset, form)
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
        model_admin.message_user(
            request,
            ngettext(
                "Cancelled %(count)d callback: %(accounts)s.",
                "Cancelled %(count)d callbacks: %(accounts)s.",
                len(cancelled),
            )
            % {"count": len(cancelled), "accounts": ", ".join(cancelled)},
            messages.SUCCESS,
        )
    if refused:
        model_admin.message_user(
            request,
            _("Not cancelled (%(count)d): %(reasons)s")
            % {"count": len(refused), "reasons": " ".join(refused)},
            messages.ERROR,
        )
    return None


def _cancel_confirmation(request, model_admin, queryset, form):
    callbacks = list(queryset.order_by("pk"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Cancel callback %(callback)s?") % {"callback": callbacks[0]}
        if len(callbacks) == 1
        else _("Cancel callbacks?"),
        "opts": model_admin.opts,
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
    return TemplateResponse(request, "admin/callbacks/callback/cancel_confirmation.html", context)


# --- re-validate -----------------------------------------------------------------


def revalidate(request, model_admin, queryset) -> None:
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
        model_admin.message_user(
            request,
            format_html(
                ngettext(
                    "{} ({}) breaks {} rule:{}",
                    "{} ({}) breaks {} rules:{}",
                    len(verdict.violations),
                ),
                callback,
                local_time(callback.scheduled_at, skill_zone(callback)),
                len(verdict.violations),
                problems,
            ),
            messages.WARNING,
        )
    if valid:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d callback still meets every rule: %(accounts)s.",
                "%(count)d callbacks still meet every rule: %(accounts)s.",
                len(valid),
            )
            % {"count": len(valid), "accounts": ", ".join(valid)},
            messages.SUCCESS,
        )
    if skipped:
        model_admin.message_user(
            request,
            _(
                "Not re-validated (%(count)d): %(accounts)s. Only scheduled "
                "callbacks are; the others are already with UCCX or finished."
            )
            % {"count": len(skipped), "accounts": ", ".join(skipped)},
            messages.INFO,
        )


# --- reschedule ------------------------------------------------------------------


def reschedule(request, model_admin, object_id: str):
    callback = model_admin.get_object(request, unquote(object_id))
    if callback is None:
        raise Http404(_("No callback with that id."))
    if not model_admin.has_manage_permission(request):
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
                model_admin.message_user(
                    request,
                    _("%(old)s was rescheduled; %(new)s takes over at %(local)s (%(utc)s).")
                    % {
                        "old": callback,
                        "new": new,
                        "local": local_time(new.scheduled_at, zone),
                        "utc": utc_time(new.scheduled_at),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(model_admin.change_url(new))
    else:  # a suggested slot's link (?scheduled_at=...) fills the form
        start = (
            request.GET.get("scheduled_at")
            or f"{callback.scheduled_at.astimezone(zone):{WALL_TIME}}"
        )
        form = RescheduleForm(initial={"scheduled_at": start}, zone=zone.key)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Reschedule %(callback)s") % {"callback": callback},
        "opts": model_admin.opts,
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
