"""The "UCCX integration" box on the admin index: each background task's health."""

from typing import Any

from django import template

from uccx_integration.admin import health_box

register = template.Library()


@register.simple_tag(takes_context=True)
def uccx_health(context) -> dict[str, Any] | None:
    """None when the user may not see the integration status."""
    return health_box(context["request"])
