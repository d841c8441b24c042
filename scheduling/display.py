"""Every time a person reads: the admin pages, messages and rule violations.

One place, one style: 24-hour clock, ISO dates (`YYYY-MM-DD HH:MM`), and the zone named
wherever a moment is shown. Aware datetimes are formatted here rather than in templates:
the template engine would move them to settings.TIME_ZONE.

Machine formats (the API's ISO 8601, CSV exports, form input formats) are not here.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

DAY_MINUTES = 24 * 60


def wall_time(moment: dt.datetime | dt.date) -> str:
    """'2026-11-23 10:00': a wall time read in a zone named next to it."""
    return f"{moment:%Y-%m-%d %H:%M}"


def clock(moment: dt.datetime | dt.time) -> str:
    """'10:00': a time of day."""
    return f"{moment:%H:%M}"


def hhmm(minutes: int) -> str:
    """'08:30' for 510 minutes after midnight; '24:00' for the end of the day."""
    return "24:00" if minutes == DAY_MINUTES else f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekday_time(local: dt.datetime) -> str:
    return f"{WEEKDAYS_ABBR[local.weekday()]} {local:%Y-%m-%d %H:%M} {local.tzname()}"


def local_short(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Mon 2026-11-23 10:00 CET': the moment in `zone`, its abbreviation shown."""
    return _weekday_time(moment.astimezone(zone))


def local_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'Mon 2026-11-23 10:00 CET (Europe/Warsaw)': the moment in `zone`, named."""
    return f"{local_short(moment, zone)} ({zone.key})"


def local_time_with_offset(local: dt.datetime) -> str:
    """'Mon 2026-11-23 10:00 CET (UTC+01:00)': an aware local time with its UTC offset."""
    offset = f"{local:%z}"  # +0100; Python 3.11 has no %:z
    return f"{_weekday_time(local)} (UTC{offset[:3]}:{offset[3:]})"


def in_zone(local: dt.datetime) -> str:
    """'2026-11-23 10:00 (Europe/Warsaw)': an aware local time and its zone's name."""
    return f"{wall_time(local)} ({local.tzinfo})"


def utc_time(moment: dt.datetime) -> str:
    """'2026-11-23 09:00 UTC'."""
    return f"{wall_time(moment.astimezone(dt.UTC))} UTC"


def admin_time(moment: dt.datetime | None) -> str:
    """'2026-11-23 10:00:00 CET': a timestamp in the admin's zone (settings.TIME_ZONE), or
    '-' when there is none."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S %Z}" if moment else "-"


def day_label(day: dt.date) -> str:
    """'Monday 2026-11-23'."""
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def short_day(day: dt.date) -> str:
    """'Mon 2026-11-23'."""
    return f"{WEEKDAYS_ABBR[day.weekday()]} {day:%Y-%m-%d}"


def spans(periods) -> str:
    """'08:00-12:00, 13:00-24:00' for ((480, 720), (780, 1440)): minutes since midnight."""
    return ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in periods)


ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def missing_day(text: str) -> str | None:
    """Why a well-formed YYYY-MM-DD names no day of the calendar ("2027-02-29 does not
    exist: that month has no day 29."), or None: the day exists, or the text is not in
    that form (a wrong format, which the field reports in its own words)."""
    match = ISO_DAY.fullmatch(text.strip())
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return _("%(day)s does not exist: there is no month %(month)d.") % {
            "day": match.group(0),
            "month": month,
        }
    try:
        dt.date(year, month, day)
    except ValueError:
        if year >= 1:
            return _("%(day)s does not exist: that month has no day %(number)d.") % {
                "day": match.group(0),
                "number": day,
            }
    return None
