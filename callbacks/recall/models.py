"""The recall policy: per campaign and outcome class, whether a callback the dialer could
not complete gets another round, when, and how many rounds at most.

One row per campaign, all outcome classes in it, so the admin's history (django-simple-
history, as for the campaigns and the rules) shows one version per change of the policy.
A campaign without a policy row gets one round, as before the policy existed.
Decision: docs/decisions/recall-rounds.md; the service that uses it: callbacks.recall.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NEXT_DAY = "next day"
MAX_DELAY_MINUTES = 7 * 24 * 60
MAX_ROUNDS = 10


class RecallOutcome(models.TextChoices):
    """Why a round ended without reaching an agent (the policy's outcome classes)."""

    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    MACHINE = "machine", _("Answering machine or fax")
    INVALID_NUMBER = "invalid_number", _("Invalid number")
    IVR_HANGUP = "ivr_hangup", _("Customer hung up in the IVR")
    ABANDONED = "abandoned", _("Abandoned before reaching an agent")


# A round's last result (CallResult names as callbacks store them, and the IVR outcome
# customer_hangup) -> its outcome class. "voice" closed without an agent (and without an
# external script taking it) is a call abandoned in the queue.
OUTCOME_BY_RESULT = {
    "no_answer": RecallOutcome.NO_ANSWER,
    "busy": RecallOutcome.BUSY,
    "answering_machine": RecallOutcome.MACHINE,
    "fax": RecallOutcome.MACHINE,
    "invalid_number": RecallOutcome.INVALID_NUMBER,
    "customer_hangup": RecallOutcome.IVR_HANGUP,
    "abandoned": RecallOutcome.ABANDONED,
    "voice": RecallOutcome.ABANDONED,
}


@dataclass(frozen=True, slots=True)
class Step:
    """When the next round is wanted: `minutes` after the round ended, or (next_day) on
    the next local day at the promised wall time."""

    minutes: int = 0
    next_day: bool = False

    def __str__(self) -> str:
        return NEXT_DAY if self.next_day else f"{self.minutes} minutes"


def parse_steps(text: str) -> list[Step]:
    """ "30, next day" -> [30 minutes, next day]. Raises ValueError in the admin's words."""
    steps = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part in (NEXT_DAY, "tomorrow"):
            steps.append(Step(next_day=True))
        elif part.isascii() and part.isdigit() and 1 <= int(part) <= MAX_DELAY_MINUTES:
            steps.append(Step(minutes=int(part)))
        else:
            raise ValueError(
                _(
                    "'%(part)s' is neither a number of minutes (1 to %(max)d) nor "
                    "'%(next_day)s'. Example: 30, next day"
                )
                % {"part": part, "max": MAX_DELAY_MINUTES, "next_day": NEXT_DAY}
            )
    return steps


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    outcome: str
    steps: tuple[Step, ...]  # empty: never try again
    max_rounds: int

    def step_after(self, rounds_done: int) -> Step | None:
        """The wait before round rounds_done + 1, or None when the policy is exhausted."""
        if not self.steps or rounds_done >= self.max_rounds:
            return None
        return self.steps[min(rounds_done, len(self.steps)) - 1]


def _after(outcome: str, default: str) -> models.CharField:
    label = RecallOutcome(outcome).label
    return models.CharField(
        format_lazy(_("{outcome}: try again after"), outcome=label),
        max_length=100,
        blank=True,
        default=default,
        help_text=format_lazy(
            _(
                "Empty: never try again. Otherwise the wait before each new round, "
                "comma-separated: minutes after the round ended, or '{next_day}' (the next day "
                "at the promised time of day); the last one repeats. Example: 30, next day."
            ),
            next_day=NEXT_DAY,
        ),
    )


def _rounds(outcome: str, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        format_lazy(_("{outcome}: rounds at most"), outcome=RecallOutcome(outcome).label),
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ROUNDS)],
        help_text=_("Rounds in all, the first one included (1 = never try again)."),
    )


RO = RecallOutcome


class RecallPolicy(models.Model):
    """A campaign's recall policy. The field defaults are the suggested policy."""

    campaign = models.OneToOneField(
        "callbacks.CallbackCampaign",
        on_delete=models.CASCADE,
        related_name="recall_policy",
        verbose_name=_("campaign"),
    )
    no_answer_after = _after(RO.NO_ANSWER, f"60, {NEXT_DAY}")
    no_answer_rounds = _rounds(RO.NO_ANSWER, 3)
    busy_after = _after(RO.BUSY, "15, 60")
    busy_rounds = _rounds(RO.BUSY, 3)
    machine_after = _after(RO.MACHINE, NEXT_DAY)
    machine_rounds = _rounds(RO.MACHINE, 2)
    invalid_number_after = _after(RO.INVALID_NUMBER, "")
    invalid_number_rounds = _rounds(RO.INVALID_NUMBER, 1)
    ivr_hangup_after = _after(RO.IVR_HANGUP, "30")
    ivr_hangup_rounds = _rounds(RO.IVR_HANGUP, 2)
    abandoned_after = _after(RO.ABANDONED, "10")
    abandoned_rounds = _rounds(RO.ABANDONED, 2)
    personal_to_standard_after_rounds = models.PositiveSmallIntegerField(
        _("personal callbacks become standard after (failed rounds)"),
        default=0,
        validators=[MaxValueValidator(MAX_ROUNDS)],
        help_text=_(
            "After this many failed rounds of a personal callback, the next round "
            "is queued to the skill instead of the agent (0 = never). Shown in the timeline "
            "and as 'fell back to skill' in the reports."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recall policy")
        verbose_name_plural = _("recall policies")

    def __str__(self) -> str:
        return _("Recall policy of %(campaign)s") % {"campaign": self.campaign}

    def rule(self, outcome: str) -> OutcomeRule:
        after = getattr(self, f"{outcome}_after")
        return OutcomeRule(outcome, tuple(parse_steps(after)), getattr(self, f"{outcome}_rounds"))

    def clean(self) -> None:
        errors = {}
        for outcome in RecallOutcome.values:
            try:
                parse_steps(getattr(self, f"{outcome}_after"))
            except ValueError as error:
                errors[f"{outcome}_after"] = str(error)
        if errors:
            raise ValidationError(errors)
