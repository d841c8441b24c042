"""The recall policies: per campaign, per outcome class, whether and when a callback
the dialer could not complete gets another round (callbacks.recall). Changes are kept
in the policy's history (django-simple-history, as for campaigns and rules)."""

from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..recall.models import RecallOutcome, RecallPolicy

HOW_ROUNDS_COMBINE = _(
    "A round is one UCCX contact: within it, the UCCX campaign makes its own dial "
    "attempts (at most its maximum dial attempts, retrying busy and no answer after its "
    "retry delays, at most 60 minutes). Only when UCCX closes the contact without an "
    "agent does the round end; then the policy below decides whether a new round, a new "
    "contact with a new account number, is imported later. So 3 rounds of a campaign "
    "with 3 dial attempts can ring the customer up to 9 times. Each new round goes to "
    "the next valid time the rules give at or after the wanted one (business hours, "
    "holidays, the customer's window, capacity, the booking horizon); with none left, "
    "the callback expires. Reports judge the promise by its first round. A campaign "
    "without a policy gets one round."
)


def _outcome_fieldset(outcome: RecallOutcome) -> tuple[str | Promise, dict]:
    return (
        outcome.label,
        {"fields": ((f"{outcome.value}_after", f"{outcome.value}_rounds"),)},
    )


@admin.register(RecallPolicy)
class RecallPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "no_answer_after", "no_answer_rounds", "busy_after")
    list_select_related = ("campaign",)
    fieldsets = (
        (None, {"description": HOW_ROUNDS_COMBINE, "fields": ("campaign",)}),
        *(_outcome_fieldset(outcome) for outcome in RecallOutcome),
        (
            _("Personal callbacks"),
            {"fields": ("personal_to_standard_after_rounds",)},
        ),
    )
