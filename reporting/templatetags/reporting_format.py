"""How the dashboard writes rates and averages ("—" where there is nothing to measure)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

NOTHING = "—"


@register.filter
def percent(rate: float | None) -> str:
    """0.5714 -> "57.1%" ("57,1%" in Polish: the language's decimal separator)."""
    return NOTHING if rate is None else f"{number_format(round(rate * 100, 1), 1)}%"


@register.filter
def duration(minutes: float | None) -> str:
    """937.0 -> "15 h 37 min", 2.5 -> "3 min", 2900 -> "2 d 0 h": minutes a reader does
    not have to divide (the booking-to-contact average spans hours or days)."""
    if minutes is None:
        return NOTHING
    whole = round(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}
