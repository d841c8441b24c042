"""The recall policies: per campaign, per outcome class, whether and when a callback
the dialer could not complete gets another round (callbacks.recall). Changes are kept
in the policy's history (django-simple-history, as for campaigns and rules)."""

from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..recall.models import RecallOutcome, RecallPolicy

HOW_ROUNDS_COMBINE = _(
    "<p><strong>Rounds and the UCCX campaign's own dial attempts.</strong> A round is one "
    "UCCX contact. Within it, the UCCX campaign makes its own dial attempts: at most its "
    "maximum dial attempts, busy and no answer retried after its retry delays (at most "
    "60 minutes); an answering machine, a fax or an invalid number closes the contact at "
    "once. The round ends when UCCX closes the contact without an agent, or when the "
    "customer hangs up in the IVR. Only then does this policy decide, by what ended the "
    "round, whether a new round (a new UCCX contact with a new account number, linked to "
    "the one before) is imported later. So 3 rounds of a campaign with 3 dial attempts "
    "can ring a customer who never answers up to 9 times.</p>"
    "<p><strong>Counting.</strong> Rounds are counted per callback, whatever ended each "
    "one: 'rounds at most' is the rounds in all, the first one included, and the waits "
    "are used in order (the first before round 2, the second before round 3, the last "
    "one repeats). '30, next day' with 3 rounds: round 2 about 30 minutes after round 1 "
    "ended, round 3 the next day at the time first promised, then failed.</p>"
    "<p><strong>When.</strong> Each new round goes to the first valid time the rules "
    "give at or after the wanted one (business hours, holidays, the customer's window, "
    "the minimum lead time, slot capacity, the booking horizon; the timeline says what "
    "moved it); with none left, the callback expires. A number on the do-not-call list "
    "gets no new round (the callback is cancelled), and a waiting round is closed as "
    "satisfied when the customer calls in first.</p>"
    "<p><strong>Reports</strong> judge the promise by its first round and count its "
    "rounds and attempts. A campaign without a policy gets one round.</p>"
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
