"""Admin forms for callbacks: the campaign form and the reschedule and cancel pages.

They only collect input; the rules and every change of a callback belong to
`callbacks.services` (which validates through `callbacks.validation`).
"""

import datetime as dt

from django import forms

from .models import CallbackCampaign

# What an <input type="datetime-local"> sends, plus what people type by hand.
WALL_TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


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
            "batch_size",
            "enabled",
        )
        labels = {
            "uccx_campaign_id": "UCCX campaign ID",
            "presented_number": "Presented number (DDI/DID)",
            "home_region": "Home country",
            "unknown_action": "Unknown account number",
            "batch_size": "Batch size",
        }


class RescheduleForm(forms.Form):
    """A new wall-clock time, read in the callback skill's time zone by the service."""

    scheduled_at = forms.CharField(
        label="New date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "scheduled_at"
        ].help_text = f"Local wall-clock time in the skill's time zone: {zone}."

    def clean_scheduled_at(self) -> dt.datetime:
        # Naive on purpose: callback_reschedule reads a naive time in the skill's zone and
        # reports a time that does not exist there (daylight-saving gap) as a violation.
        text = self.cleaned_data["scheduled_at"].strip()
        for pattern in WALL_TIME_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise forms.ValidationError("Enter a date and time, e.g. 2026-11-23T10:30.")


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=200,
        help_text="Optional; kept in each callback's timeline, e.g. 'Customer called in'.",
    )
