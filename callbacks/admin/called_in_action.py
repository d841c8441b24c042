"""The admin's "customer called in" action: for each selected callback's number, what
the IVR's POST /api/v1/ivr/called-in does (callbacks/called_in.py), now."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..called_in import callbacks_close_called_in


@admin.action(
    description=_("Customer called in and was helped: close their number's pending callbacks"),
    permissions=["manage"],
)
def called_in_selected(model_admin, request, queryset) -> None:
    numbers = sorted(set(queryset.values_list("phone_number", flat=True)))
    closed: list[str] = []
    result = None
    for number in numbers:
        result = callbacks_close_called_in(
            phone_number=number, actor=request.user.get_username(), source="admin"
        )
        closed += result.closed
    if result is not None and not result.enabled:
        model_admin.message_user(
            request,
            gettext(
                "Nothing closed: the global rules keep callbacks when the customer calls in "
                "(Global rules → Customer called in first)."
            ),
            messages.WARNING,
        )
        return
    if closed:
        model_admin.message_user(
            request,
            gettext("Closed as satisfied (%(count)d): %(accounts)s.")
            % {"count": len(closed), "accounts": ", ".join(closed)},
            messages.SUCCESS,
        )
    else:
        window = result.window_hours if result is not None else 0
        model_admin.message_user(
            request,
            ngettext(
                "No callback of %(numbers)s was waiting that had been booked within "
                "the last %(hours)d hour (only scheduled ones and those in the dialer are "
                "closed).",
                "No callback of %(numbers)s was waiting that had been booked within "
                "the last %(hours)d hours (only scheduled ones and those in the dialer are "
                "closed).",
                window,
            )
            % {"numbers": ", ".join(numbers), "hours": window},
            messages.INFO,
        )
