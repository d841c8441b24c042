"""How the dashboard writes rates and averages ("—" where there is nothing to measure)."""

from django import template

register = template.Library()

NOTHING = "—"


@register.filter
def percent(rate: float | None) -> str:
    """0.5714 -> "57.1%"."""
    return NOTHING if rate is None else f"{rate * 100:.1f}%"


@register.filter
def decimal1(value: float | None) -> str:
    return NOTHING if value is None else f"{value:.1f}"
