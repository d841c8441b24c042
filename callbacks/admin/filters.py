"""The callback list's filters that are more than a field's values."""

from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ..models import Callback, Kind


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
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

    title = _("agent")
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
