"""Periodic tasks in words: "every minute", "every day at 02:30 Europe/Warsaw",
for the admin's health box and its Periodic tasks list (instead of cron text)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def schedule_in_words(periodic: Any) -> str:
    """A django-celery-beat PeriodicTask's schedule as a sentence; "(disabled)" added."""
    if periodic.interval is not None:
        when = interval_in_words(periodic.interval)
    elif periodic.crontab is not None:
        when = crontab_in_words(periodic.crontab)
    else:
        when = _("own schedule")
    return when if periodic.enabled else _("%(when)s (disabled)") % {"when": when}


# An interval in its largest whole unit: 300 seconds are "every 5 minutes".
WHOLE_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60))


def interval_in_words(interval: Any) -> str:
    """'every 5 minutes' for django-celery-beat's 300 seconds, in the admin's language."""
    every, period = interval.every, interval.period
    if period == "seconds" and every > 0:
        period, every = next(
            ((unit, every // size) for unit, size in WHOLE_UNITS if every % size == 0),
            (period, every),
        )
    texts = {
        "days": ngettext("every day", "every %(n)d days", every),
        "hours": ngettext("every hour", "every %(n)d hours", every),
        "minutes": ngettext("every minute", "every %(n)d minutes", every),
        "seconds": ngettext("every second", "every %(n)d seconds", every),
        "microseconds": ngettext("every microsecond", "every %(n)d microseconds", every),
    }
    return texts[period] % {"n": every} if period in texts else str(interval)


def crontab_in_words(crontab: Any) -> str:
    """'30 2 * * *' in Europe/Warsaw -> 'every day at 02:30 Europe/Warsaw'; a crontab
    that is not one time a day keeps django-celery-beat's own text."""
    fixed = crontab.minute.isdigit() and crontab.hour.isdigit()
    daily = (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*",) * 3
    if fixed and daily:
        return _("every day at %(time)s %(zone)s") % {
            "time": f"{int(crontab.hour):02d}:{int(crontab.minute):02d}",
            "zone": crontab.timezone,
        }
    return f"{crontab.human_readable} {crontab.timezone}"
