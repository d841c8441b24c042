"""A UCCX campaign's `timeZone` as a ZoneInfo (docs/uccx.md (time zones)).

UCCX answers the zone of its server under its Windows name ("Central European Standard
Time", "India Standard Time"); the campaign's startTime/endTime are wall times there. The
Windows names are mapped with CLDR's windowsZones table as tzlocal ships it
(tzlocal.windows_tz.win_tz: the "001" zone of each Windows name). CLDR keeps some old
IANA names (Asia/Calcutta); those become the current ones (Asia/Kolkata) through the
tzdata package's own links, so what is shown is what the tz database calls the zone.

An IANA name ("Europe/Warsaw") is accepted too: some installs might answer one. A Windows
name is looked up first; a name that is neither (or empty) raises UnknownTimeZone, never
a fallback to another zone.

Stdlib, tzlocal and tzdata only: the simulator (no Django) uses it as well.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from tzlocal.windows_tz import win_tz


class UnknownTimeZone(ValueError):
    """The name is neither a Windows zone name CLDR knows nor an IANA zone."""

    def __init__(self, name: str) -> None:
        self.name = name
        if not name.strip():
            message = "UCCX gave no time zone (timeZone is empty)"
        else:
            message = (
                f"unknown time zone {name!r}: neither a Windows zone name in CLDR's "
                f"windowsZones (tzlocal) nor an IANA zone"
            )
        super().__init__(message)


def campaign_zone(name: str) -> ZoneInfo:
    """The zone of a UCCX campaign's `timeZone`: a Windows name, or an IANA name."""
    wanted = name.strip()
    iana = win_tz.get(wanted, wanted)
    if iana not in _iana_names():
        raise UnknownTimeZone(name)
    return ZoneInfo(_current_names().get(iana, iana))


@cache
def _iana_names() -> frozenset[str]:
    # Not ZoneInfo(name) on trial: it opens any TZif file under the zoneinfo paths.
    return frozenset(available_timezones())


@cache
def _current_names() -> dict[str, str]:
    """Old IANA name → current one, from the tzdata package's tzdata.zi ("L target link")."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}  # the old names are links and still open the same zone
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, link = line.split()[:3]
            links[link] = target
    return links
