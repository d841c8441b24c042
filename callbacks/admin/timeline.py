"""The callback page's timeline, and what the page may honestly say about dialing while
the dialer's own record is not read yet.

The IVR's lookup proves the customer was dialed once; the poll (every 120 s) brings the
dialer's count and times later. Until then the page says what is known instead of
"Attempts 0" and "First dialed: -".
"""

from django.contrib import admin
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from scheduling.codes import ViolationCode
from scheduling.display import admin_time

from ..models import Callback, CallbackEvent, EventKind, Status

ARROW = "\N{RIGHTWARDS ARROW}"


def with_first_lookup(callbacks: QuerySet[Callback]) -> QuerySet[Callback]:
    """Annotate `first_lookup_at`: when the IVR first looked the callback up (or None)."""
    lookups = CallbackEvent.objects.filter(
        callback=OuterRef("pk"), kind=EventKind.IVR_LOOKUP
    ).order_by("at", "pk")
    return callbacks.annotate(first_lookup_at=Subquery(lookups.values("at")[:1]))


def attempts_known(callback: Callback) -> str:
    """'2', or '1 (dialer's record pending)' while the IVR has it and the poll has not
    counted the dial yet."""
    if callback.attempts or getattr(callback, "first_lookup_at", None) is None:
        return str(callback.attempts)
    if callback.status == Status.IN_IVR:
        return _t("1 (dialer's record pending)")
    return _t("at least 1 (the IVR took the call)")


def first_dialed_known(callback: Callback) -> str:
    """The dialer's first dial time, or 'before <the IVR lookup>' until it is read."""
    if callback.first_dialed_at:
        return admin_time(callback.first_dialed_at)
    looked_up = getattr(callback, "first_lookup_at", None)
    if looked_up is None:
        return "-"
    return _t("before %(time)s, when the IVR looked it up (dialer's record pending)") % {
        "time": admin_time(looked_up)
    }


class CallbackEventInline(admin.TabularInline):
    """The timeline: every state change and observation in the order it happened (a dial
    attempt at the dialer's time, before the IVR lookup it caused); never edited."""

    model = CallbackEvent
    # Our own table (no empty header cells for Django's row titles and delete boxes).
    template = "admin/callbacks/callback/timeline.html"
    fields = ("when", "kind", "change", "actor", "detail_text")
    readonly_fields = fields
    ordering = ("at", "pk")
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("event")
    verbose_name_plural = _("timeline")

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

    @admin.display(description=_("at"))
    def when(self, event: CallbackEvent) -> str:
        return admin_time(event.at)

    @admin.display(description=_("status"))
    def change(self, event: CallbackEvent) -> str:
        to = event.get_to_status_display()
        if not event.from_status:
            return f"{ARROW} {to}"
        if event.from_status == event.to_status:
            return _t("%(status)s (unchanged)") % {"status": to}
        return f"{event.get_from_status_display()} {ARROW} {to}"

    @admin.display(description=_("details"))
    def detail_text(self, event: CallbackEvent) -> str:
        shown = [
            f"{k}: {_in_words(k, v)}"
            for k, v in (event.details or {}).items()
            if v not in (None, "")
        ]
        return "; ".join(shown) or self.get_empty_value_display()


def _in_words(key: str, value: object) -> object:
    """A recall round's `moved_because` or `refused_because` (rule codes, comma-separated)
    in the rules' words:
    "too_soon" reads "Sooner than the minimum lead time (too_soon)"."""
    if key not in ("moved_because", "refused_because") or not isinstance(value, str):
        return value
    labels = dict(ViolationCode.choices)
    return ", ".join(
        f"{labels[code]} ({code})" if code in labels else code
        for code in (part.strip() for part in value.split(","))
    )
