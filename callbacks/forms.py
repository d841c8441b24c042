"""Admin forms for callbacks: the campaign form and the reschedule and cancel pages.

They only collect input; the rules and every change of a callback belong to
`callbacks.services` (which validates through `callbacks.validation`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling.forms import WallTimeField, wall_time_help

from .models import CallbackCampaign


class CallbackCampaignForm(forms.ModelForm):
    class Meta:
        model = CallbackCampaign
        fields = (
            "name",
            "uccx_campaign_id",
            "presented_number",
            "home_region",
            "outside_line_prefix",
            "national_prefix",
            "international_prefix",
            "external_script",
            "unknown_action",
            "fallback_skill",
            "personal_wait_seconds",
            "batch_size",
            "enabled",
        )
        labels = {
            "uccx_campaign_id": _("UCCX campaign ID"),
            "presented_number": _("Presented number (DDI/DID)"),
            "home_region": _("Home country"),
            "unknown_action": _("Unknown account number"),
            "batch_size": _("Batch size"),
        }


class RescheduleForm(forms.Form):
    """A new wall-clock time, read in the callback skill's time zone by the service."""

    scheduled_at = WallTimeField(label=_("New date and time"))

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"].help_text = wall_time_help(zone)


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=200,
        help_text=_("Optional; kept in each callback's timeline, e.g. 'Customer called in'."),
    )
