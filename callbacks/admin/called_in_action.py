"""The admin's "customer called in" action: for each selected callback's number, what
the IVR's POST /api/v1/ivr/called-in does (callbacks/called_in.py), now."""

from django.contrib import admin, messages

from ..called_in import callbacks_close_called_in


@admin.action(
    description="Customer called in and was helped: close their number's pending callbacks",
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
            "Nothing closed: the global rules keep callbacks when the customer calls in "
            "(Global rules → Customer called in first).",
            messages.WARNING,
        )
        return
    if closed:
        model_admin.message_user(
            request,
            f"Closed as satisfied ({len(closed)}): {', '.join(closed)}.",
            messages.SUCCESS,
        )
    else:
        window = result.window_hours if result is not None else 0
        model_admin.message_user(
            request,
            f"No callback of {', '.join(numbers)} was waiting that had been booked within "
            f"the last {window} hours (only scheduled ones and those in the dialer are "
            "closed).",
            messages.INFO,
        )
