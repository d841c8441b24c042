"""The filters of the reports dashboard and the CSV export (GET parameters)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callbacks.models import CallbackCampaign
from scheduling.forms import IsoDateField
from scheduling.models import Skill

from .selectors import ReportFilter, agent_choices

DEFAULT_DAYS = 30  # without a start: the 30 days up to the end (default today)
FILTERS = ("campaign", "skill", "agent")  # what the dashboard and the export share


class ExportDaysForm(forms.Form):
    """start and end (YYYY-MM-DD), both optional: the dashboard's export form shows
    these two alone (without ReportFilterForm's agent list, a query of its own)."""

    start = IsoDateField(
        required=False,
        label=_("First day"),
        help_text=_("First promised day (YYYY-MM-DD)."),
    )
    end = IsoDateField(
        required=False,
        label=_("Last day"),
        help_text=_("Last promised day (YYYY-MM-DD), included."),
    )


class ReportFilterForm(ExportDaysForm):
    """campaign, skill (ids), agent (Finesse id), start and end (YYYY-MM-DD): all optional.

    end defaults to `today`, start to 29 days before end.
    """

    field_order = ("campaign", "skill", "agent", "start", "end")
    campaign = forms.ModelChoiceField(
        queryset=CallbackCampaign.objects.order_by("name"),
        required=False,
        label=_("Campaign"),
        empty_label=_("All campaigns"),
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.order_by("name"),
        required=False,
        empty_label=_("All skills"),
        label=_("Skill"),
    )
    agent = forms.ChoiceField(required=False, label=_("Agent"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        agent = self.fields["agent"]
        assert isinstance(agent, forms.ChoiceField)
        agent.choices = [
            ("", _("All agents")),
            *((key, f"{name} ({key})" if name else key) for key, name in agent_choices()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in self.errors or "end" in self.errors:
            return data
        end = data["end"] = data.get("end") or self.today
        start = data["start"] = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(
                _("The start day (%(start)s) is after the end day (%(end)s).")
                % {"start": start, "end": end},
                code="invalid_range",
            )
        return data

    def report_filter(self) -> ReportFilter:
        """The valid form's filter."""
        data = self.cleaned_data
        campaign, skill = data.get("campaign"), data.get("skill")
        return ReportFilter(
            start=data["start"],
            end=data["end"],
            campaign_id=campaign.pk if campaign else None,
            skill_id=skill.pk if skill else None,
            agent_id=data.get("agent") or None,
        )


def filter_query(data: Any) -> dict[str, str]:
    """The campaign, skill and agent filters set in `data` (a QueryDict), as given: what
    the dashboard's CSV link and export form carry on, valid or not."""
    return {name: data[name] for name in FILTERS if data.get(name)}
