"""The do-not-call list: numbers and prefixes never to call back, each with a reason and
an optional last day. Checked at booking (violation `do_not_call`) and at dial time
(callbacks/dialing/do_not_call.py); parsed and matched in scheduling/do_not_call.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DoNotCallKind(models.TextChoices):
    NUMBER = "number", _("Number")
    PREFIX = "prefix", _("Prefix")


class DoNotCallEntry(models.Model):
    kind = models.CharField(
        max_length=6,
        choices=DoNotCallKind.choices,
        default=DoNotCallKind.NUMBER,
        help_text=_("Number: exactly this number. Prefix: every number that starts with it."),
        verbose_name=_("kind"),
    )
    value = models.CharField(
        max_length=20,
        unique=True,
        help_text=_(
            "International format: a number (+48221234567; written nationally, it "
            "is read in the default country of the global rules) or a prefix (+48700)."
        ),
        verbose_name=_("value"),
    )
    reason = models.CharField(
        max_length=200,
        help_text=_("Why it may not be called (shown to agents and in history)."),
        verbose_name=_("reason"),
    )
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("Last day the entry applies (the administrators' time zone); empty: for good."),
        verbose_name=_("ends on"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["value"]
        verbose_name = _("do-not-call entry")
        verbose_name_plural = _("do-not-call list")

    def __str__(self) -> str:
        return f"{self.value} ({self.get_kind_display().lower()})"
