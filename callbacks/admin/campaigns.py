"""The UCCX campaigns that dial callbacks, with an example of their dial plan."""

import phonenumbers
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ops.directory import DirectoryChoicesAdmin
from ops.models import DirectoryKind

from ..dialplan import dial_string_for
from ..forms import CallbackCampaignForm
from ..models import CallbackCampaign
from ..purge_action import purge_selected
from ..recall.models import RecallPolicy

DIAL_PLAN_EXAMPLES = ("+48221234567", "+12125550100")


@admin.register(CallbackCampaign)
class CallbackCampaignAdmin(DirectoryChoicesAdmin, SimpleHistoryAdmin):
    form = CallbackCampaignForm
    directory_fields = {"uccx_campaign_id": DirectoryKind.CAMPAIGN}
    actions = (purge_selected,)
    list_display = (
        "name",
        "campaign_id",
        "presented_number",
        "external_script",
        "enabled",
        "batch_size",
    )
    list_filter = ("enabled", "unknown_action")
    search_fields = ("name", "presented_number", "external_script")
    readonly_fields = ("dial_plan_example", "recall_policy_link")
    list_select_related = False
    fieldsets = (
        (
            _("UCCX campaign"),
            {
                "description": _(
                    "The outbound IVR campaign in UCCX that dials these callbacks. "
                    "The ID field offers the campaigns UCCX knows (synced hourly); a number "
                    "typed by hand is accepted too."
                ),
                "fields": ("name", "uccx_campaign_id", "presented_number"),
            },
        ),
        (
            _("Dial plan"),
            {
                "description": _(
                    "How a customer's number (international format) becomes the "
                    "digits the UCCX dialer dials."
                ),
                "fields": (
                    "home_region",
                    "outside_line_prefix",
                    "national_prefix",
                    "international_prefix",
                    "dial_plan_example",
                ),
            },
        ),
        (
            _("IVR routing"),
            {
                "description": _("What the callback IVR script is told when a customer answers."),
                "fields": (
                    "external_script",
                    "unknown_action",
                    "fallback_skill",
                    "personal_wait_seconds",
                    "when_agent_logged_out",
                ),
            },
        ),
        (
            _("Recall"),
            {
                "description": _(
                    "What happens when a round ends without reaching an agent, "
                    "after the UCCX campaign's own dial attempts."
                ),
                "fields": ("recall_policy_link",),
            },
        ),
        (
            _("Export"),
            {
                "description": _("How callbacks of this campaign are sent to UCCX."),
                "fields": ("batch_size", "enabled"),
            },
        ),
    )

    @admin.display(description=_("UCCX ID"), ordering="uccx_campaign_id")
    def campaign_id(self, campaign: CallbackCampaign) -> int:
        return campaign.uccx_campaign_id

    @admin.display(description=_("example"))
    def dial_plan_example(self, campaign: CallbackCampaign) -> str:
        # Read again: after a failed save the form has already copied the rejected input
        # onto `campaign`, and the example must show what UCCX will really dial.
        saved = CallbackCampaign.objects.filter(pk=campaign.pk).first() if campaign.pk else None
        if saved is None:
            return gettext("Shown once the campaign is saved.")
        lines = format_html_join(
            "",
            gettext("{} is dialed <code>{}</code><br>"),
            ((_readable(number), dial_string_for(number, saved)) for number in DIAL_PLAN_EXAMPLES),
        )
        return format_html(
            '{}<span class="quiet">{}</span>', lines, gettext("With the saved settings.")
        )

    @admin.display(description=_("recall policy"))
    def recall_policy_link(self, campaign: CallbackCampaign) -> str:
        policy = RecallPolicy.objects.filter(campaign_id=campaign.pk).first()
        if policy is not None:
            url = reverse("admin:callbacks_recallpolicy_change", args=[policy.pk])
            return format_html(
                gettext('<a href="{}">{}</a> (no answer: {}, at most {} rounds)'),
                url,
                policy,
                policy.no_answer_after or gettext("never again"),
                policy.no_answer_rounds,
            )
        if not campaign.pk:
            return gettext("Shown once the campaign is saved.")
        url = reverse("admin:callbacks_recallpolicy_add")
        return format_html(
            gettext(
                'None: one round, then failed. <a href="{}?campaign={}">Add a recall policy</a>'
            ),
            url,
            campaign.pk,
        )


def _readable(e164: str) -> str:
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
